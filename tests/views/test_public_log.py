"""/public/log/: the signed heads, keys, entries and proofs anyone can read, the page on
how to verify, the heads in the public feed, and /health/'s log check for administrators."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from compliance import log_keys
from compliance.models import LogHead, LogLeaf
from compliance.rules import merkle
from compliance.services import translog

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(seed):
    translog.do_append_missing()
    return translog.do_publish_head()


def test_the_log_page_in_korean_and_english(client, logged):
    page = client.get(reverse("public_log"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "투명성 로그" in text and logged.root_hash in text
    with translation.override("en"):
        page = client.get(reverse("public_log"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Transparency log" in page.content.decode()


def test_the_verify_page_shows_the_public_key_and_is_linked_from_public(client, logged):
    page = client.get(reverse("public_log_verify")).content.decode()
    assert log_keys.public_pem(log_keys.signing_key()).strip().splitlines()[1] in page
    assert "verify_packet.py" in page
    assert reverse("public_log_verify") in client.get(reverse("public_register")).content.decode()


def test_head_json_verifies_and_carries_a_consistency_proof_since(client, logged, wego_user):
    head = client.get(reverse("public_log_head")).json()
    assert head["tree_size"] == logged.tree_size and head["root_hash"] == logged.root_hash
    key = log_keys.load_public(client.get(reverse("public_log_key")).content)
    from compliance.rules import logformat

    assert log_keys.verifies(key, logformat.signed_message(head), head["signature"])
    with_since = client.get(reverse("public_log_head"), {"since": 3}).json()
    proof = with_since["consistency"]
    hashes = [bytes.fromhex(h) for h in LogLeaf.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert merkle.verify_consistency(
        3,
        head["tree_size"],
        merkle.root(hashes[:3]),
        bytes.fromhex(head["root_hash"]),
        [bytes.fromhex(h) for h in proof["consistency_path"]],
    )


@pytest.mark.parametrize("since", ["0", "abc", "-1", "999999"])
def test_a_bad_since_is_a_problem_not_a_500(client, logged, since):
    response = client.get(reverse("public_log_head"), {"since": since})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]


def test_proof_json_proves_a_leaf_by_index_and_by_hash(client, logged):
    leaf = LogLeaf.objects.get(index=5)
    for query in ({"index": 5}, {"hash": leaf.leaf_hash}):
        proof = client.get(reverse("public_log_proof"), query).json()
        assert proof["leaf_index"] == 5 and proof["leaf_hash"] == leaf.leaf_hash
        assert merkle.verify_inclusion(
            bytes.fromhex(leaf.leaf_hash),
            5,
            proof["tree_size"],
            [bytes.fromhex(h) for h in proof["inclusion_path"]],
            bytes.fromhex(logged.root_hash),
        )
    assert client.get(reverse("public_log_proof"), {"index": 10**6}).status_code == 400
    assert client.get(reverse("public_log_proof"), {"hash": "00" * 32}).status_code == 404
    assert client.get(reverse("public_log_consistency"), {"first": 2, "second": 1}).status_code == 400


def test_entries_publish_only_what_the_register_may(client, logged):
    entries = client.get(reverse("public_log_entries"), {"limit": 1000}).json()["entries"]
    assert len(entries) == logged.tree_size
    forwardings = [e for e in entries if e["kind"] == "forwarding"]
    assert forwardings and all(e["leaf"] for e in forwardings)
    receipts = {
        json.loads(LogLeaf.objects.get(index=e["index"]).leaf)["document"]: e for e in entries if e["kind"] == "receipt"
    }
    from django.utils import timezone

    from compliance.disclosure import forwarded_document_ids

    forwarded = forwarded_document_ids(timezone.localdate())
    assert any(doc not in forwarded for doc in receipts)  # the seed has receipts never forwarded
    for doc, entry in receipts.items():
        assert (entry["leaf"] is not None) == (doc in forwarded)
        assert entry["leaf_hash"]  # the hash is always published


def test_the_public_feed_carries_the_signed_heads(client, logged):
    feed = client.get(reverse("public_feed")).content.decode()
    assert f":log-head:{logged.tree_size}:{logged.root_hash}" in feed


def test_health_checks_the_log_for_administrators_only(client, logged, admin_user):
    assert "transparency_log" not in client.get("/health/").json()
    client.force_login(admin_user)
    body = client.get("/health/").json()
    assert body["transparency_log"]["status"] == "ok"
    assert body["transparency_log"]["tree_size"] == logged.tree_size


def test_the_verifier_can_be_downloaded(client):
    response = client.get(reverse("public_log_verifier"))
    assert response.status_code == 200
    assert b"def verify_inclusion" in b"".join(response.streaming_content)


def test_no_head_yet_is_said_plainly(client, db):
    assert client.get(reverse("public_log_head")).status_code == 404
    assert client.get(reverse("public_log")).status_code == 200
    assert LogHead.objects.count() == 0
