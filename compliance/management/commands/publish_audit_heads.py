"""Publish the audit trail's head (`compliance.audit_heads`), once or every N seconds.

docker-compose runs it as the `audit-publisher` service, the only one that may write the
head folder: the web app, the worker and beat mount it read-only, so nothing that serves
users can delete or rewrite a published head.
"""

import datetime
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from compliance import audit_heads


class Command(BaseCommand):
    help = "Publish the audit trail's head to WEGO_AUDIT_HEAD_DIR (once, or every --every seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="Keep publishing every this many seconds.")

    def handle(self, *args, every=0, **options):
        while True:
            try:
                interval = datetime.timedelta(seconds=every * 0.9) if every else None
                path = audit_heads.publish_head(min_interval=interval)
                self.stdout.write(f"Head published to {path}." if path else "Head unchanged; nothing published.")
            except (DatabaseError, OSError) as exc:
                if not every:
                    raise
                self.stderr.write(f"Could not publish the audit head, trying again later: {exc}")
            if not every:
                return
            close_old_connections()
            time.sleep(every)
