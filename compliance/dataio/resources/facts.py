"""The forms' rules, applied to imported facts: a refused cell names its column and the rule.

The rules themselves live in `compliance.rules.records` (shared with the forms'
services); the messages are the forms' own.
"""

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from ...display import date_label
from ...rules import records

receipt_key = records.receipt_key
is_app_receipt_number = records.looks_like_app_receipt_number


def check_fact_date(errors: dict, column: str, day: datetime.date | None, today: datetime.date) -> None:
    """A receipt, forwarding or report cannot have happened after today (Asia/Seoul)."""
    if day is not None and day > today:
        errors.setdefault(column, []).append(
            _("The date cannot be in the future (today is %(today)s in Seoul).") % {"today": date_label(today)}
        )


def check_fiscal_year(errors: dict, column: str, year: int | None, today: datetime.date) -> None:
    years = records.fiscal_year_range(settings.WEGO_TRACKING_START, today)
    if year is not None and year not in years:
        errors.setdefault(column, []).append(
            _("The fiscal year must be between %(first)s and %(last)s.")
            % {"first": years.start, "last": years.stop - 1}
        )


def check_forwarded_after_receipt(errors: dict, column: str, forwarded_on, document) -> None:
    received_on = document.submission.received_on
    if forwarded_on is not None and forwarded_on < received_on:
        errors.setdefault(column, []).append(
            _("“%(title)s” was received on %(day)s; it cannot be forwarded before that.")
            % {"title": document.title, "day": date_label(received_on)}
        )


def app_number_message(number: str) -> str:
    return _(
        "“%(number)s” looks like a receipt number this app gives (%(prefix)sYYYY-NNNN) and could collide with "
        "one; an imported receipt keeps its own number (for example the paper register's) or none."
    ) % {"number": number.strip(), "prefix": records.APP_RECEIPT_PREFIX}
