"""The committee report's timing (next session / fixed yearly date / N business days, with
their parameters) goes out and comes back through the duty-rule import, and a timing that
makes no sense is refused in the reader's language."""

import csv
import io

import pytest
from django.utils import translation

from compliance import models
from compliance.dataio.exports import export_records
from compliance.dataio.tables import write_table
from compliance.services.imports import do_import_records

REPORT = "report_plan_to_committee"


def _rows(korean=False):
    text = export_records("duty_rules", "csv", korean_headers=korean)[0].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def _import(header, rows):
    return do_import_records("duty_rules", write_table(header, rows, "csv"), "rules.csv", dry_run=False)


@pytest.mark.parametrize(
    ("timing", "month", "day", "grace"),
    [("fixed_date", 1, 31, 10), ("business_days", None, None, 7), ("next_session", None, None, 10)],
)
def test_each_report_timing_round_trips_through_export_and_import(seed, timing, month, day, grace):
    with translation.override("en"):
        models.DutyRule.objects.filter(code=REPORT).update(
            report_timing=timing, report_month=month, report_day=day, grace_business_days=grace
        )
        header, rows = _rows()
        assert {"report_timing", "report_month", "report_day"} <= set(header)
        exported = next(r for r in rows if r[0] == REPORT)
        assert exported[header.index("report_timing")] == timing
        # Reset the rule, then import the exported file: the timing comes back.
        models.DutyRule.objects.filter(code=REPORT).update(
            report_timing="next_session", report_month=None, report_day=None, grace_business_days=10
        )
        report = _import(header, rows)
        assert report.ok, report.as_text()
    rule = models.DutyRule.objects.get(code=REPORT)
    assert (rule.report_timing, rule.report_month, rule.report_day, rule.grace_business_days) == (
        timing,
        month,
        day,
        grace,
    )


def test_an_import_can_set_a_fixed_yearly_date_and_the_engine_follows_it(seed):
    from compliance import register

    with translation.override("en"):
        header, rows = _rows()
        row = next(r for r in rows if r[0] == REPORT)
        row[header.index("report_timing")] = "fixed_date"
        row[header.index("report_month")] = "1"
        row[header.index("report_day")] = "31"
        report = _import(header, rows)
        assert report.ok and report.updated == 1, report.as_text()
    import datetime

    obligations = register.load().obligations(
        datetime.date(2024, 3, 1), what_if=True, what_if_from=datetime.date(2022, 1, 1)
    )
    reports = [o for o in obligations if o.spec.code == REPORT]
    assert reports and all(o.due_date.month in (1, 2) for o in reports)  # 31 January, or the next business day


@pytest.mark.parametrize(
    ("changes", "column", "english", "korean"),
    [
        (
            {"report_timing": "fixed_date", "report_month": "2", "report_day": "30"},
            "report_day",
            "A yearly report date needs a real month and day.",
            "연간 보고일에는 실제 있는 월과 일이 필요합니다.",
        ),
        (
            {"report_timing": "next_session", "report_month": "1", "report_day": "31"},
            "report_day",
            "Leave the yearly report date empty unless the report is due on a fixed date.",
            "보고 시기가 '매년 정한 날'이 아니면 연간 보고일을 비워 두십시오.",
        ),
        (
            {"report_timing": "someday"},
            "report_timing",
            "“someday” is not one of: next_session, fixed_date, business_days.",
            "“someday”은(는) 허용 값(next_session, fixed_date, business_days)이 아닙니다.",
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_timing_that_makes_no_sense_is_refused_in_the_readers_language(
    seed, changes, column, english, korean, language
):
    before = list(models.DutyRule.objects.order_by("code").values_list("report_timing", "report_month", "report_day"))
    with translation.override(language):
        header, rows = _rows()
        row = next(r for r in rows if r[0] == REPORT)
        for name, value in changes.items():
            row[header.index(name)] = value
        report = _import(header, rows)
    refused = [r for r in report.rows if r.refused]
    assert len(refused) == 1 and refused[0].key == REPORT
    texts = [text for _col, text in refused[0].messages]
    assert any((english if language == "en" else korean) in text for text in texts), texts
    assert (
        list(models.DutyRule.objects.order_by("code").values_list("report_timing", "report_month", "report_day"))
        == before
    )


def test_a_report_timing_on_a_calendar_duty_is_refused(seed):
    with translation.override("ko"):
        header, rows = _rows()
        row = next(r for r in rows if r[0] == "plan_to_mayor")
        row[header.index("report_timing")] = "business_days"
        report = _import(header, rows)
    refused = [r for r in report.rows if r.refused]
    assert [r.key for r in refused] == ["plan_to_mayor"]
    assert any("보고 시기는 시의회 제출일부터 계산하는 의무에만 적용됩니다." in t for _c, t in refused[0].messages)


def test_korean_headers_name_the_timing_columns(seed):
    with translation.override("ko"):
        header, _rows_ = _rows(korean=True)
    assert {"보고 시기", "연간 보고일(월)", "연간 보고일(일)"} <= set(header)
