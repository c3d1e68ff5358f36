"""/public/ as a search page: the answer first, one relay per duty and fiscal year, plain
statuses, staged disclosure kept, only the page's relays read."""

import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.register.read import Register
from tests.open_register_samples import received_document
from tests.views.test_obligations import _add_synthetic_forwarded_plans

pytestmark = pytest.mark.django_db
TODAY = "2024-06-30T12:00:00+09:00"


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path


def relays(html):
    return re.findall(r'data-relay="([^"]+)"', html)


def relay_html(html, relay):
    return html.split(f'data-relay="{relay}"')[1].split("</tr>")[0]


@time_machine.travel(TODAY, tick=False)
def test_did_the_fy2023_settlement_reach_the_council_on_time(client, seed):
    response = client.get("/public/", {"q": "2023 정산서"})
    html = response.content.decode()
    assert relays(html) == ["2023-settlement"]
    row = relay_html(html, "2023-settlement")
    # WeGO → Mayor: received 25 Jan 2024, due 29 Feb; Mayor → Council: forwarded 6 Feb 2024.
    assert "기한 내 완료" in row and "접수 2024. 1. 25.(목)" in row
    assert "지체 없이 완료" in row and "제출 2024. 2. 6.(화)" in row and "접수 후 업무일 8일" in row
    assert "현행 조례상 상임위원회 보고 의무 없음" in row


@time_machine.travel(TODAY, tick=False)
def test_statuses_are_plain_words_never_instructions(client, seed):
    for number in (1, 2):
        html = client.get("/public/", {"page": number}).content.decode()
        assert "사유 기재 필요" not in html and "자료 확인 필요" not in html
    en = client.get("/public/", {"q": "2023"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "reason required" not in en
    assert re.search(r">(Done on time|Done late|Done after a delay|Done without delay)<", en)


@time_machine.travel(TODAY, tick=False)
def test_filters_by_duty_status_and_year_due(client, seed):
    plans = relays(client.get("/public/", {"duty": "plan"}).content.decode())
    assert plans and all(r.endswith("-plan") for r in plans)
    late = client.get("/public/", {"status": "late"})
    found = relays(late.content.decode())
    assert found and "2023-plan" in found  # the FY2023 plan reached the Mayor late
    for relay in late.context["relays"]:
        hops = relay.to_mayor + relay.to_council + relay.to_committee
        assert any(o.status == "late" for o in hops)
    due_2023 = client.get("/public/", {"due_year": "2023"}).context["relays"]
    assert due_2023 and all(
        any(o.due_date.year == 2023 for o in r.to_mayor + r.to_council + r.to_committee) for r in due_2023
    )
    # The year due is offered this year first.
    choices = [v for v, _ in client.get("/public/").context["form"].fields["due_year"].choices]
    assert choices[:2] == ["", 2024]


@time_machine.travel(TODAY, tick=False)
def test_relays_are_paginated_latest_fiscal_year_first(client, seed):
    first = client.get("/public/")
    assert first.context["page"].paginator.num_pages >= 2
    shown = [(r.fiscal_year, r.subject) for r in first.context["relays"]]
    assert len(shown) == 10 and [fy for fy, _ in shown] == sorted((fy for fy, _ in shown), reverse=True)
    second = relays(client.get("/public/", {"page": 2}).content.decode())
    assert second and not set(second) & {f"{fy}-{s}" for fy, s in shown}


def test_a_receipt_not_yet_forwarded_stays_private(client, seed, users):
    document = received_document(users["wego_secretariat"], fiscal_year=2026)
    html = client.get("/public/", {"duty": "plan"}).content.decode()
    row = relay_html(html, "2026-plan")
    assert "송부 기한은 접수 후 정해짐" in row and "날짜는 시의회 송부 후 공개" in row
    assert document.title not in html and "기한 계산 과정" not in row.split('id="forward_plan')[1]
    # A search by the private title finds nothing.
    assert relays(client.get("/public/", {"q": "synthetic"}).content.decode()) == []
    en = client.get("/public/", {"duty": "plan"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Due date for forwarding: set once received" in relay_html(en, "2026-plan")


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("query", "field"),
    [({"due_year": "1990"}, "due_year"), ({"status": "overdue"}, "status"), ({"duty": "x"}, "duty")],
)
def test_bad_filters_are_explained_beside_their_field(client, seed, query, field):
    response = client.get("/public/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and "data-relay=" not in html
    assert "올바르게 선택해 주세요" in html or "선택" in html


@time_machine.travel(TODAY, tick=False)
def test_only_the_pages_relays_are_read_and_queries_stay_flat(client, seed, monkeypatch, django_assert_max_num_queries):
    read = []
    materialize = Register.materialize

    def spy(self, stored, as_of):
        found = materialize(self, stored, as_of)
        read.append(len(found))
        return found

    monkeypatch.setattr(Register, "materialize", spy)
    client.get("/public/")  # warm
    _add_synthetic_forwarded_plans(5, 0)
    with CaptureQueriesContext(connection) as small:
        client.get("/public/", {"q": "plan"})
    _add_synthetic_forwarded_plans(80, 5)
    read.clear()
    with django_assert_max_num_queries(len(small)):
        response = client.get("/public/", {"q": "plan"})
    # 85 synthetic forwardings join the FY2025 plan's relay: one relay, read whole; the
    # register's other relays are not read.
    assert sum(read) < 85 + 40
    assert "2025-plan" in relays(response.content.decode())
