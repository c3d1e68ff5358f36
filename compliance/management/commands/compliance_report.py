"""`manage.py compliance_report --as-of YYYY-MM-DD [--from-fy Y] [--to-fy Y] -o FILE`:
the annual report for the Council's audit as a PDF (compliance/pdf/report.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.pdf.content import PacketError
from compliance.pdf.report import ReportRequest, build_report


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter a valid date (YYYY-MM-DD), not {value!r}.") from None


class Command(BaseCommand):
    help = "Write the annual compliance report (PDF) for the Council's audit."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="The day the figures are as at (default: today, Asia/Seoul).")
        parser.add_argument("--from-fy", type=int, help="First fiscal year.")
        parser.add_argument("--to-fy", type=int, help="Last fiscal year.")
        parser.add_argument("--language", default="ko", choices=["ko", "en"])
        parser.add_argument("--what-if", action="store_true", help="As if the proposed amendment were in force.")
        parser.add_argument("--what-if-from", help="With --what-if: the day it is assumed in force from.")
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")

    def handle(self, *args, **options):
        req = ReportRequest(
            as_of=_day(options["as_of"]) if options["as_of"] else timezone.localdate(),
            from_fy=options["from_fy"],
            to_fy=options["to_fy"],
            language=options["language"],
            what_if=options["what_if"],
            what_if_from=_day(options["what_if_from"]) if options["what_if_from"] else None,
        )
        try:
            built = build_report(req)
        except PacketError as exc:
            raise CommandError(str(exc)) from None
        with open(options["output"], "wb") as fh:
            fh.write(built.pdf)
        self.stdout.write(
            f"{options['output']}: {built.page_count} pages, manifest SHA-256 {built.manifest_hash} "
            f"({built.render_seconds:.2f} s)"
        )
