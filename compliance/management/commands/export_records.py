"""`python manage.py export_records RESOURCE [--format csv|xlsx] [-o FILE] [--korean-headers] [--as-of D]`.

Writes to FILE, or to standard output for CSV. Exit code 2 on a bad argument.
"""

import datetime
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.dataio.exports import FORMATS, export_records
from compliance.dataio.resources import RESOURCES


class Command(BaseCommand):
    help = "Export records as CSV or XLSX. Resources: " + ", ".join(RESOURCES)

    def add_arguments(self, parser):
        parser.add_argument("resource", help=", ".join(RESOURCES))
        parser.add_argument("--format", default="csv", help="csv (default) or xlsx")
        parser.add_argument("-o", "--output", help="File to write (default: standard output, CSV only)")
        parser.add_argument("--korean-headers", action="store_true", help="Korean column names (import accepts both)")
        parser.add_argument("--as-of", dest="as_of", help="For obligations: status as of YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        name, fmt = options["resource"], options["format"]
        if name not in RESOURCES:
            raise CommandError(
                f"알 수 없는 자료 / unknown resource {name!r}; known: {', '.join(RESOURCES)}", returncode=2
            )
        if fmt not in FORMATS:
            raise CommandError(f"알 수 없는 형식 / unknown format {fmt!r}; use csv or xlsx", returncode=2)
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(
                    f"날짜 형식이 잘못되었습니다 / not a valid date: {options['as_of']!r} (YYYY-MM-DD)", returncode=2
                ) from None
        if fmt == "xlsx" and not options["output"]:
            raise CommandError("XLSX는 -o 파일이 필요합니다 / XLSX needs -o FILE", returncode=2)
        data, _headers, count = export_records(
            name, fmt, korean_headers=options["korean_headers"], as_of=as_of or timezone.localdate()
        )
        if options["output"]:
            with open(options["output"], "wb") as fh:
                fh.write(data)
            self.stderr.write(f"{count} rows -> {options['output']}")
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
