"""The overdue dashboard and the obligation page, per role (PostgreSQL)."""

import datetime
import re

import pytest
from django.urls import reverse

from compliance.models import Document, Forwarding, Submission

pytestmark = pytest.mark.django_db
# The last day the seed's records cover (fixtures/06_coverage.json).
AS_OF = "2024-04-03"


def rows(html):
    return re.findall(r'<tr data-status="(\w+)" data-key="([\w-]+)"', html)


def badges(html):
    return re.findall(r'<tr data-status="\w+" data-key="[\w-]+" data-badge="(\w+)"', html)


def card_counts(html):
    return dict(re.findall(r'data-status-count="(\w+)">\s*<span[^>]*>[^<]*</span>\s*<span[^>]*>(\d+)</span>', html))


def test_anonymous_visitor_is_sent_to_sign_in(client, seed):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["council_staff", "wego_secretariat", "digital_policy_officer", "admin"])
def test_every_role_sees_overdue_obligations_first(client, seed, users, role):
    client.force_login(users[role])
    response = client.get(reverse("dashboard"), {"as_of": AS_OF})
    assert response.status_code == 200
    statuses = [status for status, _key in rows(response.content.decode())]
    assert statuses[:2] == ["overdue", "overdue"]
    order = {"overdue": 0, "due_soon": 1, "upcoming": 2, "late": 3, "on_time": 4}
    assert [order[s] for s in statuses] == sorted(order[s] for s in statuses)


def test_counts_by_status_tell_the_true_story(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"as_of": AS_OF}).content.decode()
    assert card_counts(html) == {
        "overdue": "0",
        "not_yet_past_grace": "2",
        "overdue_at_records_end": "0",
        "past_grace_at_records_end": "0",
        "no_record": "0",
        "within_extension": "0",
        "due_soon": "0",
        "upcoming": "3",
        "done_after_grace": "5",
        "delayed_reason_recorded": "0",
        "late": "1",
        "on_time": "8",
    }


@pytest.mark.parametrize("as_of", ["2024-04-03", "2024-06-30", "2026-11-27"])
def test_each_status_card_lists_exactly_the_rows_with_its_badge(client, seed, council_user, as_of):
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"as_of": as_of}).content.decode()
    for badge, count in card_counts(html).items():
        filtered = client.get(reverse("dashboard"), {"as_of": as_of, "status": badge}).content.decode()
        assert badges(filtered) == [badge] * int(count), badge
    assert sum(int(n) for n in card_counts(html).values()) == len(rows(html))


def test_after_the_seeds_coverage_only_what_the_records_prove_is_called_late(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"as_of": "2026-11-27"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    counts = card_counts(html)
    assert counts["overdue"] == "0" and counts["not_yet_past_grace"] == "0"
    # The two forwardings of January 2022 were past their grace on 2024-04-03, the records'
    # last day; the seven WeGO duties due after it are unknown; three are not due yet.
    assert counts["past_grace_at_records_end"] == "2"
    assert counts["no_record"] == "7"
    assert counts["upcoming"] == "3"
    assert "기록 종료일(2024. 4. 3.(수)) 기준 786일 경과 — 이후 기록 없음" in html
    assert "기록 없음 — 자료 확인 필요" in html
    html = client.get(reverse("dashboard"), {"as_of": "2026-11-27"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No record — not entered yet" in html


def test_filters_narrow_the_table(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF, "fiscal_year": 2023, "duty": "plan_to_mayor"})
    assert rows(response.content.decode()) == [("late", "plan_to_mayor-2023")]
    response = client.get(reverse("dashboard"), {"as_of": AS_OF, "party": "wego_secretariat", "status": "upcoming"})
    keys = [key for _s, key in rows(response.content.decode())]
    assert keys == ["plan_to_mayor-2025", "results_to_mayor-2024", "settlement_to_mayor-2024"]


def test_htmx_filtering_returns_only_the_table(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(
        reverse("dashboard"), {"as_of": AS_OF, "status": "not_yet_past_grace"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="obligation-results"' in html
    assert {s for s, _k in rows(html)} == {"overdue"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"as_of": "2024-13-45"}, "Enter a valid date"),
        ({"fiscal_year": "1990"}, "Select a valid choice"),
        ({"status": "violated"}, "Select a valid choice"),
        ({"duty": "<script>"}, "Select a valid choice"),
    ],
)
def test_unknown_filter_values_are_a_clear_400(client, seed, council_user, params, message):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<script>" not in response.content.decode().split("</header>")[-1].replace("&lt;script&gt;", "")


def test_unknown_filter_values_are_explained_in_korean(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"fiscal_year": "1990"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert "올바르게 선택해 주세요" in response.content.decode()


def test_korean_is_the_default_and_english_is_a_switch(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"as_of": AS_OF}).content.decode()
    assert '<html lang="ko">' in html and "기한 경과" in html and "2022. 7. 31.(일)" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("dashboard"), {"as_of": AS_OF}).content.decode()
    assert '<html lang="en">' in html and "Overdue" in html and "Sun 31 Jul 2022" in html


def test_obligation_page_shows_derivation_law_and_each_hop(client, seed, council_user):
    client.force_login(council_user)
    url = reverse("obligation_detail", args=["plan_to_mayor-2023"])
    html = client.get(url, {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "2022. 7. 31.(일)" in html and "일요일" in html and "옮겨지지 않습니다" in html
    assert "사업 연도 개시 5개월 전까지" in html  # 17③ text in force
    assert "2022. 8. 16.(화)" in html and "2022. 11. 7.(월)" in html  # received, forwarded
    assert "55" in html  # business days from receipt to the Council
    assert "2024 개정안" in html  # the proposed version, shown as not in force


def test_forwarding_page_asks_for_a_reason_when_delayed(client, seed, council_user):
    client.force_login(council_user)
    url = reverse("obligation_detail", args=["forward_plan_to_council-2022-d1"])
    response = client.get(url, {"as_of": AS_OF}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Not yet forwarded, past the grace — reason required" in response.content.decode()


def test_unknown_obligation_is_404(client, seed, council_user):
    client.force_login(council_user)
    assert client.get(reverse("obligation_detail", args=["plan_to_mayor-1990"])).status_code == 404
    assert client.get(reverse("obligation_detail", args=["x"]), {"as_of": "bad"}).status_code == 400


def _add_synthetic_forwarded_plans(count, start):
    """Synthetic test data (not the seed): received and forwarded plan drafts."""
    sub = Submission.objects.create(received_on=datetime.date(2024, 3, 4), source="synthetic test data")
    for i in range(start, start + count):
        doc = Document.objects.create(
            submission=sub, kind="plan_draft", fiscal_year=2025, title=f"synthetic plan {i}", source="synthetic"
        )
        forwarding = Forwarding.objects.create(forwarded_on=datetime.date(2024, 3, 8), source="synthetic")
        forwarding.items.create(document=doc, description="synthetic", kind="plan_draft", fiscal_year=2025)


def test_dashboard_query_count_stays_flat_as_obligations_grow(client, seed, council_user, django_assert_num_queries):
    client.force_login(council_user)
    client.get(reverse("dashboard"), {"as_of": AS_OF})  # warm the session and auth caches
    _add_synthetic_forwarded_plans(5, 0)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("dashboard"), {"as_of": AS_OF})
    small_rows = len(rows(response.content.decode()))
    _add_synthetic_forwarded_plans(60, 5)
    with django_assert_num_queries(len(small)):
        response = client.get(reverse("dashboard"), {"as_of": AS_OF})
    assert len(rows(response.content.decode())) == 50  # one page
    assert response.context["page"].paginator.count == small_rows + 60
    # The next page costs the same: nothing is kept between requests.
    with django_assert_num_queries(len(small)):
        second = client.get(reverse("dashboard"), {"as_of": AS_OF, "page": 2})
    assert len(rows(second.content.decode())) == small_rows + 60 - 50


def test_dashboard_pages_rows_and_counts_every_obligation(client, seed, council_user):
    client.force_login(council_user)
    _add_synthetic_forwarded_plans(70, 0)
    first = client.get(reverse("dashboard"), {"as_of": AS_OF, "status": "on_time"})
    html = first.content.decode()
    on_time = first.context["page"].paginator.count
    assert on_time > 50 and len(rows(html)) == 50
    # The status cards count every obligation, not the page.
    assert re.search(rf'id="status-count-on_time".*?app-status-card__value">{on_time}<', html, re.S)
    assert 'aria-current="page"' in html and "status=on_time&amp;page=2" in html
    last = client.get(reverse("dashboard"), {"as_of": AS_OF, "status": "on_time", "page": 99})
    assert len(rows(last.content.decode())) == on_time - 50  # past the end: the last page
    keys = {key for _status, key in rows(html) + rows(last.content.decode())}
    assert len(keys) == on_time


def test_law_page_shows_current_text_in_force_and_the_bill_as_proposed(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("provisions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("Proposed — not in force") == 1
    assert html.count(">In force<") == 5
    assert "report them to the competent standing committee" in html


def test_htmx_history_restore_gets_the_whole_page(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(
        reverse("dashboard"), {"as_of": AS_OF}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()


def test_a_signed_in_user_without_a_role_is_told_why(client, seed, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(nobody)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Your account has no role yet" in response.content.decode()
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ko")
    assert "역할이 아직 지정되지 않았습니다" in response.content.decode()


def _queries(client, url, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_obligation_page_query_count_stays_flat_as_its_trail_grows(client, seed, council_user):
    """A page costs the same queries however long its trail is, and every view the same
    (nothing is kept between requests)."""
    from compliance import register

    client.force_login(council_user)
    client.get(reverse("dashboard"), {"as_of": AS_OF})  # warm the session and auth caches
    _add_synthetic_forwarded_plans(5, 0)
    day = datetime.date.fromisoformat(AS_OF)
    key = next(
        o.key
        for o in register.load().obligations(day)
        if o.fiscal_year == 2025 and "plan_draft" in o.spec.document_kinds and not o.spec.is_event_driven
    )
    url = reverse("obligation_detail", args=[key])
    cold_small, _ = _queries(client, url, {"as_of": AS_OF})
    warm_small, _ = _queries(client, url, {"as_of": AS_OF})
    _add_synthetic_forwarded_plans(60, 5)
    cold_many, _ = _queries(client, url, {"as_of": AS_OF})
    warm_many, response = _queries(client, url, {"as_of": AS_OF})
    assert cold_small == warm_small == cold_many == warm_many
    assert len(response.context["trail"]) == 50 and response.context["page"].paginator.count >= 65
