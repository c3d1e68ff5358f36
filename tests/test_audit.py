"""The hash-chained audit trail: what is recorded, that it cannot be changed through the
app, and that `verify_audit` finds a row edited or deleted directly in the database (by
someone who lifted the trigger first; tests/test_audit_heads.py has the rest)."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from compliance import audit, register, services
from compliance.dataio.uploads import validate_upload
from compliance.models import AuditEntry, Provision
from compliance.views.common import audit_entries_context
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


@pytest.fixture
def events(seed, wego_user, dpo_user):
    spec = services.DocSpec("plan_draft", 2026, "계획(안)", [validate_upload("p.pdf", samples.pdf())])
    doc = services.do_receive_submission(by=wego_user, documents=[spec], ip="203.0.113.7").obj.documents.get()
    services.do_forward_to_council(
        by=dpo_user,
        forwarded_on=doc.submission.received_on,
        documents=[doc],
        document_number="디지털정책담당관-1",
        ip="198.51.100.2",
    )
    return doc


def run_verify():
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_services_record_who_what_when_and_from_where(events, wego_user, dpo_user):
    entries = list(AuditEntry.objects.order_by("seq"))
    models = [e.model for e in entries]
    assert models[:4] == [
        "compliance.submission",
        "compliance.document",
        "compliance.documentfile",
        "compliance.forwarding",
    ]
    assert "compliance.forwardingitem" in models
    sub = entries[0]
    assert (sub.actor, sub.actor_role, sub.ip_address, sub.action) == (
        wego_user,
        "wego_secretariat",
        "203.0.113.7",
        "create",
    )
    assert sub.changes["receipt_number"] == [None, "WEGO-" + sub.changes["receipt_number"][1][5:]]
    forwarding = next(e for e in entries if e.model == "compliance.forwarding")
    assert (forwarding.actor, forwarding.ip_address) == (dpo_user, "198.51.100.2")
    assert forwarding.changes["document_number"] == [None, "디지털정책담당관-1"]
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))


def test_chain_verifies_and_names_its_head(events):
    output = run_verify()
    head = AuditEntry.objects.order_by("-seq").first()
    assert "intact" in output
    assert head.entry_hash in output


def test_verify_audit_detects_a_row_edited_in_the_database(events, audit_trigger_lifted):
    target = AuditEntry.objects.get(model="compliance.forwarding")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compliance_auditentry SET changes = %s WHERE id = %s",
            ['{"document_number": [null, "디지털정책담당관-9999"]}', target.pk],
        )
    with pytest.raises(CommandError) as info:
        run_verify()
    assert info.value.returncode == 1
    assert f"seq={target.seq}" in str(info.value)
    assert "edited" in str(info.value)


def test_verify_audit_detects_a_deleted_row(events, audit_trigger_lifted):
    target = AuditEntry.objects.get(seq=2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM compliance_auditentry WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match="seq=3.*sequence jumps"):
        run_verify()


def test_verify_audit_detects_a_forged_replacement_row(events, audit_trigger_lifted):
    """Rewriting a row and its own hash: without the audit key its signature no longer matches."""
    target = AuditEntry.objects.get(seq=2)
    target.actor_name = "someone-else"
    forged = audit.compute_hash(target)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compliance_auditentry SET actor_name = %s, entry_hash = %s WHERE id = %s",
            ["someone-else", forged, target.pk],
        )
    with pytest.raises(CommandError, match="seq=2.*signature does not match"):
        run_verify()


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(events):
    entry = AuditEntry.objects.first()
    entry.actor_name = "x"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(actor_name="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert "intact" in run_verify()


def test_admin_change_of_a_provision_is_recorded_with_its_actor(client, seed, admin_user):
    provision = Provision.objects.filter(is_proposed=True).first()
    client.force_login(admin_user)
    url = reverse("admin:compliance_provision_change", args=[provision.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(effective_from="2024-06-01", instrument=provision.instrument_id, is_proposed="on")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    entry = AuditEntry.objects.get(model="compliance.provision")
    assert (entry.action, entry.actor, entry.ip_address) == ("update", admin_user, "127.0.0.1")
    assert entry.changes == {"effective_from": [None, "2024-06-01"]}


def test_timeline_of_an_obligation_shows_its_records(events, council_user):
    key = f"forward_plan_to_council-2026-d{events.pk}"
    obligation = next(o for o in register.load().obligations(events.submission.received_on) if o.key == key)

    trail = register.load().trail(obligation, events.submission.received_on)
    request = RequestFactory().get("/")
    request.user = council_user
    context = audit_entries_context(request, obligation, trail)
    models = {s.entry.model for s in context["audit_entries"]}  # sentences, each with its entry
    assert {"compliance.submission", "compliance.document", "compliance.forwarding"} <= models
    html = render_to_string("compliance/workflow/_audit_timeline.html", context)
    assert "디지털정책담당관-1" in html
    assert "198.51.100.2" not in html  # addresses are for administrators


def test_timeline_is_not_shown_to_the_secretariat(events, wego_user):
    obligation = register.load().obligations(datetime.date(2025, 1, 1))[0]
    request = RequestFactory().get("/")
    request.user = wego_user
    context = audit_entries_context(request, obligation, [])
    assert context["audit_entries"] is None
    assert render_to_string("compliance/workflow/_audit_timeline.html", context).strip() == ""


def test_export_holds_every_entry_with_its_hashes(client, events, council_user):
    client.force_login(council_user)
    response = client.get(reverse("audit_export"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [int(r["seq"]) for r in rows] == [e.seq for e in entries]
    assert [r["entry_hash"] for r in rows] == [e.entry_hash for e in entries]
    assert rows[1]["prev_hash"] == rows[0]["entry_hash"]


def test_audit_log_page_query_count(client, events, dpo_user, django_assert_max_num_queries):
    client.force_login(dpo_user)
    # Sentences name the people (one query) and the records changes point at (one query
    # for every kind of record, from the trail itself), however many entries the page shows.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit_log"))
    assert response.status_code == 200
    assert "디지털정책담당관-1" in response.content.decode()
    # Reports to the committee point at a party of the seed, which the trail never saw:
    # one query more for that kind of record, however many reports there are.
    from compliance.models import Party

    committee = Party.objects.filter(kind="committee").first()
    day = events.submission.received_on
    services.do_report_to_committee(by=dpo_user, committee=committee, reported_on=day, documents=[events])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("audit_log")).status_code == 200
    for _ in range(3):
        services.do_report_to_committee(by=dpo_user, committee=committee, reported_on=day, documents=[events])
    with django_assert_max_num_queries(9):
        assert client.get(reverse("audit_log")).status_code == 200


def _document_rows(n):
    from compliance.dataio.tables import write_table

    rows = [[datetime.date(2023, 1, 1 + i // 2), 2023, "other", f"Imported {i}", "test"] for i in range(n)]
    return write_table(["received_on", "fiscal_year", "kind", "title", "source"], rows, "csv")


def test_import_records_each_new_record_and_its_dry_run_records_nothing(events):
    from compliance.services.imports import do_import_records

    before = AuditEntry.objects.count()
    dry = do_import_records("documents", _document_rows(6), "docs.csv", dry_run=True)
    assert dry.ok and AuditEntry.objects.count() == before
    real = do_import_records("documents", _document_rows(6), "docs.csv", dry_run=False)
    assert real.applied
    new = list(AuditEntry.objects.filter(seq__gt=before))
    assert [e.model for e in new].count("compliance.document") == 6
    assert [e.model for e in new].count("compliance.submission") == 3
    assert verify_ok() and "intact" in run_verify()


def verify_ok():
    return audit.verify(AuditEntry.objects.order_by("seq")) is None


def test_batched_entries_survive_a_rolled_back_savepoint(events):
    from django.db import transaction

    provision = Provision.objects.first()
    with transaction.atomic(), audit.batched():
        provision.note = "kept 1"
        provision.save()
        try:
            with transaction.atomic():
                provision.note = "discarded"
                provision.save()
                raise RuntimeError
        except RuntimeError:
            pass
        provision.note = "kept 2"
        provision.save()
    assert verify_ok()
    last = AuditEntry.objects.order_by("-seq")[:2]
    assert [e.changes["note"][1] for e in last] == ["kept 2", "kept 1"]


def test_batched_entries_are_written_even_when_an_error_leaves_the_block(events):
    from django.db import transaction

    provision = Provision.objects.first()
    with transaction.atomic():
        try:
            with audit.batched():
                provision.note = "kept despite the error"
                provision.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert verify_ok()
    assert AuditEntry.objects.order_by("-seq").first().changes["note"][1] == "kept despite the error"


def test_touching_finds_entries_by_whole_tokens(events):
    """The timeline's lookup (one array overlap on PostgreSQL) finds exactly the entries
    that name one of the tokens, never one that only starts the same (`document:1` is not
    `document:12`)."""
    entries = list(AuditEntry.objects.all())
    tokens = sorted({t for e in entries for t in e.refs.split()})
    assert len(tokens) > 3
    for chosen in (tokens[:1], tokens[::3], [t[:-1] for t in tokens], [t + "0" for t in tokens], ["nothing:0"]):
        expected = {e.pk for e in entries if any(f" {r} " in e.refs for r in chosen)}
        assert set(AuditEntry.objects.touching(chosen).values_list("pk", flat=True)) == expected, chosen
        # The obligation page's written-out form: the same entries, newest first.
        newest = AuditEntry.objects.newest_touching(chosen)
        assert [e.pk for e in newest] == sorted(expected, key=lambda pk: -AuditEntry.objects.get(pk=pk).seq), chosen
    assert AuditEntry.objects.touching(tokens[::3]).exists()
    assert AuditEntry.objects.newest_touching([]) == []
    assert not AuditEntry.objects.touching([]).exists()


def test_the_timeline_lookup_is_answered_from_an_index(events):
    """The trail grows with every write; the timeline's overlap must be answerable from
    the GIN index on the very expression it tests (migration 0030), not by reading every
    entry. The planner is asked to avoid a scan of the table, as it would on a long trail."""
    from django.db import connection

    token = AuditEntry.objects.order_by("seq").first().refs.split()[0]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    sql = f"SELECT * FROM {table} WHERE string_to_array({table}.refs, ' ') && %s::text[] ORDER BY seq DESC"
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, [[token]])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "compliance_auditentry_refs_tokens" in plan, plan
    # And `touching` (the ORM's form) says the same condition.
    assert "string_to_array" in str(AuditEntry.objects.touching([token]).query)
