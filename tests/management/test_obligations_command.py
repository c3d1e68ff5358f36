"""`manage.py obligations`: the command-line contract of DOMAIN.md."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "duty",
    "fiscal_year",
    "due_date",
    "status",
    "fulfilled_on",
    "days_late",
    "trigger_date",
    "document",
    "days_overdue",
    "what_if",
    "records_end",
    "days_overdue_at_records_end",
    "extended_due_date",
    "extension_basis",
}


def run(*args):
    out = StringIO()
    call_command("obligations", *args, stdout=out)
    return out.getvalue()


def test_json_follows_the_contract(seed):
    rows = json.loads(run("--as-of", "2024-03-01", "--json"))
    assert rows and all(set(row) == CONTRACT_KEYS for row in rows)
    plan = next(r for r in rows if r["duty"] == "plan_to_mayor" and r["fiscal_year"] == 2023)
    assert plan == {
        "duty": "plan_to_mayor",
        "fiscal_year": 2023,
        "due_date": "2022-07-31",
        "status": "late",
        "fulfilled_on": "2022-08-16",
        "days_late": 16,
        "trigger_date": None,
        "document": "plan_draft",
        "days_overdue": None,
        "what_if": False,
        "records_end": None,
        "days_overdue_at_records_end": None,
        "extended_due_date": None,
        "extension_basis": None,
    }
    forward = next(r for r in rows if r["duty"] == "forward_plan_to_council" and r["trigger_date"] == "2023-10-23")
    assert forward["document"] == "plan_revision"
    assert forward["due_date"] == "2023-11-06"
    assert forward["fulfilled_on"] == "2023-11-17"
    upcoming = next(r for r in rows if r["duty"] == "results_to_mayor" and r["fiscal_year"] == 2024)
    assert (upcoming["status"], upcoming["days_late"], upcoming["document"]) == ("upcoming", None, "results")


def test_days_late_only_for_late_and_days_overdue_only_for_overdue(seed):
    rows = json.loads(run("--as-of", "2024-03-01", "--json"))
    for row in rows:
        assert (row["days_late"] is not None) == (row["status"] == "late"), row
        assert (row["days_overdue"] is not None) == (row["status"] == "overdue"), row
    unforwarded = next(r for r in rows if r["duty"] == "forward_plan_to_council" and r["trigger_date"] == "2022-01-19")
    assert (unforwarded["status"], unforwarded["days_overdue"]) == ("overdue", 753)


def test_as_of_2024_03_01_the_real_story_is_unchanged(seed):
    """The seed's coverage reaches past 1 March 2024: every status is what the records show."""
    rows = json.loads(run("--as-of", "2024-03-01", "--json"))
    story = sorted((r["duty"], r["fiscal_year"], r["trigger_date"] or "", r["status"]) for r in rows)
    assert story == sorted(
        [
            ("forward_plan_to_council", 2022, "2022-01-19", "overdue"),
            ("forward_settlement_to_council", 2021, "2022-01-21", "overdue"),
            ("results_to_mayor", 2021, "", "on_time"),
            ("settlement_to_mayor", 2021, "", "on_time"),
            ("plan_to_mayor", 2023, "", "late"),
            ("forward_plan_to_council", 2023, "2022-08-16", "late"),
            ("forward_plan_to_council", 2023, "2023-01-16", "late"),
            ("forward_settlement_to_council", 2022, "2023-01-16", "late"),
            ("results_to_mayor", 2022, "", "on_time"),
            ("settlement_to_mayor", 2022, "", "on_time"),
            ("plan_to_mayor", 2024, "", "on_time"),
            ("forward_plan_to_council", 2024, "2023-07-19", "late"),
            ("forward_plan_to_council", 2024, "2023-10-23", "late"),
            ("forward_settlement_to_council", 2023, "2024-01-25", "on_time"),
            ("results_to_mayor", 2023, "", "on_time"),
            ("settlement_to_mayor", 2023, "", "on_time"),
            ("plan_to_mayor", 2025, "", "upcoming"),
            ("results_to_mayor", 2024, "", "upcoming"),
            ("settlement_to_mayor", 2024, "", "upcoming"),
        ]
    )


def test_as_of_2026_11_27_the_records_claim_what_they_prove_and_no_more(seed):
    rows = json.loads(run("--as-of", "2026-11-27", "--json"))
    by = {(r["duty"], r["fiscal_year"], r["trigger_date"]): r for r in rows}
    # The seed's records run from 2022-01-01 through 2024-04-03 (every stream).
    # Past due after the records end: we do not know, so no claim.
    for duty, fy in (
        ("plan_to_mayor", 2025),  # due 2024-07-31
        ("results_to_mayor", 2024),  # due 2025-02-28
        ("settlement_to_mayor", 2024),
        ("plan_to_mayor", 2026),  # due 2025-07-31
        ("results_to_mayor", 2025),  # due 2026-03-03 (2 March is the 삼일절 substitute holiday)
        ("settlement_to_mayor", 2025),
        ("plan_to_mayor", 2027),  # due 2026-07-31
    ):
        row = by[duty, fy, None]
        assert (row["status"], row["days_overdue"], row["records_end"]) == ("no_record", None, "2024-04-03"), duty
    # Not due yet: upcoming whatever the coverage, with the records' end as a note.
    for duty, fy in (("results_to_mayor", 2026), ("settlement_to_mayor", 2026), ("plan_to_mayor", 2028)):
        assert (by[duty, fy, None]["status"], by[duty, fy, None]["records_end"]) == ("upcoming", "2024-04-03")
    # Never forwarded while the records last, long after the grace: the records prove that
    # much. Received Wed 2022-01-19, the grace of ten business days (설날 31 Jan - 2 Feb
    # skipped) ended Mon 2022-02-07: 786 days before 2024-04-03. Received Fri 2022-01-21:
    # grace end Wed 2022-02-09, 784 days.
    plan = by["forward_plan_to_council", 2022, "2022-01-19"]
    assert (plan["status"], plan["records_end"], plan["days_overdue_at_records_end"]) == ("overdue", "2024-04-03", 786)
    settlement = by["forward_settlement_to_council", 2021, "2022-01-21"]
    assert (settlement["status"], settlement["days_overdue_at_records_end"]) == ("overdue", 784)
    # Nothing else is overdue, and no overdue claim runs past the records.
    assert [r for r in rows if r["status"] == "overdue"] == [plan, settlement]
    assert all(r["days_overdue"] is None and r["days_late"] is None for r in rows if r["status"] == "no_record")
    # What the records do show is still shown.
    late = by["plan_to_mayor", 2023, None]
    assert (late["status"], late["days_late"], late["records_end"]) == ("late", 16, None)


def test_status_filter_knows_no_record(seed):
    rows = json.loads(run("--as-of", "2026-11-27", "--json", "--status", "no_record"))
    assert rows and all(r["status"] == "no_record" for r in rows)


def test_what_if_is_on_every_object_and_defaults_to_today(seed, time_machine):
    time_machine.move_to("2024-06-30T03:00:00+00:00", tick=False)
    plain = json.loads(run("--as-of", "2024-06-30", "--json"))
    assert all(r["what_if"] is False for r in plain)
    # From today (the default), the bill changes nothing that arose before today.
    today = json.loads(run("--as-of", "2024-06-30", "--json", "--what-if"))
    assert today and all(r["what_if"] is True for r in today)
    assert {r["duty"] for r in today} == {r["duty"] for r in plain}
    # From an earlier day, results are forwarded and reports are owed.
    early = json.loads(run("--as-of", "2024-06-30", "--json", "--what-if", "--what-if-from", "2022-01-01"))
    duties = {r["duty"] for r in early}
    assert {"forward_results_to_council", "report_plan_to_committee"} <= duties
    assert all(r["what_if"] is True for r in early)


def test_what_if_table_says_so(seed):
    text = run("--as-of", "2024-06-30", "--what-if", "--what-if-from", "2023-01-01")
    assert text.startswith("WHAT-IF: the proposed amendment is assumed in force from 2023-01-01")


def test_what_if_from_needs_what_if_and_a_real_date(seed):
    for args in (["--what-if-from", "2023-01-01"], ["--what-if", "--what-if-from", "2023-02-30"]):
        with pytest.raises(CommandError) as excinfo:
            run("--as-of", "2024-06-30", *args)
        assert excinfo.value.returncode == 2


def test_default_as_of_is_today_in_seoul(seed, time_machine):
    # 2024-02-29 16:00 UTC is already 1 March in Seoul: the FY2023 results were due 29 Feb.
    time_machine.move_to("2024-02-29T16:00:00+00:00", tick=False)
    rows = json.loads(run("--json", "--duty", "plan_to_mayor"))
    fy2025 = next(r for r in rows if r["fiscal_year"] == 2025)
    assert fy2025["status"] == "upcoming"
    rows = json.loads(run("--json", "--status", "overdue"))
    assert all(r["status"] == "overdue" for r in rows)


def test_readable_table_without_json(seed):
    text = run("--as-of", "2024-06-30")
    assert "plan_to_mayor" in text and "2022-07-31" in text and "late" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2024-13-45"],
        ["--as-of", "yesterday"],
        ["--as-of", "2024-06-30", "--fiscal-year", "1990"],
        ["--as-of", "2024-06-30", "--fiscal-year", "abc"],
        ["--as-of", "2024-06-30", "--duty", "no_such_duty"],
        ["--as-of", "2024-06-30", "--status", "violated"],
    ],
)
def test_bad_arguments_are_clear_errors_with_exit_code_2(seed, args):
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    assert excinfo.value.returncode == 2


def test_bad_date_exits_2_without_traceback_from_the_shell(seed, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "obligations", "--as-of", "31/12/2024"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "YYYY-MM-DD" in result.stderr
