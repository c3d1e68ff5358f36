"""/api/v1/obligations/: the register's obligations, the command's fields, staged disclosure."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from compliance.services import open_register

pytestmark = pytest.mark.django_db

URL = "/api/v1/obligations/"


def command_rows(*args):
    out = StringIO()
    call_command("obligations", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def all_items(client, query, **headers):
    response = client.get(URL, {**query, "page_size": 200}, **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return body["results"]


def bearer(user):
    _token, secret = open_register.do_create_api_token(by=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# The seed's obligations as of 2024-03-01, stated here rather than read back from the
# register the API itself uses: (key, status, due date). The records cover that day, so
# the two forwardings of early 2022 that never happened are overdue, not "no record";
# "-d<n>" is the document (fixtures/04_history.json) a forwarding duty follows.
OBLIGATIONS_2024_03_01 = [
    ("forward_plan_to_council-2022-d1", "overdue", "2022-02-07"),
    ("forward_settlement_to_council-2021-d5", "overdue", "2022-02-09"),
    ("results_to_mayor-2021", "on_time", "2022-02-28"),
    ("settlement_to_mayor-2021", "on_time", "2022-02-28"),
    ("plan_to_mayor-2023", "late", "2022-07-31"),
    ("forward_plan_to_council-2023-d7", "late", "2022-08-30"),
    ("forward_plan_to_council-2023-d10", "late", "2023-02-01"),
    ("forward_settlement_to_council-2022-d8", "late", "2023-02-01"),
    ("results_to_mayor-2022", "on_time", "2023-02-28"),
    ("settlement_to_mayor-2022", "on_time", "2023-02-28"),
    ("plan_to_mayor-2024", "on_time", "2023-07-31"),
    ("forward_plan_to_council-2024-d11", "late", "2023-08-02"),
    ("forward_plan_to_council-2024-d12", "late", "2023-11-06"),
    ("forward_settlement_to_council-2023-d13", "on_time", "2024-02-08"),
    ("results_to_mayor-2023", "on_time", "2024-02-29"),
    ("settlement_to_mayor-2023", "on_time", "2024-02-29"),
    ("plan_to_mayor-2025", "upcoming", "2024-07-31"),
    ("results_to_mayor-2024", "upcoming", "2025-02-28"),
    ("settlement_to_mayor-2024", "upcoming", "2025-02-28"),
]


def test_anonymous_gets_every_obligation_as_of_a_day(client, seed):
    items = all_items(client, {"as_of": "2024-03-01"})
    # Documents the Council does not hold themselves (d1 and d5 never forwarded; d11, the
    # FY2024 draft, only by way of its revision d12): the public does not see a due date
    # counted from their receipt ("set once received").
    hidden = {
        "forward_plan_to_council-2022-d1",
        "forward_settlement_to_council-2021-d5",
        "forward_plan_to_council-2024-d11",
    }
    expected = [(key, status, None if key in hidden else due) for key, status, due in OBLIGATIONS_2024_03_01]
    assert [(i["key"], i["status"], i["due_date"]) for i in items] == expected


def test_a_token_reads_the_same_fields_as_the_command_plus_a_link(client, seed, council_user):
    items = all_items(client, {"as_of": "2024-06-30"}, **bearer(council_user))
    rows = command_rows("--as-of", "2024-06-30")
    assert [{k: i[k] for k in row} for i, row in zip(items, rows, strict=True)] == rows
    assert all(set(i) - set(row) == {"key", "url", "disclosed"} for i, row in zip(items, rows, strict=True))
    plan = next(i for i in items if i["key"] == "plan_to_mayor-2023")
    assert plan["url"] == "http://testserver/obligations/plan_to_mayor-2023/?as_of=2024-06-30"
    assert plan["fulfilled_on"] == "2022-08-16"


def test_the_public_sees_no_dates_of_a_document_not_yet_forwarded(client, seed, council_user):
    public = {i["key"]: i for i in all_items(client, {"as_of": "2024-06-30"})}
    inside = {i["key"]: i for i in all_items(client, {"as_of": "2024-06-30"}, **bearer(council_user))}
    assert public.keys() == inside.keys()
    assert all(public[k]["status"] == inside[k]["status"] for k in public)
    # A due date counted from a receipt is published only once the document is (it would
    # tell the receipt day): "set once received".
    for k in public:
        hidden = not public[k]["disclosed"] and k.startswith("forward_")
        assert public[k]["due_date"] == (None if hidden else inside[k]["due_date"]), k
    # FY2023 results (received 2024-01-25) were never forwarded: the Council does not hold them.
    results = public["results_to_mayor-2023"]
    assert (results["disclosed"], results["fulfilled_on"], results["status"]) == (False, None, "on_time")
    assert inside["results_to_mayor-2023"]["fulfilled_on"] == "2024-01-25"
    # The FY2023 plan draft was forwarded on 2022-11-07: its dates are public.
    plan = public["plan_to_mayor-2023"]
    assert (plan["disclosed"], plan["fulfilled_on"], plan["days_late"]) == (True, "2022-08-16", 16)
    assert plan["url"] == "http://testserver/public/?fiscal_year=2023#plan_to_mayor-2023"
    # ...but not as of a day before it was forwarded.
    earlier = {i["key"]: i for i in all_items(client, {"as_of": "2022-09-01"})}
    assert earlier["plan_to_mayor-2023"]["fulfilled_on"] is None


def test_filters(client, seed):
    items = all_items(client, {"as_of": "2024-06-30", "fiscal_year": "2023", "duty": "plan_to_mayor"})
    assert [i["key"] for i in items] == ["plan_to_mayor-2023"]
    late = all_items(client, {"as_of": "2024-06-30", "status": "late"})
    assert late and all(i["status"] == "late" for i in late)
    assert all_items(client, {"as_of": "2024-06-30", "fiscal_year": "2030"}) == []


def test_what_if_follows_the_proposed_amendment(client, seed):
    without = {i["duty"] for i in all_items(client, {"as_of": "2024-06-30"})}
    with_bill = {
        i["duty"] for i in all_items(client, {"as_of": "2024-06-30", "what_if": "1", "what_if_from": "2024-01-01"})
    }
    assert "forward_results_to_council" not in without
    assert "forward_results_to_council" in with_bill
    # From today (the default) the bill changes nothing that arose before today.
    from_today = {i["duty"] for i in all_items(client, {"as_of": "2024-06-30", "what_if": "1"})}
    assert "forward_results_to_council" not in from_today


def test_paginated(client, seed):
    first = client.get(URL, {"as_of": "2024-06-30", "page_size": 5}).json()
    assert len(first["results"]) == 5 and first["count"] > 5
    assert "page=2" in first["next"]
    second = client.get(first["next"]).json()
    assert {i["key"] for i in second["results"]}.isdisjoint(i["key"] for i in first["results"])


def test_detail_has_the_derivation_and_the_hops(client, seed):
    body = client.get(f"{URL}plan_to_mayor-2023/", {"as_of": "2024-06-30"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (
        body["derivation"][0].startswith("Ordinance Article 17③")
        and "business year 2023 begins" in body["derivation"][0]
    )
    assert body["submit_by"] == "2022-07-29"
    hop = body["trail"][0]
    assert (hop["received_on"], hop["forwarded_on"]) == ("2022-08-16", "2022-11-07")
    assert hop["to_council_business_days"] > 10
    assert client.get(f"{URL}no-such-key/").status_code == 404


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"as_of": "2024-3-01"}, "as_of"),
        ({"as_of": "2024-02-30"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"what_if": "maybe"}, "what_if"),
        ({"what_if_from": "2024-01-01"}, "what_if_from"),
        ({"fiscal_year": "1800"}, "fiscal_year"),
        ({"fiscal_year": "20x4"}, "fiscal_year"),
        ({"duty": "plan_to_council"}, "duty"),
        ({"status": "violation"}, "status"),
        ({"asof": "2024-03-01"}, "asof"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_bad_input_is_a_problem_details_400(client, seed, query, parameter):
    response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] == "Invalid query parameters"
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert "results" not in body


def test_problems_speak_the_callers_language(client, seed):
    ko = client.get(URL, {"as_of": "2024-13-01"}, HTTP_ACCEPT_LANGUAGE="ko").json()
    en = client.get(URL, {"as_of": "2024-13-01"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert ko["errors"][0]["detail"] != en["errors"][0]["detail"]
    assert "날짜" in ko["errors"][0]["detail"]
    assert "date" in en["errors"][0]["detail"]
    unknown = client.get(URL, {"colour": "red"}, HTTP_ACCEPT_LANGUAGE="ko").json()
    assert "알 수 없는" in unknown["errors"][0]["detail"]


def test_a_repeated_parameter_is_refused(client, seed):
    response = client.get(URL + "?duty=plan_to_mayor&duty=results_to_mayor")
    assert response.status_code == 400


def test_writes_are_refused(client, seed):
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(URL)
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    [
        "as_of=%00",
        "as_of=2024-06-30T00:00",
        "as_of=９９９９-01-01",
        "fiscal_year=２０２４",
        "fiscal_year=" + "9" * 400,
        "duty=" + "x" * 5000,
        "page=999",
        "page=-1",
        "format=xml",
        "what_if=",
        "%ff=1",
    ],
)
def test_never_a_500(client, seed, query):
    for url in (URL, "/api/v1/calculate/", "/api/v1/documents/", f"{URL}plan_to_mayor-2023/"):
        response = client.get(f"{url}?{query}")
        assert 400 <= response.status_code < 500, (url, query, response.status_code)
