"""How dates, times and sizes read in the interface, e-mails and PDFs.

Korean follows the city's documents: ``2026. 11. 27.(금)`` and ``14:07`` in KST;
English has its own: ``Fri 27 Nov 2026`` and ``14:07``. Never ISO, never UTC.
Functions of a value and a language; aware datetimes are shown in Asia/Seoul.
`date_label` alone reads the active language (for messages built in services).
"""

import datetime
import zoneinfo

from django.utils.translation import get_language

# One way to write a day, shared with the rules' derivations (they may not import this
# module); the names are re-exported for the modules that read written days back.
from .rules.calendar import MONTHS_EN, WEEKDAYS_EN, WEEKDAYS_KO, fmt  # noqa: F401

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def _english(lang):
    return bool(lang) and lang.startswith("en")


def _local(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(SEOUL)
    return value


def format_date(value, lang="ko"):
    """2026. 11. 27.(금) / Fri 27 Nov 2026; '' for no date. A datetime gives its KST day."""
    if not value:
        return ""
    value = _local(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return fmt(value, "en" if _english(lang) else "ko")


def date_label(value):
    """A day in the active language, for messages: 2026. 11. 27.(금) / Fri 27 Nov 2026."""
    return format_date(value, get_language() or "ko")


def format_time(value, lang="ko"):
    """14:07 in KST."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value, lang="ko", zone=False):
    """2026. 11. 27.(금) 14:07 / Fri 27 Nov 2026, 14:07 (KST). With `zone`, the one "KST"
    follows the time: for a value whose label does not already say KST."""
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return format_date(value, lang)
    sep = ", " if _english(lang) else " "
    return f"{format_date(value, lang)}{sep}{format_time(value, lang)}{' KST' if zone else ''}"


def format_size(num_bytes, lang="ko"):
    """107844 -> '105 KB'; 2621440 -> '2.5 MB'; 812 -> '812 B' (1 KB = 1,024 bytes)."""
    if num_bytes is None or num_bytes == "":
        return ""
    size = float(num_bytes)
    if size < 1024:
        return f"{int(size):,} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    text = f"{size:,.1f}" if size < 10 else f"{round(size):,}"
    return f"{text.removesuffix('.0')} {unit}"


def format_number(value):
    """1262000 -> '1,262,000'."""
    if value is None or value == "":
        return ""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)
