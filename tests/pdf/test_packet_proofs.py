"""Packets carry their proof: built for real, checked by the attached verifier in another
process that has no database and no network (`verify_packet.py`), and refused, naming
the cause, when a document, a date, a proof or the signature is changed."""

import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from pypdf import PdfReader

from compliance import log_heads, log_keys
from compliance.models import Document, LogLeaf
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from compliance.rules import merkle
from compliance.services import translog
from tests.packet_pdfs import attach, synthetic_pdf

AS_OF = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def publish():
    head = translog.do_publish_head()
    if head is not None:
        translog.write_mirror(head)
    return head


@pytest.fixture
def documents(seed):
    """The FY2024 plan's draft and revision, each with a synthetic PDF, logged as bin/setup does."""
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    revision = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    files = {
        "draft": synthetic_pdf("A", pages=2),
        "revision": synthetic_pdf("B", pages=1),
    }
    attach(draft, files["draft"], "plan-draft.pdf")
    attach(revision, files["revision"], "plan-revision.pdf")
    translog.do_append_missing()
    publish()
    return files


def write_packet(tmp_path, name="packet.pdf"):
    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))
    path = tmp_path / name
    path.write_bytes(packet.pdf)
    return path


def write_key(tmp_path, name="public_key.pem"):
    path = tmp_path / name
    path.write_text(log_keys.public_pem(log_keys.signing_key()))
    return path


def extract_verifier(packet, tmp_path):
    """As a clerk would: save the verifier attached to the packet (pypdf only here, in the test)."""
    reader = PdfReader(io.BytesIO(packet.read_bytes()))
    (data,) = reader.attachments["verify_packet.py"]
    path = tmp_path / "offline" / "verify_packet.py"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def run_verifier(verifier, packet, *keys, head=None):
    """In a process of its own, with no database settings and no Django: only the files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DJANGO", "WEGO_"))}
    args = [sys.executable, "-I", str(verifier), str(packet)]
    for key in keys:
        args += ["--key", str(key)]
    if head:
        args += ["--head", str(head)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, cwd=verifier.parent)
    return result.returncode, result.stdout + result.stderr


def test_a_packet_verifies_offline(documents, tmp_path):
    packet = write_packet(tmp_path)
    attached = PdfReader(io.BytesIO(packet.read_bytes())).attachments
    assert {"log-head.json", "log-proofs.json", "verify_packet.py", "manifest.json"} <= set(attached)
    proofs = json.loads(attached["log-proofs.json"][0])
    kinds = sorted({e["kind"] for e in proofs["entries"]})
    assert kinds == ["forwarding", "receipt"] and proofs["not_logged"] == []
    code, out = run_verifier(extract_verifier(packet, tmp_path), packet, write_key(tmp_path))
    assert code == 0, out
    assert "검증 완료 / VERIFIED" in out
    assert "documents whose SHA-256 matches the receipt: 2" in out
    assert "forwarding" in out and "receipt" in out


def flip(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) >= 1, old
    return data.replace(old, new, 1)


def test_each_tampering_fails_naming_its_cause(documents, tmp_path):
    packet = write_packet(tmp_path)
    verifier, key = extract_verifier(packet, tmp_path), write_key(tmp_path)
    original = packet.read_bytes()
    attached = PdfReader(io.BytesIO(original)).attachments
    proofs = json.loads(attached["log-proofs.json"][0])
    head = json.loads(attached["log-head.json"][0])
    document = documents["draft"]
    middle = len(document) // 2
    sibling = proofs["entries"][0]["inclusion_path"][0]
    signature = head["signature"]
    cases = {
        "a byte of an appended document": (
            flip(original, document, document[:middle] + bytes([document[middle] ^ 1]) + document[middle + 1 :]),
            "the attached document is not the one received",
        ),
        "a date in the packet's record": (
            flip(original, b'"received_on":"2023-07-19"', b'"received_on":"2023-07-18"'),
            "received_on: 꾸러미는 2023-07-18, 로그는 2023-07-19",
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


def test_a_key_other_than_the_signers_is_refused(documents, tmp_path):
    packet = write_packet(tmp_path)
    other = tmp_path / "other.pem"
    other.write_text(log_keys.public_pem(log_keys.generate(tmp_path / "other-private.pem")))
    code, out = run_verifier(extract_verifier(packet, tmp_path), packet, other)
    assert code == 1 and "not by the key given" in out, out


def later_head(tmp_path, since, hashes=None):
    """head.json?since=N as the public page serves it: the newest head and a consistency proof."""
    head = log_heads.latest_head()
    data = json.loads(head.body)
    data["consistency"] = log_heads.consistency(since, head.tree_size, hashes)
    path = tmp_path / "head.json"
    path.write_text(json.dumps(data))
    return path


def test_a_later_head_is_checked_for_consistency(documents, tmp_path, wego_user):
    packet = write_packet(tmp_path)
    verifier, key = extract_verifier(packet, tmp_path), write_key(tmp_path)
    size = json.loads(PdfReader(io.BytesIO(packet.read_bytes())).attachments["log-head.json"][0])["tree_size"]
    from compliance import services
    from compliance.dataio.uploads import validate_upload
    from tests import workflow_samples as samples

    spec = services.DocSpec("plan_final", 2025, "synthetic (test data)", [validate_upload("p.pdf", samples.pdf())])
    services.do_receive_submission(by=wego_user, documents=[spec])
    publish()
    code, out = run_verifier(verifier, packet, key, head=later_head(tmp_path, size))
    assert code == 0, out
    assert "consistent with the later head" in out

    # History rewritten behind the log (hashes recomputed) and a new head signed over it.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE compliance_logleaf DISABLE TRIGGER USER")
    leaf = LogLeaf.objects.get(index=1)
    forged = leaf.leaf.replace('"received_on":"2022', '"received_on":"2021')
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE compliance_logleaf SET leaf = %s, leaf_hash = %s WHERE id = %s",
            [forged, merkle.leaf_hash(forged.encode()).hex(), leaf.pk],
        )
    services.do_receive_submission(
        by=wego_user,
        documents=[
            services.DocSpec(
                "plan_final", 2025, "synthetic 2 (test data)", [validate_upload("q.pdf", samples.pdf("q"))]
            )
        ],
    )
    publish()
    code, out = run_verifier(verifier, packet, key, head=later_head(tmp_path, size))
    assert code == 1 and "the log's history was rewritten" in out, out
    # verify_log sees it too.
    assert any("not consistent" in p for p in log_heads.check_log()["problems"])


def test_old_packets_verify_with_the_old_key_after_a_rotation(documents, tmp_path):
    old_key = write_key(tmp_path, "old.pem")
    old_packet = write_packet(tmp_path, "old.pdf")
    new_private = log_keys.generate(tmp_path / "new-private.pem")
    translog.do_rotate_key(new_private)
    new_key = tmp_path / "new.pem"
    new_key.write_text(log_keys.public_pem(new_private))
    verifier = extract_verifier(old_packet, tmp_path)
    assert run_verifier(verifier, old_packet, old_key)[0] == 0
    code, out = run_verifier(verifier, old_packet, new_key)
    assert code == 1 and "not by the key given" in out
    # A packet built after the rotation is signed by the new key; given both keys, both verify.
    new_packet = write_packet(tmp_path, "new.pdf")
    assert run_verifier(verifier, new_packet, new_key)[0] == 0
    assert run_verifier(verifier, new_packet, old_key)[0] == 1
    assert run_verifier(verifier, old_packet, old_key, new_key)[0] == 0


def test_the_verifier_checks_ed25519_without_cryptography_too(tmp_path):
    """The pure-Python fallback (RFC 8032), in a process where `cryptography` cannot be
    imported: the RFC's first test vector, and a head signed by the log's key."""
    from compliance.pdf.proofs import VERIFIER
    from compliance.rules import logformat

    key = log_keys.generate(tmp_path / "k.pem")
    head = {"format": "f", "key_id": "k", "log": "l", "root_hash": "00", "timestamp": "t", "tree_size": 1}
    message = logformat.signed_message(head)
    signature = log_keys.sign(key, message)
    public = log_keys.public_pem(key)
    script = f"""
import base64, sys
sys.modules["cryptography"] = None  # no cryptography: the fallback must do
sys.path.insert(0, {str(VERIFIER.parent)!r})
import verify_packet as v
pub = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
sig = bytes.fromhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
assert v.ed25519_verify(pub, b"", sig)
assert not v.ed25519_verify(pub, b"x", sig)
assert not v.ed25519_verify(pub, b"", sig[:-1] + bytes([sig[-1] ^ 1]))
open("k.pub", "w").write({public!r})
raw = v.read_public_key("k.pub")
assert v.ed25519_verify(raw, {message!r}, base64.b64decode({signature!r}))
assert not v.ed25519_verify(raw, {message!r} + b" ", base64.b64decode({signature!r}))
print("fallback ok")
"""
    result = subprocess.run(
        [sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert result.returncode == 0 and "fallback ok" in result.stdout, result.stderr
