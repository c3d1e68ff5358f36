from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Article 17 compliance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The audit trail records every create/change of the audited models (issue 3).
        from . import audit_signals

        audit_signals.connect_signals()
        # Every write to what the register's facts derive from refreshes what it touches.
        from django.db.models.signals import post_migrate

        from . import register

        register.connect_signals()
        post_migrate.connect(_register_built, sender=self, dispatch_uid="register-built")
        # Register the Celery tasks in every process (web included): `compliance.queue`
        # sends them by name and must find them registered; and the deployment checks
        # (`check --deploy` warns about an audit key that is not set).
        from . import checks, tasks  # noqa: F401


def _register_built(sender, using="default", **_kwargs):
    """A database migrated to the stored register holds events but no stored rows yet:
    build them once (later writes keep them current)."""
    from django.db.utils import DatabaseError

    from . import register
    from .models import DutyRule, StoredObligation

    try:
        if DutyRule.objects.using(using).exists() and not StoredObligation.objects.using(using).exists():
            register.rebuild()
    except DatabaseError:  # a partly migrated database (migrating backwards): nothing to build
        pass
