"""Check the audit trail: the hash chain, each entry's signature, and the newest head
published outside the database. Exit 0 if all hold, else say what broke and exit 1.

A WEGO_AUDIT_KEY other than the one the trail was signed with is a key problem (exit
2), not tampering. `--publish` then publishes the current head (`compliance.audit_heads`); a worker does
that periodically too. Only a head kept outside the database reveals entries removed
from the end or a truncated table."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compliance import audit, audit_heads
from compliance.models import AuditEntry


def _any_signature_holds() -> bool:
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=1000)
    try:
        if audit.verify(entries, check_signatures=False) is not None:
            return True  # the chain itself is broken: not a key question
    finally:
        entries.close()
    return any(audit.signature_ok(e) for e in AuditEntry.objects.order_by("seq").iterator(chunk_size=1000))


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail against its signatures and the last published head (exit 1)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--publish", action="store_true", help="After a successful check, publish the head (write-once file)."
        )

    def handle(self, *args, publish=False, **options):
        key = audit_heads.key_problem()
        if key is not None:
            raise CommandError(f"Audit key problem: {key}.", returncode=2)
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=1000)
        try:
            broken = audit.verify(entries)
        finally:
            entries.close()  # release the server-side cursor now, not at garbage collection
        if broken is not None and "signature" in broken[1] and not _any_signature_holds():
            # The chain holds but no entry carries a signature of this key: the key is not
            # the one the trail was signed with, rather than a trail rewritten entry by entry.
            raise CommandError(
                "Audit key problem: not one entry is signed with this WEGO_AUDIT_KEY, although the hash chain "
                "holds: the key was changed or is missing"
                + (" (it is not set: a key derived from SECRET_KEY is used)" if settings.WEGO_AUDIT_KEY_DERIVED else "")
                + ". Restore the key the trail was signed with; this says nothing about tampering.",
                returncode=2,
            )
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
