"""`python manage.py build_packet --fiscal-year Y --scope plan|results|range [--from D --to D]
[--lang ko|en] [--as-of D] -o FILE.pdf`

Writes the council packet to FILE.pdf. Bad arguments exit with code 2; a scope with
nothing in it prints why and exits with code 1 without writing a file.
"""

import datetime
import os
import shutil
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.pdf.build import build
from compliance.pdf.content import EmptyScope, InvalidRequest, PacketRequest
from compliance.services.packets import publish_log_head


def _date(value, name):
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"날짜 형식이 잘못되었습니다 / not a valid date for {name}: {value!r} (YYYY-MM-DD)", returncode=2
        ) from None


class Command(BaseCommand):
    help = "Build an Article 17 council submission packet (PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, choices=["plan", "results", "range"])
        parser.add_argument("--fiscal-year", dest="fiscal_year", help="Fiscal year (required for plan and results).")
        parser.add_argument("--from", dest="date_from", help="Range start, YYYY-MM-DD (range scope).")
        parser.add_argument("--to", dest="date_to", help="Range end, YYYY-MM-DD (range scope).")
        parser.add_argument("--lang", default="ko", choices=["ko", "en"])
        parser.add_argument("--as-of", dest="as_of", help="Statuses as of YYYY-MM-DD (default: today, Asia/Seoul).")
        parser.add_argument(
            "--what-if",
            dest="what_if",
            action="store_true",
            help="Assume the proposed amendment in force (every page is watermarked as a what-if).",
        )
        parser.add_argument(
            "--what-if-from", dest="what_if_from", help="Assumed in force from YYYY-MM-DD (default: --as-of)."
        )
        parser.add_argument("-o", "--output", required=True, help="The PDF file to write.")

    def handle(self, *args, **options):
        fiscal_year = None
        if options["fiscal_year"] is not None:
            try:
                fiscal_year = int(options["fiscal_year"])
            except ValueError:
                raise CommandError(
                    f"회계연도가 잘못되었습니다 / not a fiscal year: {options['fiscal_year']!r}", returncode=2
                ) from None
        req = PacketRequest(
            scope=options["scope"],
            as_of=_date(options["as_of"], "--as-of") or timezone.localdate(),
            fiscal_year=fiscal_year,
            date_from=_date(options["date_from"], "--from"),
            date_to=_date(options["date_to"], "--to"),
            language=options["lang"],
            what_if=options["what_if"],
            what_if_from=_date(options["what_if_from"], "--what-if-from"),
        )
        try:
            req.validate()
        except InvalidRequest as exc:
            raise CommandError(str(exc), returncode=2) from None
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"폴더가 없습니다 / no such folder: {output.parent}", returncode=2)
        try:
            publish_log_head()
            packet = build(req)
        except EmptyScope as exc:
            raise CommandError(f"{exc} (no PDF written)", returncode=1) from None
        # Write beside the target and rename, so a failure never leaves half a PDF.
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".packet-", suffix=".pdf")
        with os.fdopen(fd, "wb") as fh, packet.path.open("rb") as built:
            shutil.copyfileobj(built, fh, 2**20)
        os.replace(tmp, output)
        self.stdout.write(
            f"{output}: {packet.page_count} pages ({packet.generated_pages} generated), "
            f"manifest {packet.manifest_hash}, {packet.render_seconds:.2f} s"
        )
