"""What a recorded fact may be, whoever records it: the forms and the imports share these.

Pure: the tracking start and "today" are passed in.
"""

import datetime
import re
import unicodedata

# Receipt numbers the app gives itself: WEGO-<year>-<sequence> (services/submissions.py).
# An imported receipt keeps its own number; one that starts like the app's could collide.
APP_RECEIPT_PREFIX = "WEGO-"
_SPACES = re.compile(r"\s+")


def fiscal_year_range(tracking_start: datetime.date, today: datetime.date) -> range:
    """Fiscal years a record may concern: from the year before tracking starts to two
    years ahead (a plan is due five months before its year)."""
    return range(tracking_start.year - 1, today.year + 3)


def receipt_key(number: str | None) -> str:
    """A receipt number as compared: width-folded (NFKC), without spaces, upper case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", number or "")).upper()


def looks_like_app_receipt_number(number: str | None) -> bool:
    return receipt_key(number).startswith(APP_RECEIPT_PREFIX)
