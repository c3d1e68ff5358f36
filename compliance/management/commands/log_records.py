"""Compare the transparency log with the records: every receipt, forwarding, committee
report, agreed extension, coverage period, provision version and review outcome against
its newest leaf.
Exit 0 when they agree; else list what is missing from the log or differs, and exit 1.

`--append-missing` first logs the records that have no leaf yet (the seed history loaded
with `loaddata`, or records from before the log existed); `bin/setup` runs it."""

from django.core.management.base import BaseCommand, CommandError

from compliance import log_records
from compliance.services import translog


class Command(BaseCommand):
    help = "Compare the log's leaves with the records they state (exit 1 on a difference)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--append-missing", action="store_true", help="Log the records that have no leaf yet, then compare."
        )

    def handle(self, *args, append_missing=False, **options):
        if append_missing:
            added = translog.do_append_missing()
            self.stdout.write(f"{added} record(s) appended to the log.")
        result = log_records.compare_with_records()
        for ref in result["missing"]:
            self.stderr.write(f"- {ref}: not in the log")
        for ref, field, logged, now in result["differ"]:
            self.stderr.write(f"- {ref}: {field} is {now!r} in the records but {logged!r} in the log")
        bad = len(result["missing"]) + len(result["differ"])
        if bad:
            raise CommandError(f"The log and the records differ in {bad} place(s).", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"The log states every one of the {result['checked']} records as it is."))
