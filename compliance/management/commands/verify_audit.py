"""Check the audit trail's hash chain: exit 0 if intact, else name the first broken link
and exit 1. Prints the head (last seq and hash) so it can be recorded elsewhere: only an
outside copy of the head reveals entries removed from the end."""

from django.core.management.base import BaseCommand, CommandError

from compliance import audit
from compliance.models import AuditEntry


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail; report the first broken link (exit 1)."

    def handle(self, *args, **options):
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
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        if last is None:
            self.stdout.write("Audit trail is empty.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {last[0]} entries; head hash {last[1]}"))
