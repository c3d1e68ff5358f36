"""The transparency log written by the services: a leaf per fact in the write's
transaction, signed heads, verify_log, the comparison with the records, key rotation."""

import datetime
import json

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from compliance import log_heads, log_keys, log_records, services
from compliance.dataio.uploads import validate_upload
from compliance.models import Document, LogHead, LogKey, LogLeaf, Party
from compliance.rules import logformat, merkle
from compliance.services import translog
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 7, 15, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def logged_seed(seed):
    """The seed history logged as bin/setup logs it, with a first signed head."""
    translog.do_append_missing()
    publish()


def publish(**kwargs):
    """Sign a head and write the mirror files (which follow the commit, never seen in a test's transaction)."""
    head = translog.do_publish_head(**kwargs)
    if head is not None:
        translog.write_mirror(head)
    return head


def receive(by, title="synthetic plan (test data)"):
    spec = services.DocSpec("plan_final", 2026, title, [validate_upload("p.pdf", samples.pdf(title))])
    return services.do_receive_submission(by=by, documents=[spec]).obj


def lift_log_trigger():
    """What only a superuser can do: switch the leaves' append-only trigger off (rolled back with the test)."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE compliance_logleaf DISABLE TRIGGER USER")


def tamper(row, **fields):
    """Rewrite a leaf in the database as its owner could, past the model and the trigger."""
    lift_log_trigger()
    sets = ", ".join(f"{name} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE compliance_logleaf SET {sets} WHERE id = %s", [*fields.values(), row.pk])


def test_a_receipt_appends_its_leaf_in_the_same_transaction(logged_seed, wego_user):
    before = LogLeaf.objects.count()
    submission = receive(wego_user)
    doc = submission.documents.get()
    leaf = LogLeaf.objects.get(ref=f"document:{doc.pk}")
    assert leaf.index == before and leaf.kind == "receipt"
    stated = json.loads(leaf.leaf)
    assert stated["receipt_number"] == submission.receipt_number
    assert stated["received_on"] == "2025-07-15" and stated["kind"] == "plan_final" and stated["fiscal_year"] == 2026
    assert stated["files"] == [doc.files.get().sha256]
    assert leaf.leaf_hash == merkle.leaf_hash(leaf.leaf.encode()).hex()


def test_a_refused_write_leaves_no_leaf(logged_seed, wego_user):
    before = LogLeaf.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.do_receive_submission(by=wego_user, documents=[])
    assert LogLeaf.objects.count() == before


def test_forwarding_and_report_are_logged(logged_seed, wego_user, dpo_user):
    doc = receive(wego_user).documents.get()
    forwarding = services.do_forward_to_council(
        by=dpo_user, forwarded_on=datetime.date(2025, 7, 15), documents=[doc], document_number="synthetic-1"
    ).obj
    committee = Party.objects.filter(kind=Party.Kind.COMMITTEE).first()
    report = services.do_report_to_committee(
        by=dpo_user, committee=committee, reported_on=datetime.date(2025, 7, 15), documents=[doc]
    ).obj
    fwd = json.loads(LogLeaf.objects.get(ref=f"forwarding:{forwarding.pk}").leaf)
    assert fwd["forwarded_on"] == "2025-07-15" and fwd["documents"] == [doc.pk]
    rep = json.loads(LogLeaf.objects.get(ref=f"report:{report.pk}").leaf)
    assert rep["reported_on"] == "2025-07-15" and rep["committee"] == committee.code


def test_the_seed_is_logged_and_the_log_equals_the_records(logged_seed):
    result = log_records.compare_with_records()
    assert result["checked"] > 20 and result["missing"] == [] and result["differ"] == []
    call_command("log_records")  # exits 0


def test_log_records_names_a_record_changed_behind_the_log(logged_seed):
    doc = Document.objects.order_by("pk").first()
    doc.submission.received_on = doc.submission.received_on + datetime.timedelta(days=1)
    doc.submission.save(update_fields=["received_on"])
    with pytest.raises(CommandError) as exc:
        call_command("log_records")
    assert exc.value.returncode == 1
    differ = log_records.compare_with_records()["differ"]
    assert (f"document:{doc.pk}", "received_on") in [(ref, field) for ref, field, *_ in differ]


def test_appends_take_consecutive_indices(logged_seed, wego_user):
    for n in range(3):
        receive(wego_user, f"synthetic plan {n} (test data)")
    indices = list(LogLeaf.objects.order_by("index").values_list("index", flat=True))
    assert indices == list(range(len(indices)))


def test_the_leaves_refuse_update_and_delete(logged_seed):
    leaf = LogLeaf.objects.first()
    with pytest.raises(PermissionError):
        leaf.save()
    with pytest.raises(PermissionError):
        LogLeaf.objects.all().delete()
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_logleaf SET kind = 'receipt' WHERE index = 0")


def test_a_signed_head_verifies_and_is_mirrored(logged_seed, settings):
    head = log_heads.latest_head()
    data = json.loads(head.body)
    assert data["tree_size"] == LogLeaf.objects.count()
    assert data["root_hash"] == merkle.root(log_heads.leaf_hashes()).hex()
    key = log_keys.signing_key()
    assert log_keys.verifies(key.public_key(), logformat.signed_message(data), data["signature"])
    mirror = settings.WEGO_LOG_DIR
    assert json.loads((mirror / "head.json").read_text()) == data
    assert (mirror / "public_key.pem").read_text() == log_keys.public_pem(key)
    assert len((mirror / "leaf-hashes.txt").read_text().split()) == data["tree_size"]
    # The mirror's head files are write-once.
    (path,) = (mirror / "heads").glob("*.json")
    assert path.stat().st_mode & 0o222 == 0
    # Nothing moved: no new head.
    assert translog.do_publish_head() is None


def test_verify_log_passes_on_an_honest_log(logged_seed, wego_user):
    receive(wego_user)
    translog.do_publish_head()
    call_command("verify_log")
    assert log_heads.check_log()["problems"] == []


def test_verify_log_detects_a_rewritten_leaf(logged_seed):
    leaf = LogLeaf.objects.get(index=3)
    tamper(leaf, leaf=leaf.leaf.replace('"received_on":"', '"received_on":"1'))
    problems = log_heads.check_log()["problems"]
    assert any("leaf 3 does not hash" in p for p in problems)


def test_verify_log_detects_a_head_not_consistent_with_an_earlier_one(logged_seed, wego_user):
    """History rewritten with recomputed hashes and a freshly signed head: the earlier head
    (in the database and in the mirror) no longer matches the log."""
    leaf = LogLeaf.objects.get(index=2)
    forged = leaf.leaf.replace('"received_on":"2022', '"received_on":"2021')
    assert forged != leaf.leaf
    tamper(leaf, leaf=forged, leaf_hash=merkle.leaf_hash(forged.encode()).hex())
    receive(wego_user)
    publish()  # a new head over the rewritten history, properly signed
    with pytest.raises(CommandError) as exc:
        call_command("verify_log")
    assert exc.value.returncode == 1
    problems = log_heads.check_log()["problems"]
    assert any("not consistent" in p for p in problems), problems


def test_verify_log_detects_deleted_leaves_from_the_mirror(logged_seed, settings):
    lift_log_trigger()
    with connection.cursor() as cursor:  # the newest leaf deleted, and the database's heads with it
        cursor.execute("DELETE FROM compliance_loghead")
        cursor.execute("DELETE FROM compliance_logleaf WHERE index = (SELECT max(index) FROM compliance_logleaf)")
    problems = log_heads.check_log()["problems"]
    assert any("leaves were deleted" in p and "published head" in p for p in problems), problems


def test_key_rotation_links_the_keys_and_old_heads_still_verify(logged_seed, tmp_path):
    old = log_keys.signing_key()
    old_head = json.loads(log_heads.latest_head().body)
    new = log_keys.generate(tmp_path / "new-key.pem")
    leaf, head = translog.do_rotate_key(new)
    rotation = json.loads(leaf.leaf)
    assert rotation["old_key_id"] == log_keys.key_id(old) and rotation["new_key_id"] == log_keys.key_id(new)
    message = log_heads.rotation_message(rotation["old_key_id"], rotation["new_key_id"], rotation["new_public_key"])
    assert log_keys.verifies(old.public_key(), message, rotation["old_signature"])
    # The last head of the old key covers the rotation; the new key signs the next.
    heads = list(LogHead.objects.order_by("tree_size", "timestamp"))
    assert heads[-2].key_id == log_keys.key_id(old) and heads[-2].tree_size == leaf.index + 1
    assert head.key_id == log_keys.key_id(new)
    assert LogKey.objects.get(key_id=log_keys.key_id(old)).retired_at is not None
    # Heads signed before still verify with the old key, and the whole log checks out.
    assert log_keys.verifies(old.public_key(), logformat.signed_message(old_head), old_head["signature"])
    assert log_heads.check_log()["problems"] == []
    # The retired key signs nothing more.
    with pytest.raises(log_keys.LogKeyError):
        translog.do_publish_head(force=True)


def test_rotate_log_key_command(logged_seed, tmp_path):
    call_command("rotate_log_key", "--generate", str(tmp_path / "next.pem"))
    assert LogLeaf.objects.filter(kind="key_rotation").count() == 1
    with pytest.raises(CommandError):
        call_command("rotate_log_key", "--generate", str(tmp_path / "next.pem"))


def test_append_leaf_for_other_services(logged_seed):
    """The hook an extension service calls inside its own transaction."""
    from django.db import transaction

    with transaction.atomic():
        leaf = services.append_leaf("extension", {"obligation": "synthetic", "extended_to": "2025-08-01"})
    assert leaf.index == LogLeaf.objects.count() - 1 and leaf.kind == "extension"
    with pytest.raises(ValueError), transaction.atomic():
        services.append_leaf("no-such-kind", {})


def test_an_import_logs_what_it_creates(logged_seed):
    from compliance.services.imports import do_import_records

    before = LogLeaf.objects.count()
    csv = b"received_on,fiscal_year,kind,title\n2024-03-05,2025,plan_draft,synthetic imported plan (test data)\n"
    report = do_import_records("documents", csv, "docs.csv", dry_run=False)
    assert report.applied, report.summary() if hasattr(report, "summary") else report
    new = LogLeaf.objects.filter(index__gte=before)
    assert [leaf.kind for leaf in new] == ["receipt"]
    assert log_records.compare_with_records()["differ"] == []


def test_one_publication_per_transaction_however_many_leaves(logged_seed):
    """Every append of this test's transaction (the seed's and these) queues one publication."""
    from django.db import transaction

    with transaction.atomic():
        translog.append_leaf("extension", {"synthetic": 1})
        translog.append_leaf("extension", {"synthetic": 2})
    queued = [func for _sids, func, *_rest in connection.run_on_commit if func is translog._publish]
    assert queued == [translog._publish]


def test_the_scheduled_task_publishes_a_heartbeat_only_when_the_head_is_old(logged_seed, settings):
    from compliance.tasks import publish_log_head

    assert publish_log_head() is None  # nothing moved, the head is fresh
    with time_machine.travel(NOW + datetime.timedelta(minutes=settings.WEGO_LOG_HEAD_EVERY_MINUTES), tick=False):
        assert publish_log_head() == LogLeaf.objects.count()


def test_provision_versions_and_coverage_changes_are_logged(logged_seed, admin_user):
    from compliance.models import Provision, RecordCoverage
    from compliance.services import coverage, law

    proposed = Provision.objects.filter(is_proposed=True).first()
    proposed.effective_from = datetime.date(2025, 7, 1)
    law.do_save_provision(by=admin_user, provision=proposed)
    leaf = LogLeaf.objects.filter(ref=f"provision:{proposed.pk}").order_by("-index").first()
    assert json.loads(leaf.leaf)["effective_from"] == "2025-07-01"
    row = coverage.do_save_coverage(
        by=admin_user, stream="receipts", starts_on=datetime.date(2025, 7, 1), source="synthetic (test data)"
    )
    assert json.loads(LogLeaf.objects.get(ref=f"coverage:{row.pk}").leaf)["starts_on"] == "2025-07-01"
    assert log_records.compare_with_records()["differ"] == []
    assert RecordCoverage.objects.filter(pk=row.pk).exists()


def test_the_admin_saves_a_provision_through_the_service(client, logged_seed, admin_user):
    from django.urls import reverse

    from compliance.models import Provision

    proposed = Provision.objects.filter(is_proposed=True).first()
    client.force_login(admin_user)
    url = reverse("admin:compliance_provision_change", args=[proposed.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["effective_from"] = "2025-07-01"
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    leaf = LogLeaf.objects.filter(ref=f"provision:{proposed.pk}").order_by("-index").first()
    assert json.loads(leaf.leaf)["effective_from"] == "2025-07-01"
