"""Labels of the pure rules' codes in the reader's language (Django i18n lives here, not in
`compliance.rules`)."""

from django.utils.translation import gettext_lazy as _

from .models import DocumentKind
from .rules.obligations import Status

STATUS_LABELS = {
    Status.OVERDUE: _("Overdue"),
    Status.NO_RECORD: _("No record — not entered yet"),
    Status.DUE_SOON: _("Due soon"),
    Status.UPCOMING: _("Upcoming"),
    Status.LATE: _("Fulfilled late"),
    Status.ON_TIME: _("Fulfilled on time"),
    Status.NOT_YET_PAST_GRACE: _("Not yet forwarded, past the grace — reason required"),
    Status.DONE_AFTER_GRACE: _("Forwarded after the grace — reason required"),
    Status.DELAYED_REASON_RECORDED: _("Past the grace — reason recorded"),
}


def status_label(obligation):
    """The label of an obligation's status ("without delay" duties say delayed, never violated)."""
    return STATUS_LABELS[obligation.status_key]


def status_choices():
    """The badges, in dashboard order (the filter and the status cards use the same set)."""
    return [(s, STATUS_LABELS[s]) for s in Status.BADGES]


DOCUMENT_KIND_LABELS = dict(DocumentKind.choices)  # lazy: each read in the reader's language


def document_kind_label(kind):
    return DOCUMENT_KIND_LABELS.get(kind, kind)


def fiscal_year_label(year):
    """2024 -> "2024회계연도" / "FY 2024"; "—" for none."""
    return _("FY %(fy)s") % {"fy": year} if year else "—"


LANGUAGE_LABELS = {"ko": _("Korean"), "en": _("English")}


def language_label(code):
    return LANGUAGE_LABELS.get(code, code)


def duplicate_forwarding_message(title, day, number=""):
    """Why a second forwarding of the same document on the same day is refused (the form,
    the service and the import say the same)."""
    from django.utils.translation import gettext

    from .display import date_label

    if number:
        return gettext(
            "“%(title)s” is already recorded as forwarded to the Council on %(day)s (%(number)s). "
            "The same document is not forwarded twice on one day."
        ) % {"title": title, "day": date_label(day), "number": number}
    return gettext(
        "“%(title)s” is already recorded as forwarded to the Council on %(day)s. "
        "The same document is not forwarded twice on one day."
    ) % {"title": title, "day": date_label(day)}


def forwarded_note(day, number=""):
    """“forwarded on 2023. 3. 17.(금), 디지털정책담당관-1234” for a document's label."""
    from django.utils.translation import gettext

    from .display import date_label

    if number:
        return gettext("forwarded on %(day)s, %(number)s") % {"day": date_label(day), "number": number}
    return gettext("forwarded on %(day)s") % {"day": date_label(day)}
