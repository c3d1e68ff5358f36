"""`python manage.py obligations --as-of YYYY-MM-DD [--json] [--what-if [--what-if-from YYYY-MM-DD]]`
(DOMAIN.md contract).

Scripts and cron jobs rely on the JSON shape; a bad argument exits with code 2.
"""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance import register
from compliance.rules.obligations import Status


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            f"날짜 형식이 잘못되었습니다 / not a valid date: {value!r} (YYYY-MM-DD)", returncode=2
        ) from None


class Command(BaseCommand):
    help = "List Article 17 obligations and their status as of a date (default: today in Asia/Seoul)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today, Asia/Seoul)")
        parser.add_argument("--json", action="store_true", help="Print a JSON array.")
        parser.add_argument("--fiscal-year", type=str, help="Only this fiscal year.")
        parser.add_argument("--duty", help="Only this duty code.")
        parser.add_argument("--status", help="Only this status: " + ", ".join(Status.ALL))
        parser.add_argument("--what-if", action="store_true", help="As if proposed provisions were in force.")
        parser.add_argument(
            "--what-if-from",
            dest="what_if_from",
            help="With --what-if: the day from which they are assumed in force (YYYY-MM-DD, default: today).",
        )

    def handle(self, *args, **options):
        as_of = _date(options["as_of"]) if options["as_of"] is not None else timezone.localdate()
        what_if_from = None
        if options["what_if_from"] is not None:
            if not options["what_if"]:
                raise CommandError(
                    "--what-if-from는 --what-if와 함께 씁니다 / --what-if-from needs --what-if", returncode=2
                )
            what_if_from = _date(options["what_if_from"])
        reg = register.load()
        what_if_from = reg.what_if_from(options["what_if"], what_if_from)
        obligations = reg.obligations(as_of, what_if=options["what_if"], what_if_from=what_if_from)
        if options["fiscal_year"] is not None:
            years = sorted({o.fiscal_year for o in obligations})
            try:
                fiscal_year = int(options["fiscal_year"])
            except ValueError:
                fiscal_year = None
            if fiscal_year not in years:
                raise CommandError(
                    f"회계연도 {options['fiscal_year']!r}에 해당하는 의무가 없습니다 / no obligations for fiscal year "
                    f"{options['fiscal_year']!r}; available: {', '.join(map(str, years))}",
                    returncode=2,
                )
            obligations = [o for o in obligations if o.fiscal_year == fiscal_year]
        if options["duty"]:
            codes = [r.code for r in reg.history.rules]
            if options["duty"] not in codes:
                raise CommandError(
                    f"알 수 없는 의무 / unknown duty {options['duty']!r}; known: {', '.join(codes)}", returncode=2
                )
            obligations = [o for o in obligations if o.duty == options["duty"]]
        if options["status"]:
            if options["status"] not in Status.ALL:
                raise CommandError(
                    f"알 수 없는 상태 / unknown status {options['status']!r}; known: {', '.join(Status.ALL)}",
                    returncode=2,
                )
            obligations = [o for o in obligations if o.status == options["status"]]
        if options["json"]:
            self.stdout.write(json.dumps([o.as_json() for o in obligations], ensure_ascii=False, indent=2))
            return
        header = (
            f"{'duty':<32} {'FY':>4}  {'due':<10}  {'status':<9} {'fulfilled':<10} {'late':>5} {'overdue':>7}  document"
        )
        if options["what_if"]:
            # Never let a table of assumptions pass for the law in force.
            self.stdout.write(
                f"WHAT-IF: the proposed amendment is assumed in force from {what_if_from.isoformat()} "
                "(it is not in force)"
            )
        self.stdout.write(f"Article 17 obligations as of {as_of.isoformat()}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        ends = sorted({o.records_end for o in obligations if o.records_end_overdue})
        for o in obligations:
            row = o.as_json()
            late = "" if row["days_late"] is None else row["days_late"]
            overdue = "" if row["days_overdue"] is None else row["days_overdue"]
            if row["days_overdue_at_records_end"] is not None:
                overdue = f"{overdue}*"  # on the records' last day, nothing known since
            self.stdout.write(
                f"{row['duty']:<32} {row['fiscal_year']:>4}  {row['due_date']:<10}  {row['status']:<9} "
                f"{row['fulfilled_on'] or '-':<10} {late:>5} {overdue:>7}  "
                f"{o.document.title if o.document else (row['document'] or '')}"
            )
        if ends:
            days = ", ".join(day.isoformat() for day in ends)
            self.stdout.write(f"* overdue on the last day the records cover ({days}); nothing recorded since")
