"""/public/ and the public feeds: no sign-in, staged disclosure, agreement with the dashboard."""

import re

import pytest
import time_machine

from compliance.services import open_register
from tests.open_register_samples import forward, received_document

pytestmark = pytest.mark.django_db
TODAY = "2024-06-30T12:00:00+09:00"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


@time_machine.travel(TODAY, tick=False)
def test_the_public_page_agrees_with_the_dashboard(client, seed, council_user):
    public, number = {}, 1
    while True:  # every page of the search, one relay per duty and fiscal year
        response = client.get("/public/", {"page": number})
        public.update(re.findall(r'data-key="([^"]+)" data-status="([^"]+)"', response.content.decode()))
        if number >= response.context["page"].paginator.num_pages:
            break
        number += 1
    client.force_login(council_user)
    dashboard = client.get("/").content.decode()
    inside = {key: status for status, key in re.findall(r'data-status="([^"]+)" data-key="([^"]+)"', dashboard)}
    assert public == inside
    assert len(public) > 10 and number > 1


@time_machine.travel(TODAY, tick=False)
def test_the_public_page_in_korean_and_english(client, seed):
    ko = client.get("/public/").content.decode()
    assert "공개" in ko and "제17조" in ko
    en = client.get("/public/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public register" in en
    # Law and funding with sources.
    assert "not in force" in en and 'id="public-funding"' in en and "검토보고서" in en


@time_machine.travel(TODAY, tick=False)
def test_staged_disclosure_on_the_page(client, seed, users):
    html = client.get("/public/").content.decode()
    # The FY2023 results were received on 2024-01-25 but never forwarded.
    row = html.split('id="results_to_mayor-2023"')[1].split("</tr>")[0]
    assert "2024. 1. 25." not in row
    assert "시의회" in row  # "not public until forwarded to the Council"


def test_a_new_document_shows_once_forwarded_and_its_file_once_marked(client, seed, users):
    document = received_document(users["wego_secretariat"])
    assert document.title not in client.get("/public/").content.decode()
    forward(users["digital_policy_officer"], document)
    html = client.get("/public/").content.decode()
    assert document.title in html and "/public/files/" not in html
    open_register.do_set_file_public(by=users["digital_policy_officer"], file_id=document.files.get().pk, public=True)
    assert f"/public/files/{document.files.get().pk}/" in client.get("/public/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_public_feed(client, seed):
    response = client.get("/public/feed.atom", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body and "Forwarded to the Council" in body
    # The unforwarded FY2023 results' receipt is not announced.
    assert "Fulfilled: Business results to the Mayor (fiscal year 2023)" not in body


@time_machine.travel(TODAY, tick=False)
def test_the_personal_feed_uses_the_personal_link(client, seed, council_user):
    from compliance.services import alerts

    pref = alerts.preference_for(council_user)
    pref.ical_token = "a-secret-link-token"
    pref.save()
    body = client.get("/feeds/a-secret-link-token.atom").content.decode()
    assert "<feed" in body
    assert "사업 결과" in body  # council staff see the FY2023 results being received
    assert client.get("/feeds/wrong.atom").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_the_public_calendar_has_statutory_due_dates_only(client, seed):
    body = client.get("/public/calendar.ics").content.decode()
    assert "BEGIN:VCALENDAR" in body
    assert "DTSTART;VALUE=DATE:20240229" in body  # FY2023 results
    assert "forward_plan_to_council" not in body


def test_feeds_refuse_parameters(client, seed):
    assert client.get("/public/feed.atom?since=2024-01-01").status_code == 400
    assert client.get("/public/calendar.ics?x=1").status_code == 400


def test_the_preferences_page_links_the_personal_feed_and_tokens(client, seed, council_user, settings):
    from compliance.services import alerts

    settings.WEGO_SITE_URL = "https://wego.example/"  # feed links use the site address, not the request's host
    pref = alerts.preference_for(council_user)
    pref.ical_token = "a-secret-link-token"
    pref.save()
    client.force_login(council_user)
    html = client.get("/alerts/preferences/").content.decode()
    assert "https://wego.example/feeds/a-secret-link-token.atom" in html
    assert "/account/api-tokens/" in html


@time_machine.travel(TODAY, tick=False)
def test_one_fiscal_year_and_bad_parameters(client, seed):
    html = client.get("/public/", {"fiscal_year": "2023"}).content.decode()
    assert 'data-key="plan_to_mayor-2023"' in html and 'data-key="plan_to_mayor-2024"' not in html
    for query in ({"fiscal_year": "23"}, {"year": "2023"}):
        response = client.get("/public/", query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "data-key=" not in response.content.decode()


def test_the_login_page_leads_to_the_public_register(client, seed):
    assert b'href="/public/"' in client.get("/accounts/login/").content


def test_the_dpo_marks_a_file_public_from_the_submission_page(client, seed, users):
    document = received_document(users["wego_secretariat"])
    stored = document.files.get()
    client.force_login(users["digital_policy_officer"])
    page = client.get(f"/submissions/{document.submission_id}/").content.decode()
    assert f'action="/files/{stored.pk}/public/"' in page
    refused = client.post(f"/files/{stored.pk}/public/", {"action": "publish"})
    assert refused.status_code == 400  # not forwarded yet
    forward(users["digital_policy_officer"], document)
    response = client.post(f"/files/{stored.pk}/public/", {"action": "publish"})
    assert response.status_code == 302 and response["Location"] == f"/submissions/{document.submission_id}/"
    stored.refresh_from_db()
    assert stored.is_public
    client.post(f"/files/{stored.pk}/public/", {"action": "unpublish"})
    stored.refresh_from_db()
    assert not stored.is_public
