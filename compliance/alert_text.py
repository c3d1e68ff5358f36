"""The words of alerts: titles (inbox and e-mail subject) and what e-mail templates show."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .display import format_date
from .labels import fiscal_year_label, status_label
from .rules.alerts import DIGEST


def alert_title(obligation, stage, as_of, language):
    """The one-line title of an alert, in `language` (inbox and e-mail subject)."""
    with translation.override(language):
        name = obligation.rule.name
        fy = fiscal_year_label(obligation.fiscal_year)
        days = (obligation.due_date - as_of).days
        due = format_date(obligation.due_date, language)
        if stage.kind == DIGEST:
            return _("Still open: %(name)s (%(fy)s), due %(due)s") % {"name": name, "fy": fy, "due": due}
        if days > 0:
            return _("Due in %(days)s days: %(name)s (%(fy)s), %(due)s") % {
                "days": days,
                "name": name,
                "fy": fy,
                "due": due,
            }
        if days == 0:
            return _("Due today: %(name)s (%(fy)s)") % {"name": name, "fy": fy}
        return _("Overdue by %(days)s days: %(name)s (%(fy)s), due %(due)s") % {
            "days": -days,
            "name": name,
            "fy": fy,
            "due": due,
        }


def absolute_url(path):
    return settings.WEGO_SITE_URL.rstrip("/") + path


def obligation_context(obligation, as_of, language):
    """What the e-mail templates show about one obligation, computed in `language`."""
    with translation.override(language):
        return {
            "key": obligation.key,
            "name": str(obligation.rule.name),
            "fiscal_year": obligation.fiscal_year,
            "fiscal_year_label": str(fiscal_year_label(obligation.fiscal_year)),
            "actor": str(obligation.rule.actor.name),
            "recipient": str(obligation.rule.recipient.name),
            "due_date": obligation.due_date,
            "days_left": (obligation.due_date - as_of).days,
            "days_overdue": (as_of - obligation.due_date).days,
            "status": obligation.status,
            "status_label": str(status_label(obligation)),
            "derivation": obligation.deadline.derivation(language),
            "document": obligation.document.title if obligation.document else "",
            "url": absolute_url(reverse("obligation_detail", args=[obligation.key])),
        }
