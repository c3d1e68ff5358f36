"""What the records cover: the Digital Policy Officer and administrators keep it up to date."""

from django.db import transaction

from .. import audit
from ..models import LogLeaf, RecordCoverage
from . import translog

FIELDS = ("stream", "starts_on", "ends_on", "source", "note")


def do_save_coverage(*, by, ip=None, coverage=None, **values):
    """Create a coverage period, or change `coverage`; audited like every record.

    `values` are the model's fields (`FIELDS`); `full_clean()` refuses an end before the
    start or a second period of a stream starting the same day.
    """
    with transaction.atomic(), audit.acting(by, ip):
        row = coverage if coverage is not None else RecordCoverage()
        for name in FIELDS:
            if name in values:
                setattr(row, name, values[name])
        row.full_clean()
        row.save()
        translog.log_record(LogLeaf.Kind.COVERAGE, row)
    return row
