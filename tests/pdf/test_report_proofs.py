"""The annual report carries its proof as a packet does: built for real from the seed,
checked by the verifier attached to it in another process with no database and no
network, and refused, naming the cause, when a date of its record, a proof or the
signature is changed."""

import datetime
import io
import json

import pytest
from pypdf import PdfReader

from compliance.pdf.report import ReportRequest, build_report
from compliance.services import translog
from tests.pdf.test_packet_proofs import extract_verifier, flip, publish, run_verifier, write_key

AS_OF = datetime.date(2024, 4, 3)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def logged(seed):
    """The seed logged as bin/setup does, and a signed head."""
    translog.do_append_missing()
    publish()


def write_report(tmp_path, name="report.pdf", **options):
    built = build_report(ReportRequest(as_of=AS_OF, **options))
    path = tmp_path / name
    path.write_bytes(built.pdf)
    return path


def attached(path):
    return {name: data[0] for name, data in PdfReader(io.BytesIO(path.read_bytes())).attachments.items()}


def test_the_report_verifies_offline_and_proves_what_its_figures_rest_on(logged, tmp_path):
    report = write_report(tmp_path)
    files = attached(report)
    assert {"log-head.json", "log-proofs.json", "verify_packet.py", "manifest.json"} <= set(files)
    manifest, proofs = json.loads(files["manifest.json"]), json.loads(files["log-proofs.json"])
    proved = {e["ref"] for e in proofs["entries"]}
    # Every receipt the figures rest on is stated and proved; every forwarding a listed
    # duty's trail names is proved; nothing stated is missing from the log.
    assert manifest["documents"] and {f"document:{d['id']}" for d in manifest["documents"]} <= proved
    forwarded = [row for item in manifest["items"] for row in item["trail"] if row["forwarded_on"]]
    assert forwarded and any(r.startswith("forwarding:") for r in proved)
    assert proofs["not_logged"] == []
    code, out = run_verifier(extract_verifier(report, tmp_path), report, write_key(tmp_path))
    assert code == 0, out
    assert "검증 완료 / VERIFIED" in out and "the report's record matches the signed log" in out
    assert "forwarding" in out and "receipt" in out
    # The cover links to the page with the public key and how to verify.
    first = PdfReader(io.BytesIO(report.read_bytes())).pages[0]
    links = [str(a.get_object()["/A"].get("/URI")) for a in first.get("/Annots", [])]
    assert any(u.endswith("/public/log/verify/") for u in links), links
    assert "투명성 로그" in first.extract_text()


def test_each_tampering_of_the_report_fails_naming_its_cause(logged, tmp_path):
    report = write_report(tmp_path, language="en")
    verifier, key = extract_verifier(report, tmp_path), write_key(tmp_path)
    original = report.read_bytes()
    files = attached(report)
    manifest, proofs = json.loads(files["manifest.json"]), json.loads(files["log-proofs.json"])
    head = json.loads(files["log-head.json"])
    received = manifest["documents"][0]["received_on"]
    earlier = (datetime.date.fromisoformat(received) - datetime.timedelta(days=1)).isoformat()
    forwarded = next(row["forwarded_on"] for i in manifest["items"] for row in i["trail"] if row["forwarded_on"])
    later = (datetime.date.fromisoformat(forwarded) + datetime.timedelta(days=1)).isoformat()
    sibling = next(e["inclusion_path"][0] for e in proofs["entries"] if e["inclusion_path"])
    signature = head["signature"]
    cases = {
        "a receipt date in the report's record": (
            flip(original, f'"received_on":"{received}"'.encode(), f'"received_on":"{earlier}"'.encode()),
            f"received_on: 보고서는 {earlier}, 로그는 {received}",
        ),
        "a forwarding date in a duty's trail": (
            flip(original, f'"forwarded_on":"{forwarded}"'.encode(), f'"forwarded_on":"{later}"'.encode()),
            f"forwarded_on {later}: 로그에 그런 기록이 없습니다 / the log holds no forwarding",
        ),
        "a sibling hash in a proof": (
            flip(original, sibling.encode(), (("0" if sibling[0] != "0" else "1") + sibling[1:]).encode()),
            "its inclusion proof does not lead to the signed root",
        ),
        "the signature": (
            flip(original, signature.encode(), (("A" if signature[0] != "A" else "B") + signature[1:]).encode()),
            "the signature does not verify",
        ),
    }
    for what, (tampered, cause) in cases.items():
        path = tmp_path / "tampered.pdf"
        path.write_bytes(tampered)
        code, out = run_verifier(verifier, path, key)
        assert code == 1, (what, out)
        assert "NOT VERIFIED" in out and cause in out, (what, out)


def test_a_report_built_before_any_signed_head_says_so(seed, tmp_path):
    report = write_report(tmp_path)
    files = attached(report)
    assert "log-head.json" not in files and "manifest.json" in files
    text = PdfReader(io.BytesIO(report.read_bytes())).pages[0].extract_text()
    assert "서명된 헤드가 없었습니다" in text


def test_the_report_from_the_performance_button_verifies_too(logged, client, dpo_user, tmp_path):
    from compliance.models import PacketBuild
    from compliance.services.packets import run_build

    client.force_login(dpo_user)
    response = client.post("/performance/report.pdf", {"as_of": AS_OF.isoformat(), "language": "en"})
    assert response.status_code == 302
    build = run_build(PacketBuild.objects.get().pk)  # the worker's part (a real one: tests/services)
    download = client.get(f"/packets/{build.pk}/download/")
    report = tmp_path / "button.pdf"
    report.write_bytes(b"".join(download.streaming_content))
    code, out = run_verifier(extract_verifier(report, tmp_path), report, write_key(tmp_path))
    assert code == 0 and "the report's record matches the signed log" in out, out
