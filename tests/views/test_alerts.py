"""The inbox, preferences, the personal calendar feed and the health endpoint."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from compliance.models import AlertPreference, Notification
from compliance.services import alerts, notifications

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
TODAY = datetime.datetime(2027, 2, 10, 9, tzinfo=SEOUL)


def feed_token(client, user):
    client.force_login(user)
    response = client.post(reverse("alerts_calendar_token"), {"action": "new", "confirmed": "1"})
    assert response.status_code == 302
    return AlertPreference.objects.get(user=user).ical_token


def events(response):
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_calendar_feed_has_the_users_deadlines_with_alarms(client, seed, users):
    token = feed_token(client, users["wego_secretariat"])
    client.logout()  # the feed is fetched by a calendar app, without a session
    response = client.get(reverse("alerts_calendar_feed", args=[token]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    found = events(response)
    results = found["results_to_mayor-2026@wego-tracker"]
    assert results.decoded("dtstart") == datetime.date(2027, 3, 2)
    assert results.decoded("dtend") == datetime.date(2027, 3, 3)
    triggers = sorted(a.decoded("trigger") for a in results.walk("VALARM"))
    assert triggers == [datetime.timedelta(days=-30), datetime.timedelta(days=-7), datetime.timedelta(days=-1)]
    assert "사업 결과 제출" in str(results["summary"])
    # WeGO is told about its own submissions only, not the city's forwardings.
    assert not [uid for uid in found if uid.startswith("forward_")]
    assert "plan_to_mayor-2028@wego-tracker" in found


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_calendar_feed_of_the_dpo_includes_forwardings_and_no_past_alarms(client, seed, users):
    token = feed_token(client, users["digital_policy_officer"])
    found = events(client.get(reverse("alerts_calendar_feed", args=[token])))
    assert [uid for uid in found if uid.startswith("forward_plan_to_council-2024-d")]
    overdue = found["plan_to_mayor-2027@wego-tracker"]
    assert list(overdue.walk("VALARM")) == []  # due 2026-07-31: alarms in the past are pointless


@pytest.mark.django_db
def test_revoked_or_wrong_token_is_a_plain_404(client, seed, users):
    token = feed_token(client, users["council_staff"])
    client.post(reverse("alerts_calendar_token"), {"action": "revoke", "confirmed": "1"})
    client.logout()
    revoked = client.get(reverse("alerts_calendar_feed", args=[token]))
    wrong = client.get(reverse("alerts_calendar_feed", args=["not-a-token"]))
    assert revoked.status_code == wrong.status_code == 404
    assert b"VCALENDAR" not in revoked.content and revoked.content == wrong.content


@pytest.mark.django_db
def test_a_new_token_replaces_the_old_one(client, seed, users):
    old = feed_token(client, users["council_staff"])
    new = feed_token(client, users["council_staff"])
    assert old != new and len(new) >= 40
    assert client.get(reverse("alerts_calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("alerts_calendar_feed", args=[new])).status_code == 200


@pytest.mark.django_db
def test_unknown_token_action_is_refused_and_changes_nothing(client, users):
    client.force_login(users["council_staff"])
    response = client.post(reverse("alerts_calendar_token"), {"action": "leak"})
    assert response.status_code == 400
    assert not AlertPreference.objects.filter(user=users["council_staff"]).exclude(ical_token="").exists()


def make_notifications(user, n):
    Notification.objects.bulk_create(
        Notification(
            recipient=user, obligation_key=f"plan_to_mayor-{2000 + i}", title_ko=f"TEST {i}", title_en=f"TEST {i}"
        )
        for i in range(n)
    )


@pytest.mark.django_db
def test_inbox_lists_only_my_notifications_in_constant_queries(client, users, django_assert_max_num_queries):
    make_notifications(users["wego_secretariat"], 30)
    make_notifications(users["council_staff"], 3)
    client.force_login(users["council_staff"])
    # Which alerts' duties are fulfilled: one indexed query of the stored register.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("alerts_inbox"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert response.context["unread_notifications"] == 3
    make_notifications(users["council_staff"], 40)
    with django_assert_max_num_queries(8):
        assert len(client.get(reverse("alerts_inbox")).context["page"].object_list) == 43


@pytest.mark.django_db
def test_inbox_pages_past_fifty_and_counts_them(client, users):
    make_notifications(users["council_staff"], 73)
    client.force_login(users["council_staff"])
    first = client.get(reverse("alerts_inbox")).context["page"]
    assert len(first.object_list) == 50 and first.paginator.count == 73 and first.has_next()
    for number in ("2", "99"):  # past the end: the last page
        second = client.get(reverse("alerts_inbox"), {"page": number}).context["page"]
        assert second.number == 2 and len(second.object_list) == 23
    shown = {n.pk for n in first.object_list} | {n.pk for n in second.object_list}
    assert len(shown) == 73


@pytest.mark.django_db
def test_the_badge_counts_to_99_plus_and_no_further(client, users):
    """The header's count is bounded (every page shows it): exact to 99, then "99+"."""
    make_notifications(users["council_staff"], 99)
    client.force_login(users["council_staff"])
    html = client.get(reverse("alerts_inbox")).content.decode()
    assert '<span class="krds-badge bg-danger">99<span' in html
    make_notifications(users["council_staff"], 51)
    response = client.get(reverse("alerts_inbox"))
    assert response.context["unread_notifications"] == notifications.BADGE_CAP
    assert '<span class="krds-badge bg-danger">99+<span' in response.content.decode()
    # The inbox itself still counts and pages every one.
    assert response.context["page"].paginator.count == 150
    assert notifications.unread_count(users["council_staff"]) == 150


@pytest.mark.django_db
def test_mark_read_one_and_all(client, users):
    make_notifications(users["council_staff"], 3)
    other = Notification.objects.create(recipient=users["wego_secretariat"], title_ko="TEST", title_en="TEST")
    client.force_login(users["council_staff"])
    first = Notification.objects.filter(recipient=users["council_staff"]).first()
    response = client.post(reverse("alerts_mark_read"), {"id": first.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'id="unread-badge"' in response.content
    assert notifications.unread_count(users["council_staff"]) == 2
    client.post(reverse("alerts_mark_read"), {"id": other.pk})  # someone else's: no effect
    assert notifications.unread_count(users["wego_secretariat"]) == 1
    assert client.post(reverse("alerts_mark_read"), {"id": "x"}).status_code == 400
    client.post(reverse("alerts_mark_read"))
    assert notifications.unread_count(users["council_staff"]) == 0


@pytest.mark.django_db
def test_preferences_save_and_reject_bad_input(client, users):
    client.force_login(users["digital_policy_officer"])
    bad = client.post(reverse("alerts_preferences"), {"mode": "hourly", "language": "ko"})
    assert bad.status_code == 400
    assert not AlertPreference.objects.filter(mode="hourly").exists()
    ok = client.post(reverse("alerts_preferences"), {"mode": "digest", "language": "en"})
    assert ok.status_code == 302
    pref = AlertPreference.objects.get(user=users["digital_policy_officer"])
    assert (pref.mode, pref.language) == ("digest", "en")


@pytest.mark.django_db
def test_pages_need_sign_in(client):
    for name in ("alerts_inbox", "alerts_preferences"):
        assert client.get(reverse(name)).status_code == 302


@pytest.mark.django_db
def test_health_reports_database_broker_and_last_scan(client, settings, seed):
    from wego_tracker.celery import app

    response = client.get(reverse("health"))
    body = response.json()
    assert body["database"] == "ok" and body["last_successful_scan"] is None and body["scan_stale"] is True
    assert (response.status_code == 200) == (body["broker"] == "ok")
    alerts.do_scan()
    assert client.get(reverse("health")).json()["last_successful_scan"] is not None
    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/4"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        down = client.get(reverse("health"))
    finally:
        app.conf.broker_url = old
        app._pool = None
        app.amqp._producer_pool = None
    assert down.status_code == 503 and down.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_replacing_or_revoking_the_calendar_address_asks_first(client, seed, users):
    user = users["council_staff"]
    token = feed_token(client, user)
    for action in ("new", "revoke"):
        response = client.post(reverse("alerts_calendar_token"), {"action": action})
        assert response.status_code == 200
        assert b'name="confirmed" value="1"' in response.content
        assert AlertPreference.objects.get(user=user).ical_token == token  # nothing changed yet


@pytest.mark.django_db
def test_the_calendar_address_uses_the_configured_site_address_and_can_be_copied(client, seed, users, settings):
    settings.WEGO_SITE_URL = "https://wego.seoul.example/"
    token = feed_token(client, users["council_staff"])
    page = client.get(reverse("alerts_preferences"), HTTP_HOST="localhost")
    html = page.content.decode()
    assert f'value="https://wego.seoul.example/calendar/{token}.ics"' in html
    assert "localhost" not in html.split('id="feed-url"')[1].split(">")[0]
    assert 'data-copy="feed-url"' in html


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_an_alert_about_a_fulfilled_duty_says_so_and_mark_as_read_returns_the_item(client, seed, users):
    user = users["digital_policy_officer"]
    client.force_login(user)
    # Forwarding the 2023 plan to the Council was done (seed history); this one is still open.
    done = Notification.objects.create(recipient=user, obligation_key="", title_ko="완료", title_en="Done")
    from compliance import register

    known = register.load().by_key(TODAY.date())
    fulfilled_key = next(k for k, ob in known.items() if ob.fulfilled_on)
    open_key = next(k for k, ob in known.items() if not ob.fulfilled_on)
    done.obligation_key = fulfilled_key
    done.save(update_fields=["obligation_key"])
    still_open = Notification.objects.create(recipient=user, obligation_key=open_key, title_ko="열림", title_en="Open")
    page = client.get(reverse("alerts_inbox")).content.decode()
    item = page.split(f'id="alert-{done.pk}"')[1].split("</li>")[0]
    assert 'data-testid="alert-fulfilled"' in item
    assert 'data-testid="alert-fulfilled"' not in page.split(f'id="alert-{still_open.pk}"')[1].split("</li>")[0]

    response = client.post(reverse("alerts_mark_read"), {"id": still_open.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert f'id="alert-{still_open.pk}"' in html and "is-unread" not in html
    assert 'id="unread-badge"' in html and 'hx-swap-oob="true"' in html
