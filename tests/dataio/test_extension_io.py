"""Agreed extensions go out and come back through export and import (CSV and XLSX, English
and Korean headers); a row the form would refuse is refused naming the file's column, and
nothing is saved."""

import datetime

import pytest
import time_machine
from django.utils import translation

from compliance import register, services
from compliance.dataio.exports import export_records
from compliance.dataio.tables import read_table, write_table
from compliance.models import Document, Extension
from compliance.services.imports import do_import_records

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)
FIELDS = ("obligation_key", "granted_on", "extended_to", "basis", "granted_by", "document_id", "withdrawn_on")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        with translation.override("en"):
            yield


def _open(duty):
    found = [o for o in register.load().obligations(TODAY) if o.duty == duty and o.fulfilled_on is None]
    return max(found, key=lambda o: o.fiscal_year)


@pytest.fixture
def recorded(seed, dpo_user):
    """Two synthetic extensions: one with a received document, one withdrawn."""
    plan, forwarding = _open("plan_to_mayor"), _open("forward_plan_to_council")
    services.do_record_extension(
        by=dpo_user,
        obligation_key=plan.key,
        extended_to=plan.due_date + datetime.timedelta(days=45),
        basis="Synthetic test data: 지원 협약 제7조②, =not a formula",
        granted_by="Synthetic test data: 서울특별시장",
        granted_on=datetime.date(2026, 12, 1),
        document=Document.objects.get(pk=forwarding.document.id),
    )
    second = services.do_record_extension(
        by=dpo_user,
        obligation_key=forwarding.key,
        extended_to=TODAY + datetime.timedelta(days=10),
        basis="Synthetic test data: 시의회 의결",
        granted_by="Synthetic test data: 시의회",
        granted_on=datetime.date(2026, 12, 2),
    ).obj
    services.do_withdraw_extension(by=dpo_user, extension=second, reason="Synthetic test data: 철회")
    return plan, forwarding


def _snapshot():
    return sorted(tuple(getattr(e, f) for f in FIELDS) for e in Extension.objects.all())


@pytest.mark.parametrize(("fmt", "korean"), [("csv", False), ("csv", True), ("xlsx", False)])
def test_extensions_round_trip_through_export_and_import(recorded, fmt, korean):
    before = _snapshot()
    assert len(before) == 2 and any(row[5] for row in before) and any(row[6] for row in before)
    data, headers, count = export_records("extensions", fmt, korean_headers=korean)
    assert count == 2
    if korean:
        assert {"의무 키", "합의일", "합의 연장 기한", "근거", "합의한 자"} <= set(headers)
    Extension.objects.all().delete()
    # An extension is checked against its duty when it is new: the withdrawn one (of a
    # duty still open) and the other come back as they were.
    report = do_import_records("extensions", data, f"extensions.{fmt}", dry_run=False)
    assert report.ok, report.as_text()
    assert report.created == 2
    assert _snapshot() == before
    # Importing the same file again changes nothing.
    again = do_import_records("extensions", data, f"extensions.{fmt}", dry_run=False)
    assert again.ok and again.unchanged == 2 and _snapshot() == before


def _file(rows):
    header = ["obligation", "granted_on", "extended_to", "basis", "granted_by"]
    return write_table(header, rows, "csv")


def test_rows_the_form_would_refuse_are_refused_naming_their_column_and_nothing_is_saved(seed):
    plan = _open("plan_to_mayor")
    done = next(o for o in register.load().obligations(TODAY) if o.duty == "plan_to_mayor" and o.fulfilled_on)
    forwarding = _open("forward_plan_to_council")
    due, basis, who = plan.due_date, "Synthetic test data", "Synthetic test data: 서울특별시장"
    rows = [
        [plan.key, "2026-12-01", (due + datetime.timedelta(days=30)).isoformat(), basis, who],  # fine
        [plan.key, "2026-12-02", due.isoformat(), basis, who],  # on the statutory date
        [forwarding.key, "2026-12-01", (forwarding.trigger_date - datetime.timedelta(1)).isoformat(), basis, who],
        [done.key, "2026-12-01", (done.due_date + datetime.timedelta(days=30)).isoformat(), basis, who],
        ["plan_to_mayor-1999", "2026-12-01", "2027-12-31", basis, who],  # no such obligation
        [plan.key, "2026-12-08", (due + datetime.timedelta(days=40)).isoformat(), basis, who],  # granted tomorrow
        [plan.key, "2026-13-01", (due + datetime.timedelta(days=50)).isoformat(), basis, who],  # not a date
        [plan.key, "2026-12-03", (due + datetime.timedelta(days=60)).isoformat(), "", who],  # no basis
    ]
    report = do_import_records("extensions", _file(rows), "extensions.csv", dry_run=False)
    assert not report.ok and not report.applied and not Extension.objects.exists()
    by_line = {r.line: r for r in report.rows}
    assert by_line[2].action == "new"

    def columns(line):
        return {column for column, _message in by_line[line].messages}

    assert columns(3) == {"extended_to"} and "after the statutory due date" in by_line[3].messages[0][1]
    assert "extended_to" in columns(4)
    assert any("cannot be before the event" in m for _c, m in by_line[4].messages)
    assert columns(5) == {"obligation"} and "already fulfilled" in by_line[5].messages[0][1]
    assert columns(6) == {"obligation"} and "plan_to_mayor-1999" in by_line[6].messages[0][1]
    assert columns(7) == {"granted_on"}
    assert columns(8) == {"granted_on"} and "not a real calendar date" in by_line[8].messages[0][1]
    assert columns(9) == {"basis"}


def test_refusals_are_worded_in_korean_for_a_korean_reader(seed):
    plan = _open("plan_to_mayor")
    rows = [[plan.key, "2026-12-02", plan.due_date.isoformat(), "Synthetic test data", "Synthetic test data"]]
    with translation.override("ko"):
        report = do_import_records("extensions", _file(rows), "extensions.csv", dry_run=False)
    assert [(c, "합의 연장 기한은 법정 기한" in m) for c, m in report.rows[0].messages] == [("extended_to", True)]
    assert not Extension.objects.exists()


def test_the_export_reads_back_as_a_table_with_the_files_columns(recorded):
    data, headers, _count = export_records("extensions", "csv")
    dataset, _info = read_table(data, "extensions.csv")
    assert list(dataset.headers) == headers
    assert headers[:5] == ["obligation", "granted_on", "extended_to", "basis", "granted_by"]
