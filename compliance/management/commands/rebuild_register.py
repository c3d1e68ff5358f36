"""Recompute the stored register from the events: `manage.py rebuild_register`."""

from django.core.management.base import BaseCommand
from django.db import transaction

from ... import register


class Command(BaseCommand):
    help = "Recompute every stored obligation from the events (rows that differ are rewritten)."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = register.rebuild()
        self.stdout.write(f"register rebuilt: {changed} rows written")
