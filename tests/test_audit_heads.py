"""The audit trail cannot be quietly cut: PostgreSQL refuses UPDATE, DELETE and TRUNCATE
for every role, and when someone with the power to lift that (a superuser disabling the
trigger) edits, deletes the newest entries, truncates or rewrites the chain,
`verify_audit` says so, against the signatures and the last published head."""

import io
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from compliance import audit, audit_heads
from compliance.models import AuditEntry, Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail():
    """Five entries, and their head published outside the database."""
    for n in range(5):
        Party.objects.create(code=f"test-party-{n}", kind="committee", name_ko=f"시험 위원회 {n}")
    assert AuditEntry.objects.count() == 5
    assert audit_heads.publish_head() is not None
    return list(AuditEntry.objects.order_by("seq"))


def run_verify():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def verify_fails():
    with pytest.raises(CommandError) as info:
        run_verify()
    assert info.value.returncode == 1
    return str(info.value)


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE compliance_auditentry SET actor_name = 'someone-else'",
        "DELETE FROM compliance_auditentry WHERE seq = 5",
        "TRUNCATE compliance_auditentry",
    ],
)
def test_the_database_refuses_to_change_the_trail_even_for_a_superuser(trail, statement):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (True,)  # the strongest role there is
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEntry.objects.count() == 5
    assert "intact" in run_verify()


def test_an_intact_trail_verifies_against_its_published_head(trail):
    output = run_verify()
    assert "intact" in output and trail[-1].entry_hash in output


def test_an_edited_entry_is_detected(trail, audit_trigger_lifted):
    sql("UPDATE compliance_auditentry SET object_repr = 'forged' WHERE seq = 3")
    message = verify_fails()
    assert "seq=3" in message and "edited" in message


def test_deleting_the_newest_entries_is_detected_against_the_published_head(trail, audit_trigger_lifted):
    sql("DELETE FROM compliance_auditentry WHERE seq >= 4")
    message = verify_fails()
    assert "seq=5" in message and "missing" in message


def test_truncating_the_trail_is_detected_against_the_published_head(trail, audit_trigger_lifted):
    sql("TRUNCATE compliance_auditentry")
    message = verify_fails()
    assert "empty" in message and "missing" in message


def test_a_chain_rewritten_with_recomputed_hashes_is_detected(trail, audit_trigger_lifted):
    """Edit entry 2 and recompute every hash after it, as anyone with the table could:
    without the audit key the signatures no longer match."""
    prev = trail[0].entry_hash
    for entry in trail[1:]:
        if entry.seq == 2:
            entry.object_repr = "forged"
        entry.prev_hash = prev
        entry.entry_hash = prev = audit.compute_hash(entry)
        sql(
            "UPDATE compliance_auditentry SET object_repr = %s, prev_hash = %s, entry_hash = %s WHERE seq = %s",
            [entry.object_repr, entry.prev_hash, entry.entry_hash, entry.seq],
        )
    message = verify_fails()
    assert "seq=2" in message and "signature" in message


def test_a_published_head_is_written_once_and_only_when_the_trail_moved(trail, settings):
    heads = sorted(settings.WEGO_AUDIT_HEAD_DIR.iterdir())
    assert len(heads) == 1
    assert stat.S_IMODE(os.stat(heads[0]).st_mode) == 0o444
    assert audit_heads.publish_head() is None  # nothing new
    Party.objects.create(code="test-party-9", kind="committee", name_ko="시험 위원회 9")
    assert audit_heads.publish_head() is not None
    assert len(list(settings.WEGO_AUDIT_HEAD_DIR.iterdir())) == 2


def test_a_forged_head_file_is_detected(trail, settings):
    path = next(settings.WEGO_AUDIT_HEAD_DIR.iterdir())
    os.chmod(path, 0o644)
    path.write_text(path.read_text().replace('"seq": 5', '"seq": 3'))
    assert "not signed" in verify_fails()


def test_the_periodic_task_publishes_the_head_once_per_change(trail, settings):
    from compliance.tasks import publish_audit_head

    assert publish_audit_head() is None  # the fixture published this head already
    Party.objects.create(code="test-party-8", kind="committee", name_ko="시험 위원회 8")
    settings.WEGO_AUDIT_HEAD_EVERY_MINUTES = 0
    assert publish_audit_head().endswith(".json")
    assert "intact" in run_verify()
