"""/api/v1/calculate/ and the /calculator/ page: one duty, one date, the full derivation."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculate/"


def test_results_fy2025_roll_over_the_weekend_and_samiljeol(client, seed):
    body = client.get(URL, {"duty": "results_to_mayor", "fiscal_year": "2025"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["due_date"] == "2026-03-03"
    assert body["submit_by"] is None
    assert [d["date"] for d in body["non_business_days_crossed"]] == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert "Civil Act, Article 161" in body["derivation"][1]
    assert body["derivation"][-1] == "Due: Tue 3 Mar 2026"


def test_backward_deadline_does_not_move_but_advises(client, seed):
    body = client.get(URL, {"duty": "plan_to_mayor", "fiscal_year": "2023"}).json()
    assert (body["due_date"], body["submit_by"]) == ("2022-07-31", "2022-07-29")
    assert [d["date"] for d in body["non_business_days_crossed"]] == ["2022-07-30", "2022-07-31"]
    assert "권고 제출일" in body["derivation"][-1]


def test_without_delay_counts_business_days_over_chuseok(client, seed):
    body = client.get(URL, {"duty": "forward_plan_to_council", "received_on": "2024-09-12"}).json()
    assert body["due_date"] == "2024-10-02"
    crossed = {d["date"] for d in body["non_business_days_crossed"]}
    assert {"2024-09-16", "2024-09-17", "2024-09-18", "2024-10-01"} <= crossed


def test_committee_report_from_a_forwarding_date(client, seed):
    body = client.get(URL, {"duty": "report_plan_to_committee", "forwarded_on": "2024-02-06"})
    assert body.status_code == 200
    assert body.json()["due_date"]


@pytest.mark.parametrize(
    ("query", "parameters"),
    [
        ({}, ["duty"]),
        ({"duty": "plan_to_council", "fiscal_year": "2025"}, ["duty"]),
        ({"duty": "results_to_mayor"}, ["fiscal_year"]),
        ({"duty": "results_to_mayor", "received_on": "2024-01-01"}, ["received_on", "fiscal_year"]),
        ({"duty": "results_to_mayor", "fiscal_year": "1999"}, ["fiscal_year"]),
        ({"duty": "results_to_mayor", "fiscal_year": "99999"}, ["fiscal_year"]),
        ({"duty": "forward_plan_to_council", "received_on": "2024-02-30"}, ["received_on"]),
        ({"duty": "results_to_mayor", "fiscal_year": "2025", "lang": "en"}, ["lang"]),
    ],
)
def test_bad_input(client, seed, query, parameters):
    response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [e["parameter"] for e in response.json()["errors"]] == parameters


def test_the_calculator_page_shows_the_same_answer(client, seed):
    page = client.get("/calculator/", {"duty": "results_to_mayor", "fiscal_year": "2025", "received_on": ""})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-due="2026-03-03"' in html
    assert "3·1절 대체공휴일" in html and "삼일절" not in html


def test_the_calculator_page_explains_bad_input(client, seed):
    page = client.get("/calculator/", {"duty": "results_to_mayor", "fiscal_year": "1999"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "The fiscal year must be between" in page.content.decode()


def test_the_calculator_page_starts_empty(client, seed):
    page = client.get("/calculator/")
    assert page.status_code == 200 and b"data-due" not in page.content


def test_step_one_lists_duties_by_name_not_code(client, seed):
    html = client.get("/calculator/").content.decode()
    assert 'type="radio" name="duty" value="results_to_mayor"' in html
    assert "사업 결과 제출 (사무총장 → 시장)" in html
    assert "(results_to_mayor)" not in html
    assert 'name="fiscal_year"' not in html and 'name="received_on"' not in html
    assert 'href="/calculator/assumptions/"' in html and "법률 자문이 아닙니다" in html


def test_step_two_asks_only_what_the_duty_needs(client, seed):
    html = client.get("/calculator/", {"duty": "forward_plan_to_council"}).content.decode()
    assert 'name="received_on"' in html and 'type="date"' in html
    assert 'name="fiscal_year"' not in html and 'name="forwarded_on"' not in html
    assert "data-due" not in html


def test_an_input_the_duty_does_not_need_is_ignored_on_the_page(client, seed):
    page = client.get("/calculator/", {"duty": "results_to_mayor", "fiscal_year": "2025", "received_on": "2024-01-01"})
    assert page.status_code == 200 and 'data-due="2026-03-03"' in page.content.decode()


def test_a_bad_year_is_told_at_its_field_in_words(client, seed):
    page = client.get("/calculator/", {"duty": "results_to_mayor", "fiscal_year": "20x5"})
    html = page.content.decode()
    assert page.status_code == 400
    assert 'id="id_fiscal_year_error"' in html and 'aria-invalid="true"' in html
    assert "연도를 네 자리 숫자로" in html
    assert "fiscal_year:" not in html and "parameter" not in html


def test_an_unknown_duty_is_told_in_words(client, seed):
    page = client.get("/calculator/", {"duty": "plan_to_council"})
    assert page.status_code == 400
    assert 'id="calc-duty-error"' in page.content.decode()


def test_a_grace_end_is_an_internal_target_not_a_deadline(client, seed):
    html = client.get("/calculator/", {"duty": "forward_plan_to_council", "received_on": "2024-09-12"}).content.decode()
    assert 'data-kind="internal-target"' in html
    assert "처리 목표일(내부 기준): 2024. 10. 2.(수)" in html
    assert "기한: 2024. 10. 2." not in html


def test_change_the_duty_goes_back_to_step_one_with_it_marked(client, seed):
    html = client.get("/calculator/", {"duty": "results_to_mayor", "change": "1"}).content.decode()
    assert 'value="results_to_mayor" id="calc-duty-1" aria-describedby="calc-duty-1-hint" checked' in html


def test_the_assumptions_page(client, seed):
    html = client.get("/calculator/assumptions/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not legal advice" in html and "internal target" in html
