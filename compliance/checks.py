"""System checks of the deployment (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs, **kwargs):
    """The audit trail's key must be set on its own: derived from SECRET_KEY it changes with
    it, and every signature then fails (`verify_audit` reports a key problem)."""
    if getattr(settings, "WEGO_AUDIT_KEY_DERIVED", False):
        return [
            Warning(
                "WEGO_AUDIT_KEY is not set: the audit trail is signed with a key derived from SECRET_KEY.",
                hint="Set WEGO_AUDIT_KEY (or WEGO_AUDIT_KEY_FILE) to a random secret of 32+ characters, kept "
                "out of the database and its backups, and never change it.",
                id="compliance.W001",
            )
        ]
    if len(settings.WEGO_AUDIT_KEY) < 32:
        return [
            Warning(
                "WEGO_AUDIT_KEY is shorter than 32 characters.",
                hint="Use a random secret of 32 or more characters.",
                id="compliance.W002",
            )
        ]
    return []
