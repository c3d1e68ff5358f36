"""Personal API tokens: made in the profile, shown once, revocable, audited, rate-limited."""

import pytest

from compliance.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def make_token(client, user, name="reporting script"):
    client.force_login(user)
    response = client.post("/account/api-tokens/", {"name": name})
    assert response.status_code == 200
    secret = response.context["secret"]
    client.logout()
    return secret


def test_a_token_is_shown_once_and_stored_only_as_a_hash(client, seed, council_user):
    secret = make_token(client, council_user)
    token = ApiToken.objects.get(user=council_user)
    assert secret not in token.key_hash and token.prefix == secret[:12]
    client.force_login(council_user)
    page = client.get("/account/api-tokens/").content.decode()
    assert secret not in page and token.prefix in page
    entry = AuditEntry.objects.filter(model="compliance.apitoken").latest("seq")
    assert entry.action == "create" and entry.actor_id == council_user.pk


def test_a_token_reads_as_its_user_until_revoked(client, seed, council_user):
    secret = make_token(client, council_user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    response = client.get("/api/v1/obligations/?as_of=2024-06-30", **auth)
    assert response.status_code == 200
    plan = next(i for i in response.json()["results"] if i["key"] == "results_to_mayor-2023")
    assert plan["fulfilled_on"] == "2024-01-25"  # not public yet, but council staff see it
    token = ApiToken.objects.get(user=council_user)
    assert token.last_used_on is not None

    client.force_login(council_user)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 302
    client.logout()
    refused = client.get("/api/v1/obligations/", **auth)
    assert refused.status_code == 401 and refused["Content-Type"] == "application/problem+json"
    assert AuditEntry.objects.filter(model="compliance.apitoken", action="update").exists()


def test_nobody_revokes_someone_elses_token(client, seed, council_user, dpo_user):
    make_token(client, council_user)
    token = ApiToken.objects.get(user=council_user)
    client.force_login(dpo_user)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_a_wrong_token_is_a_401(client, seed):
    response = client.get("/api/v1/obligations/", HTTP_AUTHORIZATION="Bearer wego_not-a-token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_needs_a_name(client, seed, council_user):
    client.force_login(council_user)
    assert client.post("/account/api-tokens/", {"name": "  "}).status_code == 400
    assert not ApiToken.objects.exists()


def test_rate_limited(client, seed, settings):
    settings.WEGO_API_RATES = {"anon": "3/minute", "user": "3/minute"}
    codes = [client.get("/api/v1/duty-rules/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/duty-rules/")
    assert refused["Content-Type"] == "application/problem+json" and int(refused["Retry-After"]) >= 1
