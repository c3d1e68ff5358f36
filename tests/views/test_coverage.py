"""What the records cover: shown to every reader, kept by the city, audited, exported."""

import datetime
import json

import pytest
from django.urls import reverse

from compliance import register
from compliance.models import AuditEntry, RecordCoverage
from compliance.rules.obligations import Status

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_seed_records_what_the_review_report_supports(seed):
    rows = {r.stream: r for r in RecordCoverage.objects.all()}
    assert set(rows) == {"receipts", "forwardings"}  # the seed says nothing of committee reports
    for row in rows.values():
        assert (row.starts_on, row.ends_on) == (D(2022, 1, 1), D(2024, 4, 3))
        assert "최근 3년간" in row.source and "2024. 4. 3." in row.source


def test_every_reader_sees_the_coverage_and_only_the_city_may_edit(client, seed, users):
    client.force_login(users["council_staff"])
    html = client.get(reverse("coverage_list"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "최근 3년간" in html and "2024. 4. 3.(수)" in html
    assert reverse("coverage_new") not in html
    client.force_login(users["digital_policy_officer"])
    assert reverse("coverage_new") in client.get(reverse("coverage_list")).content.decode()


def test_the_officer_declares_the_records_live_and_the_change_is_audited(client, seed, dpo_user):
    client.force_login(dpo_user)
    assert register.load().get("plan_to_mayor-2027", D(2026, 11, 27)).status == Status.NO_RECORD
    response = client.post(
        reverse("coverage_new"),
        {"stream": "receipts", "starts_on": "2024-04-04", "ends_on": "", "source": "Receipts are recorded in the app"},
    )
    assert response.status_code == 302
    row = RecordCoverage.objects.get(stream="receipts", starts_on=D(2024, 4, 4))
    assert row.is_live
    entry = AuditEntry.objects.get(model="compliance.recordcoverage", object_pk=str(row.pk))
    assert (entry.action, entry.actor_name) == ("create", dpo_user.username)
    # The records now cover every day: a plan that never came is overdue after all.
    plan = register.load().get("plan_to_mayor-2027", D(2026, 11, 27))
    assert (plan.status, plan.days_overdue) == (Status.OVERDUE, 119)


def test_a_period_that_ends_before_it_starts_is_refused(client, seed, dpo_user):
    client.force_login(dpo_user)
    row = RecordCoverage.objects.get(stream="receipts")
    response = client.post(
        reverse("coverage_edit", args=[row.pk]),
        {"stream": "receipts", "starts_on": "2024-04-03", "ends_on": "2022-01-01", "source": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Coverage cannot end before it starts." in response.content.decode()
    row.refresh_from_db()
    assert row.ends_on == D(2024, 4, 3)


def test_coverage_exports_like_other_records(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("export_records", args=["records_coverage"]), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "receipts,2022-01-01,2024-04-03" in text and "forwardings,2022-01-01,2024-04-03" in text


def test_obligations_export_carries_no_record_days_overdue_and_what_if(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("export_records", args=["obligations"]), {"format": "csv", "as_of": "2026-11-27"})
    lines = response.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert {"days_overdue", "what_if", "status"} <= set(header)
    plan = next(line for line in lines if line.startswith("plan_to_mayor-2025,"))
    assert ",no_record," in plan and plan.endswith(",false")


def test_the_calendar_feed_says_no_record(client, seed, users, time_machine):
    from compliance.models import AlertPreference

    time_machine.move_to("2026-11-27T03:00:00+09:00", tick=False)
    pref, _ = AlertPreference.objects.get_or_create(user=users["wego_secretariat"], defaults={"language": "en"})
    pref.language, pref.ical_token = "en", "t" * 40
    pref.save()
    body = client.get(reverse("alerts_calendar_feed", args=["t" * 40])).content.decode()
    assert "No record — not entered yet" in body.replace("\r\n ", "")
    assert "Overdue" not in body.replace("\r\n ", "")


# What `obligations --as-of 2026-11-27` says of the seed, stated here rather than read back
# from the register the command itself uses: (duty, fiscal year, trigger, due, fulfilled,
# status, days late). The records of receipts and forwardings end on 2024-04-03
# (fixtures/06_coverage.json). A duty past due on that day with nothing recorded is
# "overdue" as the records prove it, up to that day only (the two forwardings of January
# 2022); one whose due date came after it is "no record"; one not due yet is "upcoming"
# whatever the coverage (DOMAIN.md "Status").
OBLIGATIONS_2026_11_27 = [
    ("forward_plan_to_council", 2022, "2022-01-19", "2022-02-07", None, "overdue", None),
    ("forward_settlement_to_council", 2021, "2022-01-21", "2022-02-09", None, "overdue", None),
    ("results_to_mayor", 2021, None, "2022-02-28", "2022-01-21", "on_time", None),
    ("settlement_to_mayor", 2021, None, "2022-02-28", "2022-01-21", "on_time", None),
    ("plan_to_mayor", 2023, None, "2022-07-31", "2022-08-16", "late", 16),
    ("forward_plan_to_council", 2023, "2022-08-16", "2022-08-30", "2022-11-07", "late", 69),
    ("forward_plan_to_council", 2023, "2023-01-16", "2023-02-01", "2023-03-17", "late", 44),
    ("forward_settlement_to_council", 2022, "2023-01-16", "2023-02-01", "2023-03-17", "late", 44),
    ("results_to_mayor", 2022, None, "2023-02-28", "2023-01-16", "on_time", None),
    ("settlement_to_mayor", 2022, None, "2023-02-28", "2023-01-16", "on_time", None),
    ("plan_to_mayor", 2024, None, "2023-07-31", "2023-07-19", "on_time", None),
    ("forward_plan_to_council", 2024, "2023-07-19", "2023-08-02", "2023-11-17", "late", 107),
    ("forward_plan_to_council", 2024, "2023-10-23", "2023-11-06", "2023-11-17", "late", 11),
    ("forward_settlement_to_council", 2023, "2024-01-25", "2024-02-08", "2024-02-06", "on_time", None),
    ("results_to_mayor", 2023, None, "2024-02-29", "2024-01-25", "on_time", None),
    ("settlement_to_mayor", 2023, None, "2024-02-29", "2024-01-25", "on_time", None),
    ("plan_to_mayor", 2025, None, "2024-07-31", None, "no_record", None),
    ("results_to_mayor", 2024, None, "2025-02-28", None, "no_record", None),
    ("settlement_to_mayor", 2024, None, "2025-02-28", None, "no_record", None),
    ("plan_to_mayor", 2026, None, "2025-07-31", None, "no_record", None),
    ("results_to_mayor", 2025, None, "2026-03-03", None, "no_record", None),
    ("settlement_to_mayor", 2025, None, "2026-03-03", None, "no_record", None),
    ("plan_to_mayor", 2027, None, "2026-07-31", None, "no_record", None),
    ("results_to_mayor", 2026, None, "2027-03-02", None, "upcoming", None),
    ("settlement_to_mayor", 2026, None, "2027-03-02", None, "upcoming", None),
    ("plan_to_mayor", 2028, None, "2027-07-31", None, "upcoming", None),
]


def test_the_command_json_states_each_obligation_and_its_status(seed):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("obligations", "--as-of", "2026-11-27", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    got = [
        (r["duty"], r["fiscal_year"], r["trigger_date"], r["due_date"], r["fulfilled_on"], r["status"], r["days_late"])
        for r in rows
    ]
    assert got == OBLIGATIONS_2026_11_27
    # Overdue only up to the records' end: 786 and 784 days on 2024-04-03 (grace ends
    # Mon 2022-02-07 and Wed 2022-02-09, after 설날), and nothing claimed since.
    overdue = [(r["records_end"], r["days_overdue_at_records_end"]) for r in rows if r["status"] == "overdue"]
    assert overdue == [("2024-04-03", 786), ("2024-04-03", 784)]
    assert {r["what_if"] for r in rows} == {False}
