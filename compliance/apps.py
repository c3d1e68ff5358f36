from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Article 17 compliance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The audit trail records every create/change of the audited models (issue 3).
        from . import audit

        audit.connect_signals()
        # Every write to what the register reads gives the data a new version.
        from . import register

        register.connect_signals()
        # Register the Celery tasks in every process (web included): `compliance.queue`
        # sends them by name and must find them registered; and the deployment checks
        # (`check --deploy` warns about an audit key that is not set).
        from . import checks, tasks  # noqa: F401
