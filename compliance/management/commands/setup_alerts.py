"""Restore the default alert stages and the daily scan schedule (idempotent)."""

from django.core.management.base import BaseCommand
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from compliance.alert_schedule import ensure_defaults
from compliance.models import AlertStage


class Command(BaseCommand):
    help = "Create the default alert stages and the daily alert scan (07:00 Asia/Seoul) if missing."

    def add_arguments(self, parser):
        parser.add_argument("--hour", type=int, default=7, help="Hour of the daily scan, Asia/Seoul (default 7).")

    def handle(self, *args, hour=7, **options):
        if not 0 <= hour <= 23:
            self.stderr.write("--hour must be between 0 and 23.")
            raise SystemExit(2)
        ensure_defaults(AlertStage, CrontabSchedule, PeriodicTask, hour=hour)
        self.stdout.write(
            f"Alert stages: {AlertStage.objects.count()}; daily scan: "
            f"{PeriodicTask.objects.filter(task='compliance.tasks.scan_alerts').count()} task(s)."
        )
