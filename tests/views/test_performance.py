"""/performance/, /public/performance/, its open data, feeds and the annual report button."""

import csv
import io
import json
import re

import pytest
import time_machine

from compliance.roles import WEGO
from compliance.statistics import FIELDS
from tests.conftest import make_user
from tests.open_register_samples import received_document

pytestmark = pytest.mark.django_db
AS_OF = "2024-04-03"
HOP_OF = {"_to_mayor": "to_mayor", "_to_council": "to_council", "_to_committee": "to_committee"}


def _hop(duty):
    return next(hop for suffix, hop in HOP_OF.items() if duty.endswith(suffix))


def test_every_signed_in_role_sees_the_record_with_its_as_at_day(client, seed, users):
    for user in users.values():
        client.force_login(user)
        html = client.get(f"/performance/?as_of={AS_OF}").content.decode()
        assert "2024. 4. 3.(수)" in html and 'data-hop="to_council"' in html
    client.logout()
    assert client.get("/performance/").status_code == 302


def test_bad_choices_are_a_clear_400(client, seed, council_user):
    client.force_login(council_user)
    response = client.get("/performance/?as_of=2024-13-01&from_fy=2024&to_fy=2023")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    assert client.get("/public/performance/?from_fy=abc").status_code == 400


@pytest.mark.parametrize("as_of", [AS_OF, "2025-06-30"])
def test_each_count_equals_what_the_api_lists_with_that_status(client, seed, live_records, council_user, as_of):
    client.force_login(council_user)
    figures = client.get(f"/api/v1/statistics/?as_of={as_of}").json()
    assert figures["as_of"] == as_of and figures["what_if"] is False
    listed = {}
    for status in ("on_time", "late", "overdue", "no_record"):
        items = client.get(f"/api/v1/obligations/?as_of={as_of}&status={status}&page_size=200").json()["results"]
        for item in items:
            key = (item["fiscal_year"], _hop(item["duty"]))
            listed.setdefault(key, {}).setdefault(status, 0)
            listed[key][status] += 1
            if status in ("late", "overdue") and key[1] != "to_mayor":
                listed[key]["past_grace"] = listed[key].get("past_grace", 0) + 1
    assert figures["rows"]
    for row in figures["rows"]:
        counted = listed.get((row["fiscal_year"], row["hop"]), {})
        for name in ("on_time", "late", "overdue", "no_record", "past_grace"):
            assert row[name] == counted.get(name, 0), (row, name)
        assert row["due"] == sum(counted.get(s, 0) for s in ("on_time", "late", "overdue", "no_record"))
        assert list(row) == list(FIELDS)


def test_every_figure_links_to_a_dashboard_list_of_that_many_obligations(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(f"/performance/?as_of={AS_OF}").content.decode()
    links = re.findall(r'data-figure="(\w+)"><a class="app-link" href="([^"]+)">(\d+)</a>', html)
    assert len(links) > 20
    for _name, url, shown in links:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.status_code == 200
        assert listed.context["total"] == int(shown), url


def test_the_dashboard_takes_hop_and_figure_and_refuses_unknown_ones(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(f"/?as_of={AS_OF}&hop=to_council&outcome=late&fiscal_year=2023")
    # The table's rows (the task list above it lists the reader's own duties).
    keys = re.findall(r'<tr data-status="\w+" data-key="([^"]+)"', response.content.decode())
    assert sorted(set(keys)) == ["forward_plan_to_council-2023-d10", "forward_plan_to_council-2023-d7"]
    assert client.get("/?hop=to_nowhere").status_code == 400
    assert client.get("/?outcome=everything").status_code == 400


def test_the_public_record_holds_no_personal_data_and_nothing_undisclosed(client, seed, users):
    wego = make_user("kim-jiyoung-7f3", WEGO, first_name="지영", last_name="김")
    document = received_document(wego, fiscal_year=2026, title="[synthetic] 미공개 계획서")
    received = document.submission.received_on.isoformat()
    bodies = [
        client.get("/public/performance/").content.decode(),
        client.get("/public/performance/statistics.csv").content.decode("utf-8-sig"),
        client.get("/public/performance/statistics.json").content.decode(),
        client.get("/public/performance/datapackage.json").content.decode(),
        client.get("/public/performance/overdue.atom").content.decode(),
    ]
    private = [wego.username, wego.email, wego.get_full_name()] + [u.email for u in users.values() if u.email]
    for body in bodies:
        assert document.title not in body
        for value in private:
            assert value not in body
    # The FY2023 results were received on 2024-01-25 and never forwarded: no date of them.
    page = client.get(f"/public/performance/?as_of={AS_OF}").content.decode()
    assert "2024. 1. 25." not in page and "/obligations/" not in page
    assert received not in bodies[1]


def test_recently_overdue_withholds_an_undisclosed_receipt_from_the_public(client, seed, council_user):
    """On 2022-02-10 the forwarding of the FY2022 final plan (received 2022-01-19, grace to
    2022-02-07) has been past its grace for 3 days. Its due date tells the receipt date,
    and the plan was never forwarded: the public page counts it without naming it."""
    key = "forward_plan_to_council-2022-d1"
    client.force_login(council_user)
    inside = client.get("/performance/?as_of=2022-02-10").content.decode()
    assert f'data-key="{key}"' in inside
    client.logout()
    public = client.get("/public/performance/?as_of=2022-02-10").content.decode()
    assert f'data-key="{key}"' not in public and "시의회에 송부되지 않은 문서" in public


def test_the_csv_json_and_datapackage_describe_the_same_rows(client, seed):
    text = client.get(f"/public/performance/statistics.csv?as_of={AS_OF}").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(FIELDS)
    data = client.get(f"/public/performance/statistics.json?as_of={AS_OF}").json()
    assert len(data["rows"]) == len(rows) and data["what_if"] is False
    fy2023 = next(r for r in rows if r["fiscal_year"] == "2023" and r["hop"] == "to_council")
    assert (fy2023["due"], fy2023["on_time"], fy2023["on_time_rate"], fy2023["max_days_late"]) == (
        "3",
        "1",
        "0.3333",
        "55",
    )
    package = json.loads(client.get(f"/public/performance/datapackage.json?as_of={AS_OF}").content)
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(FIELDS)
    assert all(re.search("[가-힣]", f["title"]) for f in fields)
    assert package["as_of"] == AS_OF and package["sources"]
    coverage = {c["hop"]: c["covered"] for c in package["records_coverage"]}
    assert coverage["to_mayor"] == [{"from": "2022-01-01", "to": AS_OF}] and coverage["to_committee"] == []
    assert client.get("/public/performance/statistics.csv?as_of=nope").status_code == 400
    assert client.get("/public/performance/statistics.csv?colour=red").status_code == 400


def test_the_api_is_in_the_openapi_schema_and_checks_its_parameters(client, seed):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"as_of", "from_fy", "to_fy", "what_if", "what_if_from"}
    response = client.get("/api/v1/statistics/?from_fy=2024&to_fy=2023")
    assert response.status_code == 400
    assert client.get("/api/v1/statistics/?what_if_from=2024-01-01").status_code == 400
    rows = client.get(f"/api/v1/statistics/?as_of={AS_OF}&from_fy=2023&to_fy=2023").json()["rows"]
    assert {r["fiscal_year"] for r in rows} == {2023}


def test_what_if_figures_are_marked_on_the_page_and_in_the_api(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(f"/performance/?as_of={AS_OF}&what_if=1&what_if_from=2022-01-01").content.decode()
    assert "data-what-if" in html
    data = client.get(f"/api/v1/statistics/?as_of={AS_OF}&what_if=1&what_if_from=2022-01-01").json()
    assert data["what_if"] is True
    assert any(r["hop"] == "to_committee" and r["due"] for r in data["rows"])


@time_machine.travel("2025-03-05T12:00:00+09:00", tick=False)
def test_the_recently_overdue_feeds(client, seed, live_records, council_user):
    public = client.get("/public/performance/overdue.atom", HTTP_ACCEPT_LANGUAGE="en")
    assert public["Content-Type"].startswith("application/atom+xml")
    assert "Overdue: Business results to the Mayor" in public.content.decode()
    assert client.get("/performance/overdue.atom").status_code == 302
    client.force_login(council_user)
    assert (
        "Overdue: Settlement statement to the Mayor"
        in client.get("/performance/overdue.atom", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert client.get("/public/performance/overdue.atom?x=1").status_code == 400


def test_the_report_button_for_the_dpo_and_council_staff(client, seed, users, django_capture_on_commit_callbacks):
    """The button queues a build (tests/views/test_report_builds.py) and shows its progress."""
    from compliance.models import PacketBuild

    for role in ("digital_policy_officer", "council_staff"):
        client.force_login(users[role])
        html = client.get(f"/performance/?as_of={AS_OF}").content.decode()
        assert "/performance/report.pdf" in html and 'name="form_token"' in html
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = client.post("/performance/report.pdf", {"as_of": AS_OF, "language": "en"})
        build = PacketBuild.objects.get(requested_by=users[role])
        assert response.status_code == 302 and response["Location"] == f"/packets/{build.pk}/"
        assert build.state == "queued" and len(queued) == 1
    client.force_login(users["wego_secretariat"])
    assert "/performance/report.pdf" not in client.get("/performance/").content.decode()
    assert client.post("/performance/report.pdf", {"as_of": AS_OF}).status_code == 403
    client.force_login(users["digital_policy_officer"])
    assert client.post("/performance/report.pdf", {"as_of": "nope"}).status_code == 400
