"""Print the alert schedule of obligations: which stage reaches which role on which day."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance import register
from compliance.rules import alerts as policy
from compliance.services import alerts


class Command(BaseCommand):
    help = "Show when each alert stage of the obligations of a fiscal year fires, and to whom (read-only)."

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", type=int, help="Only obligations of this fiscal year.")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today in Asia/Seoul).")
        parser.add_argument(
            "--weeks", type=int, default=4, help="Weekly digests listed after the due date (default 4)."
        )

    def handle(self, *args, fiscal_year=None, as_of=None, weeks=4, **options):
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"Bad --as-of date {as_of!r}: use YYYY-MM-DD.", returncode=2) from exc
        stages_for = alerts.load_stages()
        catch_up = datetime.timedelta(days=settings.WEGO_ALERT_CATCH_UP_DAYS)
        digest_day = settings.WEGO_ALERT_DIGEST_WEEKDAY
        for ob in register.load().obligations(day):
            if fiscal_year and ob.fiscal_year != fiscal_year:
                continue
            facts = alerts.facts_of(ob)
            fulfilled = ob.is_fulfilled
            self.stdout.write(
                f"\n{ob.key}  due {ob.due_date}  status {ob.status}"
                + (f" (fulfilled {ob.fulfilled_on})" if ob.fulfilled_on else "")
                + f"  responsible: {facts.responsible_role}"
            )
            until = ob.due_date + datetime.timedelta(days=14 + 7 * weeks)
            for when, stage, role in policy.schedule(
                facts, stages_for(ob.duty), until, settings.WEGO_ALERT_DIGEST_WEEKDAY
            ):
                if fulfilled and (ob.fulfilled_on <= when):
                    note = "stopped: fulfilled"
                elif stage.kind != policy.REMINDER and ob.reasons:
                    note = "stopped: delay reason recorded"
                elif when > day:
                    note = "planned"
                elif not stage.repeat_every_days and when < day - catch_up:
                    note = "past, before the catch-up window (not sent on first deployment)"
                elif stage.repeat_every_days and when < policy.stage_date(stage, ob.due_date, day, digest_day)[1]:
                    note = "past digest week (only the latest digest is sent)"
                else:
                    note = "due (sent at the next scan if not yet)"
                self.stdout.write(f"  {when}  {stage.code:<10} {role:<22} {note}")
