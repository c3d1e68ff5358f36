"""What the records cover: the Digital Policy Officer and administrators keep it up to date."""

from django.db import transaction

from .. import audit
from ..models import LogLeaf, RecordCoverage, RecordStream
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


def do_record_live_coverage(*, by=None, starts_on, source, ip=None):
    """From `starts_on` on, this app is how each stream's events are recorded: one live
    coverage period (no end) per stream that has none yet. Idempotent: a stream with a
    live period keeps it. Returns the periods created; audited like every record."""
    created = []
    with transaction.atomic(), audit.acting(by, ip):
        for stream in RecordStream.values:
            if RecordCoverage.objects.filter(stream=stream, ends_on__isnull=True).exists():
                continue
            row = RecordCoverage(stream=stream, starts_on=starts_on, source=source)
            row.full_clean()
            row.save()
            created.append(row)
    return created
