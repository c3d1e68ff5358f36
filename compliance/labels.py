"""Labels of the pure rules' codes in the reader's language (Django i18n lives here, not in
`compliance.rules`)."""

from django.utils.translation import gettext, pgettext_lazy
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
    Status.OVERDUE_AT_RECORDS_END: _("Overdue on the last day of the records — no record since"),
    Status.PAST_GRACE_AT_RECORDS_END: _("Past the grace on the last day of the records — no record since"),
    Status.WITHIN_EXTENSION: _("Statutory date passed — within the agreed extension"),
}


# Agreed extensions (issue 22): how a status judged against an agreed date is named; the
# register shows the statutory date beside it (the statutory date never changes).
AGREED_EXTENSION = _("agreed extension")
WITHIN_AGREED_EXTENSION = _("statutory date passed — within the agreed extension")


def status_label(obligation):
    """The label of an obligation's status ("without delay" duties say delayed, never violated).

    Lateness the records prove only up to their end says both facts, with the day and
    the days: "기록 종료일(2024. 4. 3.) 기준 N일 경과 — 이후 기록 없음"."""
    if obligation.records_end_overdue:
        from .display import date_label

        return gettext("%(days)s days past on the last day of the records (%(day)s) — no record since") % {
            "days": obligation.days_overdue_at_records_end,
            "day": date_label(obligation.records_end),
        }
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


def fiscal_years_label(first, last):
    """The fiscal years of an annual report, either end open: "FY 2023–FY 2024",
    "FY 2023 onwards", "up to FY 2024", "All years"."""
    if first and last:
        return fiscal_year_label(first) if first == last else f"{fiscal_year_label(first)}–{fiscal_year_label(last)}"
    if first:
        return _("%(fy)s onwards") % {"fy": fiscal_year_label(first)}
    if last:
        return _("up to %(fy)s") % {"fy": fiscal_year_label(last)}
    return _("All years")


LANGUAGE_LABELS = {"ko": _("Korean"), "en": _("English")}


def language_label(code):
    return LANGUAGE_LABELS.get(code, code)


# The hops of Article 17 (compliance/register/outcomes.py), as the compliance record names them.
HOP_LABELS = {
    "to_mayor": _("WeGO → Mayor"),
    "to_council": _("Mayor → Council"),
    "to_committee": _("Mayor → committee"),
}

# The figures of the compliance record; each is also a dashboard filter (`?outcome=`).
OUTCOME_LABELS = {
    "due": pgettext_lazy("compliance record", "Due"),
    "on_time": _("Fulfilled on time"),
    "late": _("Fulfilled late"),
    "overdue": _("Overdue now"),
    "past_grace": _("Past the grace period"),
    "past_grace_reason": _("Past the grace period, reason recorded"),
    "past_grace_no_reason": _("Past the grace period, no reason recorded"),
    "no_record": _("No record"),
    "extended": _("Extension agreed"),
}


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


# The public register's plain statuses: what happened, in words, never an instruction
# (the same small set as its status filter).
PLAIN_STATUS = {
    Status.ON_TIME: "on_time",
    Status.LATE: "late",
    Status.OVERDUE: "not_done",
    Status.NO_RECORD: "no_record",
    Status.DUE_SOON: "not_due",
    Status.UPCOMING: "not_due",
}
_PLAIN_LABELS = {
    # (code, "without delay" duty?) -> label
    ("on_time", False): _("Done on time"),
    ("on_time", True): _("Done without delay"),
    ("late", False): _("Done late"),
    ("late", True): _("Done after a delay"),
    ("not_done", False): _("Not done, past due"),
    ("not_done", True): _("Not done yet, delayed"),
    ("no_record", False): _("No record"),
    ("no_record", True): _("No record"),
    ("not_due", False): _("Not due yet"),
    ("not_due", True): _("Not due yet"),
}


def plain_status(obligation) -> str:
    return PLAIN_STATUS[obligation.status]


def plain_status_label(obligation):
    """ "Done late", "Not done, past due" ...; past due only as far as the records go says so."""
    if obligation.records_end_overdue:
        from .display import date_label

        return gettext("Not done by the last day of the records (%(day)s)") % {
            "day": date_label(obligation.records_end)
        }
    if obligation.within_extension:
        return gettext("Within an agreed extension")
    return _PLAIN_LABELS[(plain_status(obligation), obligation.is_grace_duty)]
