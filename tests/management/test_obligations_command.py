"""`manage.py obligations`: the command-line contract of DOMAIN.md."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"duty", "fiscal_year", "due_date", "status", "fulfilled_on", "days_late", "trigger_date", "document"}


def run(*args):
    out = StringIO()
    call_command("obligations", *args, stdout=out)
    return out.getvalue()


def test_json_follows_the_contract(seed):
    rows = json.loads(run("--as-of", "2024-06-30", "--json"))
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
    }
    forward = next(r for r in rows if r["duty"] == "forward_plan_to_council" and r["trigger_date"] == "2023-10-23")
    assert forward["document"] == "plan_revision"
    assert forward["due_date"] == "2023-11-06"
    assert forward["fulfilled_on"] == "2023-11-17"
    upcoming = next(r for r in rows if r["duty"] == "results_to_mayor" and r["fiscal_year"] == 2024)
    assert (upcoming["status"], upcoming["days_late"], upcoming["document"]) == ("upcoming", None, "results")


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
