"""Documents, forwardings, committee reports, provisions, duty rules and funding in the API."""

import json

import pytest

from compliance.models import AuditEntry
from compliance.services import open_register
from tests.open_register_samples import forward, received_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {open_register.do_create_api_token(by=user, name='t')[1]}"}


def results(client, url, query=None, **extra):
    response = client.get(url, {"page_size": 200, **(query or {})}, **extra)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_documents_staged_disclosure(client, seed, users):
    wego, dpo = users["wego_secretariat"], users["digital_policy_officer"]
    document = received_document(wego)
    public = {d["id"] for d in results(client, "/api/v1/documents/")}
    inside = {d["id"]: d for d in results(client, "/api/v1/documents/", **bearer(users["council_staff"]))}
    assert document.pk not in public and document.pk in inside
    assert public < set(inside)
    assert inside[document.pk]["receipt_number"].startswith("WEGO-")
    assert inside[document.pk]["files"][0]["download_url"].endswith(f"/files/{document.files.get().pk}/download/")

    forward(dpo, document)
    listed = {d["id"]: d for d in results(client, "/api/v1/documents/")}
    assert listed[document.pk]["title"] == document.title
    assert listed[document.pk]["files"] == []  # forwarded, but no file marked public
    assert listed[document.pk]["receipt_number"] is None

    stored = document.files.get()
    open_register.do_set_file_public(by=dpo, file_id=stored.pk, public=True)
    (shown,) = results(client, "/api/v1/documents/", {"fiscal_year": 2026})
    assert shown["files"][0]["download_url"] == f"http://testserver/public/files/{stored.pk}/"
    download = client.get(f"/public/files/{stored.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.filter(model="compliance.documentfile", action="update").latest("seq")
    assert entry.changes == {"is_public": [False, True]} and entry.actor_id == dpo.pk


def test_a_file_cannot_be_made_public_before_its_document_is_forwarded(seed, users):
    from django.core.exceptions import PermissionDenied, ValidationError

    document = received_document(users["wego_secretariat"])
    with pytest.raises(ValidationError):
        open_register.do_set_file_public(
            by=users["digital_policy_officer"], file_id=document.files.get().pk, public=True
        )
    with pytest.raises(PermissionDenied):
        open_register.do_set_file_public(by=users["council_staff"], file_id=document.files.get().pk, public=True)


def test_an_unmarked_file_is_never_public(client, seed, users):
    document = received_document(users["wego_secretariat"])
    forward(users["digital_policy_officer"], document)
    assert client.get(f"/public/files/{document.files.get().pk}/").status_code == 404


def test_no_personal_data_in_any_response(client, seed, users):
    from compliance.roles import DPO, WEGO
    from tests.conftest import make_user

    wego = make_user("kimcs", WEGO, first_name="김철수", last_name="Kim")
    dpo = make_user("leeyh", DPO, first_name="이영희", last_name="Lee")
    document = received_document(wego)
    forward(dpo, document)
    open_register.do_set_file_public(by=dpo, file_id=document.files.get().pk, public=True)
    names = {"kimcs", "leeyh", "김철수", "이영희", "kimcs@example.invalid", "leeyh@example.invalid", "127.0.0.1"}
    for url in [
        "/api/v1/obligations/",
        "/api/v1/documents/",
        "/api/v1/forwardings/",
        "/api/v1/committee-reports/",
        "/api/v1/provisions/",
        "/api/v1/duty-rules/",
        "/api/v1/funding/",
        "/public/",
        "/public/feed.atom",
        "/public/calendar.ics",
    ]:
        for headers in ({}, bearer(users["council_staff"])):
            body = client.get(url, **headers).content.decode()
            leaked = [n for n in names if n in body]
            assert not leaked, (url, leaked)


def test_forwardings_and_provisions(client, seed):
    forwardings = results(client, "/api/v1/forwardings/")
    assert [f["forwarded_on"] for f in forwardings] == ["2022-11-07", "2023-03-17", "2023-11-17", "2024-02-06"]
    assert results(client, "/api/v1/forwardings/", {"fiscal_year": 2022})
    provisions = results(client, "/api/v1/provisions/")
    states = {v["state"] for p in provisions for v in p["versions"]}
    assert {"in_force", "proposed"} <= states
    five = next(p for p in provisions if p["paragraph"] == "5")
    assert [v["state"] for v in five["versions"]].count("proposed") == 1


def test_duty_rules_say_what_the_calculator_needs(client, seed):
    rules = {r["code"]: r for r in results(client, "/api/v1/duty-rules/")}
    assert rules["results_to_mayor"]["calculate_with"] == "fiscal_year"
    assert rules["forward_plan_to_council"]["calculate_with"] == "received_on"


def test_funding_has_sources(client, seed):
    body = client.get("/api/v1/funding/").json()
    assert body["unit"] == "thousand KRW"
    assert body["budget"] and all(row["source"] for row in body["budget"])
    assert all(row["source"] for row in body["seoul_support"] + body["dues_collection"])


def test_schema_and_docs_are_public(client, seed):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/obligations/", "/api/v1/calculate/", "/api/v1/funding/"} <= set(schema["paths"])
    assert "apiToken" in schema["components"]["securitySchemes"]
    assert client.get("/api/docs/").status_code == 200


def test_public_register_off(client, seed, users, settings):
    settings.WEGO_PUBLIC_REGISTER = False
    response = client.get("/api/v1/obligations/")
    assert response.status_code == 401 and response["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/obligations/", **bearer(users["council_staff"])).status_code == 200
    assert client.get("/api/v1/calculate/?duty=results_to_mayor&fiscal_year=2025").status_code == 200
    for url in ["/public/", "/public/feed.atom", "/public/calendar.ics"]:
        assert client.get(url).status_code == 404


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/obligations/{key}/" in (tmp_path / "schema.yml").read_text()


@pytest.mark.parametrize(
    ("url", "most"),
    [
        ("/api/v1/obligations/", 12),
        ("/api/v1/documents/", 3),
        ("/api/v1/forwardings/", 2),
        ("/api/v1/committee-reports/", 3),
        ("/api/v1/provisions/", 10),  # the register: a constant number
    ],
)
def test_list_pages_keep_a_flat_query_count(client, seed, users, url, most, django_assert_max_num_queries):
    for year in (2026, 2027):
        forward(users["digital_policy_officer"], received_document(users["wego_secretariat"], fiscal_year=year))
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
