"""Agreed extensions in the transparency log: recording and withdrawing one append its
leaf in the write's transaction (none when the write rolls back), an import logs what it
creates, `manage.py log_records` notices an extension the log does not hold, and a
packet that states an extended due date carries the extension's inclusion proof, which
the offline verifier checks."""

import datetime
import io
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from pypdf import PdfReader

from compliance import log_records, register, services
from compliance.models import Extension, LogLeaf
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from compliance.services import translog
from compliance.services.imports import do_import_records
from tests.pdf.test_packet_proofs import extract_verifier, flip, publish, run_verifier, write_key

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def open_plan(seed):
    """The seed logged as bin/setup does; the latest business plan not yet due-fulfilled."""
    translog.do_append_missing()
    plans = [o for o in register.load().obligations(TODAY) if o.duty == "plan_to_mayor" and o.fulfilled_on is None]
    return max(plans, key=lambda o: o.fiscal_year)


def _record(user, obligation, days=30, granted_on=TODAY - datetime.timedelta(days=1)):
    return services.do_record_extension(
        by=user,
        obligation_key=obligation.key,
        extended_to=obligation.due_date + datetime.timedelta(days=days),
        basis="Synthetic test data: funding agreement, clause 7(2)",
        granted_by="Synthetic test data: the Mayor",
        granted_on=granted_on,
    ).obj


def _stated(extension):
    return log_records.stated(LogLeaf.objects.filter(ref=f"extension:{extension.pk}").order_by("index").last().leaf)


def test_recording_and_withdrawing_an_extension_each_append_its_leaf(open_plan, dpo_user):
    before = LogLeaf.objects.count()
    extension = _record(dpo_user, open_plan)
    leaf = LogLeaf.objects.get(ref=f"extension:{extension.pk}")
    assert leaf.index == before and leaf.kind == "extension"
    stated = _stated(extension)
    assert stated["obligation_key"] == open_plan.key and stated["withdrawn_on"] is None
    assert stated["extended_to"] == extension.extended_to.isoformat()
    services.do_withdraw_extension(by=dpo_user, extension=extension, reason="Synthetic test data: withdrawn")
    assert LogLeaf.objects.filter(ref=f"extension:{extension.pk}").count() == 2
    assert _stated(extension)["withdrawn_on"] == TODAY.isoformat()
    result = log_records.compare_with_records()
    assert result["missing"] == [] and result["differ"] == []


def test_a_rolled_back_extension_leaves_no_leaf(open_plan, dpo_user):
    before = LogLeaf.objects.count()
    # Refused by the service: nothing saved, nothing logged.
    with pytest.raises(ValidationError):
        _record(dpo_user, open_plan, days=0)
    # Recorded, then the surrounding transaction rolls back: the leaf goes with it.
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(dpo_user, open_plan)
        assert LogLeaf.objects.count() == before + 1
        raise RuntimeError("synthetic failure after the write")
    assert LogLeaf.objects.count() == before and not Extension.objects.exists()
    # A withdrawal that rolls back leaves the log as it was too.
    extension = _record(dpo_user, open_plan)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.do_withdraw_extension(by=dpo_user, extension=extension, reason="Synthetic test data")
        raise RuntimeError("synthetic failure after the write")
    assert LogLeaf.objects.filter(ref=f"extension:{extension.pk}").count() == 1


def test_log_records_notices_an_extension_missing_from_the_log(open_plan, dpo_user):
    call_command("log_records", stdout=io.StringIO())  # the log and the records agree
    # An extension written past the service (no leaf): the comparison names it.
    hidden = Extension.objects.create(
        obligation_key=open_plan.key,
        extended_to=open_plan.due_date + datetime.timedelta(days=20),
        basis="Synthetic test data",
        granted_by="Synthetic test data",
        granted_on=TODAY,
        recorded_on=TODAY,
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("log_records", stdout=io.StringIO(), stderr=err)
    assert exc.value.returncode == 1
    assert f"extension:{hidden.pk}: not in the log" in err.getvalue()
    # An agreed date changed behind the log is named as a difference.
    logged = _record(dpo_user, open_plan, days=40)
    Extension.objects.filter(pk=logged.pk).update(extended_to=logged.extended_to + datetime.timedelta(days=1))
    differ = log_records.compare_with_records()["differ"]
    assert (f"extension:{logged.pk}", "extended_to") in [(ref, field) for ref, field, *_ in differ]


def test_an_import_of_extensions_logs_what_it_creates(open_plan):
    due = open_plan.due_date + datetime.timedelta(days=30)
    csv = (
        "obligation,granted_on,extended_to,basis,granted_by\n"
        f"{open_plan.key},2026-12-01,{due.isoformat()},Synthetic test data,Synthetic test data: the Mayor\n"
    ).encode()
    before = LogLeaf.objects.count()
    report = do_import_records("extensions", csv, "extensions.csv", dry_run=False)
    assert report.ok and report.applied, report.as_text()
    (leaf,) = LogLeaf.objects.filter(index__gte=before)
    assert leaf.kind == "extension" and json.loads(leaf.leaf)["extended_to"] == due.isoformat()
    assert log_records.compare_with_records()["missing"] == []


def test_a_packet_stating_an_extended_due_date_carries_and_checks_its_proof(open_plan, dpo_user, tmp_path):
    extension = _record(dpo_user, open_plan)
    publish()
    built = build(PacketRequest(scope="plan", fiscal_year=open_plan.fiscal_year, as_of=TODAY))
    packet = tmp_path / "packet.pdf"
    packet.write_bytes(built.pdf)
    attached = PdfReader(io.BytesIO(built.pdf)).attachments
    proofs = json.loads(attached["log-proofs.json"][0])
    assert f"extension:{extension.pk}" in {e["ref"] for e in proofs["entries"]}
    stated = extension.extended_to.isoformat()
    assert any(o["extended_due_date"] == stated for o in built.manifest["obligations"])
    verifier, key = extract_verifier(packet, tmp_path), write_key(tmp_path)
    code, out = run_verifier(verifier, packet, key)
    assert code == 0 and "extension" in out, out
    # The packet's record changed to another agreed date: the log holds no such extension.
    other = (extension.extended_to + datetime.timedelta(days=1)).isoformat()
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(
        flip(built.pdf, f'"extended_due_date":"{stated}"'.encode(), f'"extended_due_date":"{other}"'.encode())
    )
    code, out = run_verifier(verifier, tampered, key)
    assert code == 1 and "the log holds no agreed extension of this duty to that day" in out, out


def test_the_annual_report_proves_the_extensions_its_figures_rest_on(open_plan, dpo_user, tmp_path):
    from compliance.pdf.report import ReportRequest, build_report

    extension = _record(dpo_user, open_plan)
    withdrawn = _record(dpo_user, open_plan, days=20, granted_on=TODAY - datetime.timedelta(days=2))
    services.do_withdraw_extension(by=dpo_user, extension=withdrawn, reason="Synthetic test data")
    publish()
    built = build_report(ReportRequest(as_of=TODAY))
    proofs = json.loads(PdfReader(io.BytesIO(built.pdf)).attachments["log-proofs.json"][0])
    refs = {e["ref"] for e in proofs["entries"]}
    # The extension in force is proved; the withdrawn one moves no date and is not stated.
    assert f"extension:{extension.pk}" in refs and f"extension:{withdrawn.pk}" not in refs
    report = tmp_path / "report.pdf"
    report.write_bytes(built.pdf)
    code, out = run_verifier(extract_verifier(report, tmp_path), report, write_key(tmp_path))
    assert code == 0 and "1 extension" in out, out
