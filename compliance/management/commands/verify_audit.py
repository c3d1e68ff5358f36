"""Check the audit trail: the hash chain, each entry's signature, and the newest head
published outside the database. Exit 0 if all hold, else say what broke and exit 1.

`--publish` then publishes the current head (`compliance.audit_heads`); a worker does
that periodically too. Only a head kept outside the database reveals entries removed
from the end or a truncated table."""

from django.core.management.base import BaseCommand, CommandError

from compliance import audit, audit_heads
from compliance.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail against its signatures and the last published head (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--publish", action="store_true", help="After a successful check, publish the head (write-once file)."
        )

    def handle(self, *args, publish=False, **options):
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=1000)
        try:
            broken = audit.verify(entries)
        finally:
            entries.close()  # release the server-side cursor now, not at garbage collection
        if broken is not None:
            entry, problem = broken
            raise CommandError(
                f"Audit trail broken at entry seq={entry.seq} (id={entry.pk}, {entry.model} #{entry.object_pk}): "
                f"{problem}.",
                returncode=1,
            )
        problem = audit_heads.check_against_published()
        if problem is not None:
            raise CommandError(f"Audit trail cut: {problem}.", returncode=1)
        last = audit_heads.current_head()
        if last is None:
            self.stdout.write("Audit trail is empty.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {last[0]} entries; head hash {last[1]}"))
        if publish:
            path = audit_heads.publish_head()
            self.stdout.write(f"Head published to {path}." if path else "Head unchanged since the last publication.")
