"""`python manage.py import_records RESOURCE FILE [--dry-run]`.

Exit code 0 when every row is valid (and, without --dry-run, imported); 2 with a
row-by-row report on stderr otherwise. An import is all or nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from compliance.dataio.resources import IMPORTABLE
from compliance.services.imports import do_import_records


class Command(BaseCommand):
    help = "Import records from a CSV or XLSX file (all or nothing). Resources: " + ", ".join(IMPORTABLE)

    def add_arguments(self, parser):
        parser.add_argument("resource", help=", ".join(IMPORTABLE))
        parser.add_argument("file", help="A .csv (UTF-8, UTF-8 with BOM or CP949/EUC-KR) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; save nothing.")
        parser.add_argument("--language", default=None, help="ko or en for the report (default: settings)")

    def handle(self, *args, **options):
        if options["resource"] not in IMPORTABLE:
            raise CommandError(
                f"알 수 없는 자료 / unknown resource {options['resource']!r}; importable: {', '.join(IMPORTABLE)}",
                returncode=2,
            )
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"파일을 읽을 수 없습니다 / cannot read {path}: {exc.strerror}", returncode=2) from None
        with translation.override(options["language"] or translation.get_language()):
            report = do_import_records(options["resource"], data, path.name, dry_run=options["dry_run"])
            text = report.as_text()
        if report.ok:
            self.stdout.write(text)
            return
        self.stderr.write(text)
        raise SystemExit(2)
