"""The legal date engine: pure, table-driven, no database."""

import datetime
import re

import pytest

from compliance.rules import deadlines
from compliance.rules.calendar import HolidayCalendar, Step, calendar_from_overrides

D = datetime.date
CAL = HolidayCalendar()
LABEL = Step("접수일", "Received")


# --- 17③ plan: five months before the fiscal year, counted back, never moved -------
@pytest.mark.parametrize(
    ("fiscal_year", "months", "due", "submit_by"),
    [
        (2023, 5, D(2022, 7, 31), D(2022, 7, 29)),  # DOMAIN example: a Sunday, stays put
        (2024, 5, D(2023, 7, 31), None),  # Monday
        (2025, 5, D(2024, 7, 31), None),
        (2026, 5, D(2025, 7, 31), None),
        (2027, 5, D(2026, 7, 31), None),  # Friday
        (2028, 5, D(2027, 7, 31), D(2027, 7, 30)),  # Saturday
        (2021, 5, D(2020, 7, 31), None),  # leap year makes no difference to a July deadline
        (2024, 6, D(2023, 6, 30), None),
        (2024, 3, D(2023, 9, 30), D(2023, 9, 27)),  # Saturday in Chuseok: advisory skips 9/28-29 too
        (2024, 11, D(2023, 1, 31), None),
        (2024, 12, D(2022, 12, 31), D(2022, 12, 30)),
        (2025, 10, D(2024, 2, 29), None),  # 1 March 2024 minus a day: leap day
        (2026, 10, D(2025, 2, 28), None),
    ],
)
def test_plan_due_five_months_before_fiscal_year_and_does_not_roll(fiscal_year, months, due, submit_by):
    deadline = deadlines.months_before_fiscal_year(fiscal_year, months, CAL)
    assert deadline.due == due
    assert deadline.submit_by == submit_by


def test_backward_deadline_on_an_override_holiday_keeps_its_date_with_advisory():
    cal = calendar_from_overrides([(D(2023, 7, 31), "add", "임시공휴일", "Temporary holiday")])
    deadline = deadlines.months_before_fiscal_year(2024, 5, cal)
    assert deadline.due == D(2023, 7, 31)
    assert deadline.submit_by == D(2023, 7, 28)
    assert "임시공휴일" in " ".join(deadline.derivation("ko"))


def test_plan_derivation_explains_that_a_sunday_does_not_move_the_deadline():
    text_ko = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("ko"))
    text_en = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("en"))
    assert "2023. 1. 1." in text_ko and "2022. 8. 1." in text_ko and "2022. 7. 31.(일)" in text_ko
    assert "일요일" in text_ko and "옮겨지지 않습니다" in text_ko
    assert "Sunday" in text_en and "does not move" in text_en and "Fri 29 Jul 2022" in text_en


# --- 17③ results and settlement: end of February of Y+1, rolled forward ----------
@pytest.mark.parametrize(
    ("fiscal_year", "due"),
    [
        (2021, D(2022, 2, 28)),  # Monday
        (2022, D(2023, 2, 28)),  # Tuesday
        (2023, D(2024, 2, 29)),  # DOMAIN example: leap year, Thursday
        (2024, D(2025, 2, 28)),  # Friday
        (2025, D(2026, 3, 3)),  # Sat 2/28 -> Sun 3/1 삼일절 -> Mon 3/2 substitute -> Tue
        (2019, D(2020, 3, 2)),  # Sat 2/29 (leap) -> Sun 3/1 삼일절 (no substitute before 2021)
        (2020, D(2021, 3, 2)),  # Sun 2/28 -> Mon 3/1 삼일절
        (2026, D(2027, 3, 2)),  # Sun 2/28 -> Mon 3/1
        (2030, D(2031, 2, 28)),  # Friday
        (2031, D(2032, 3, 2)),  # Sun 2/29 (leap) -> Mon 3/1
    ],
)
def test_results_due_end_of_february_next_year_rolls_forward(fiscal_year, due):
    assert deadlines.end_of_month_after_fiscal_year(fiscal_year, 2, 1, CAL).due == due


def test_fixed_deadline_rolls_over_chuseok_a_temporary_holiday_and_a_national_day():
    # 2023-09-30 Sat (추석 다음날) -> 10/1 Sun -> 10/2 임시공휴일 -> 10/3 개천절 -> Wed 10/4
    deadline = deadlines.end_of_month_after_fiscal_year(2022, 9, 1, CAL)
    assert deadline.due == D(2023, 10, 4)
    text = " ".join(deadline.derivation("ko"))
    assert "개천절" in text and "민법 제161조" in text


def test_fixed_deadline_derivation_names_the_substitute_holiday():
    deadline = deadlines.end_of_month_after_fiscal_year(2025, 2, 1, CAL)
    text_ko = " ".join(deadline.derivation("ko"))
    assert "토요일" in text_ko and "공휴일(3·1절)" in text_ko and "공휴일(3·1절 대체공휴일)" in text_ko
    assert "삼일절" not in text_ko and "대체 휴일" not in text_ko
    text_en = " ".join(deadline.derivation("en"))
    assert "a public holiday (substitute holiday for Independence Movement Day)" in text_en
    assert "2026. 3. 3.(화)" in text_ko
    assert "Saturday" in " ".join(deadline.derivation("en"))


def test_fixed_deadline_on_a_business_day_says_it_does_not_move():
    deadline = deadlines.end_of_month_after_fiscal_year(2023, 2, 1, CAL)
    assert deadline.due == D(2024, 2, 29)
    assert any("옮겨지지 않습니다" in line for line in deadline.derivation("ko"))


def test_override_adds_a_temporary_holiday_the_package_does_not_know():
    cal = calendar_from_overrides([(D(2025, 2, 28), "add", "임시공휴일", "Temporary holiday")])
    # Fri 2/28 added -> Sat 3/1 삼일절 -> Sun -> Mon 3/3 substitute -> Tue 3/4
    assert deadlines.end_of_month_after_fiscal_year(2024, 2, 1, cal).due == D(2025, 3, 4)


def test_override_removes_a_listed_holiday():
    cal = calendar_from_overrides([(D(2026, 3, 2), "remove", "", "")])
    assert deadlines.end_of_month_after_fiscal_year(2025, 2, 1, cal).due == D(2026, 3, 2)


# --- 17⑤ without delay: N business days, receipt day not counted ------------------
@pytest.mark.parametrize(
    ("received", "grace", "due"),
    [
        (D(2022, 8, 16), 10, D(2022, 8, 30)),
        (D(2022, 1, 19), 10, D(2022, 2, 7)),  # 설날 1/31-2/2
        (D(2023, 1, 16), 10, D(2023, 2, 1)),  # 설날 1/21-23 and substitute 1/24
        (D(2023, 7, 19), 10, D(2023, 8, 2)),
        (D(2023, 10, 23), 10, D(2023, 11, 6)),
        (D(2024, 1, 25), 10, D(2024, 2, 8)),
        (D(2024, 12, 20), 10, D(2025, 1, 7)),  # year end: 12/25 and 1/1 skipped
        (D(2024, 3, 2), 10, D(2024, 3, 15)),  # received on a Saturday
        (D(2025, 1, 24), 1, D(2025, 1, 31)),  # temporary holiday 1/27 then 설날 1/28-30
        (D(2024, 2, 28), 1, D(2024, 2, 29)),  # leap day is a business day
        (D(2024, 2, 29), 1, D(2024, 3, 4)),  # 3/1 삼일절, weekend
        (D(2024, 5, 3), 0, D(2024, 5, 3)),  # no grace: the trigger day itself
        (D(2024, 5, 3), 5, D(2024, 5, 13)),  # 5/6 substitute for 어린이날
    ],
)
def test_without_delay_grace_counts_business_days_after_receipt(received, grace, due):
    assert deadlines.without_delay(received, grace, CAL, LABEL).due == due


def test_without_delay_derivation_lists_skipped_holidays():
    lines = deadlines.without_delay(D(2023, 1, 16), 10, CAL, LABEL).derivation("ko")
    assert any("설날" in line for line in lines)
    assert lines[-1] == "유예 종료일(내부 기준): 2023. 2. 1.(수)"  # never called a due date


# --- amended 17⑤: report at the committee's next session --------------------------
SESSIONS = [
    (D(2023, 11, 1), D(2023, 12, 22), deadlines.session_label(321, "regular")),
    (D(2024, 2, 19), D(2024, 3, 8), deadlines.session_label(322, "extraordinary")),
]


def test_committee_report_due_at_end_of_next_session():
    deadline = deadlines.next_session_or_grace(D(2024, 2, 6), SESSIONS, 10, CAL, LABEL)
    assert deadline.due == D(2024, 3, 8)
    assert "제322회 임시회(2024. 2. 19.(월)~2024. 3. 8.(금))" in " ".join(deadline.derivation("ko"))
    english = " ".join(deadline.derivation("en"))
    assert "The next session is the 322nd extraordinary session (Mon 19 Feb 2024 to Fri 8 Mar 2024)" in english
    assert "임시회" not in english and "제322회" not in english


@pytest.mark.parametrize(
    ("number", "kind", "ko", "en"),
    [
        (322, "extraordinary", "제322회 임시회", "322nd extraordinary session"),
        (321, "regular", "제321회 정례회", "321st regular session"),
        (311, "regular", "제311회 정례회", "311th regular session"),
        (313, "extraordinary", "제313회 임시회", "313th extraordinary session"),
        (323, "extraordinary", "제323회 임시회", "323rd extraordinary session"),
    ],
)
def test_session_labels_are_built_in_each_language(number, kind, ko, en):
    label = deadlines.session_label(number, kind)
    assert (label.ko, label.en) == (ko, en)


def test_committee_report_skips_a_session_already_running_on_the_forwarding_day():
    deadline = deadlines.next_session_or_grace(D(2023, 11, 17), SESSIONS, 10, CAL, LABEL)
    assert deadline.due == D(2024, 3, 8)


def test_committee_report_falls_back_to_grace_without_a_later_session():
    deadline = deadlines.next_session_or_grace(D(2024, 6, 3), SESSIONS, 10, CAL, LABEL)
    assert deadline.due == D(2024, 6, 18)  # 6/6 현충일 skipped
    assert "다음 회기" in deadline.derivation("ko")[0]


# --- the calendar ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "business"),
    [
        (D(2024, 2, 12), False),  # 설날 대체공휴일
        (D(2024, 4, 10), False),  # 국회의원 선거일
        (D(2024, 10, 1), False),  # 국군의 날 임시공휴일
        (D(2025, 1, 27), False),  # 임시공휴일
        (D(2025, 6, 3), False),  # 대통령 선거일
        (D(2024, 2, 13), True),
        (D(2024, 12, 31), True),
        (D(2024, 3, 2), False),  # Saturday
    ],
)
def test_business_days_follow_korean_public_holidays(day, business):
    assert CAL.is_business_day(day) is business


def test_business_days_between_counts_after_start_up_to_end():
    assert CAL.business_days_between(D(2022, 8, 16), D(2022, 11, 7)) == 55
    assert CAL.business_days_between(D(2024, 1, 25), D(2024, 2, 6)) == 8
    assert CAL.business_days_between(D(2024, 2, 6), D(2024, 1, 25)) == -8
    assert CAL.business_days_between(D(2024, 1, 25), D(2024, 1, 25)) == 0


def test_previous_business_day_skips_holidays_backwards():
    assert CAL.previous_business_day(D(2024, 2, 13)) == D(2024, 2, 8)


# --- Derivations a council legal officer would sign ----------------------------------
def test_derivations_cite_the_ordinance_and_why_the_civil_act_applies():
    plan = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("ko"))
    results = " ".join(deadlines.end_of_month_after_fiscal_year(2025, 2, 1, CAL).derivation("ko"))
    grace = " ".join(deadlines.without_delay(D(2023, 1, 16), 10, CAL, LABEL).derivation("ko"))
    assert "조례 제17조③" in plan and "행정기본법 제6조①" in plan
    assert "조례 제17조③" in results and "행정기본법 제6조①" in results
    assert "조례 제17조⑤" in grace and "법정 기한이 아닙니다" in grace
    english = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("en"))
    assert "Framework Act on Public Administration, Article 6①" in english and "Civil Act" in english


def test_the_fiscal_year_is_stated_as_an_assumption():
    plan = deadlines.months_before_fiscal_year(2023, 5, CAL)
    assert "가정" in plan.derivation("ko")[0] and "지방회계법 제6조①" in plan.derivation("ko")[0]
    assert "assumed" in plan.derivation("en")[0] and "Local Accounting Act, Article 6①" in plan.derivation("en")[0]


def _every_derivation():
    sessions = [(D(2024, 2, 19), D(2024, 3, 8), deadlines.session_label(322, "extraordinary"))]
    return [
        deadlines.months_before_fiscal_year(2023, 5, CAL),  # 31 July 2022, a Sunday
        deadlines.months_before_fiscal_year(2025, 5, CAL),  # a business day
        deadlines.end_of_month_after_fiscal_year(2023, 2, 1, CAL),
        deadlines.end_of_month_after_fiscal_year(2025, 2, 1, CAL, deadlines.NO_ROLL),
        deadlines.without_delay(D(2023, 1, 16), 10, CAL, LABEL),
        deadlines.fixed_yearly_date(D(2024, 2, 6), 1, 31, CAL, LABEL),
        deadlines.next_session_or_grace(D(2024, 2, 6), sessions, 10, CAL, LABEL),
        deadlines.next_session_or_grace(D(2024, 2, 6), [], 10, CAL, LABEL),
    ]


def test_the_fiscal_year_is_cited_from_the_local_accounting_act_never_the_local_finance_act():
    texts = [" ".join(d.derivation(lang)) for d in _every_derivation() for lang in ("ko", "en")]
    assert all("지방재정법" not in t and "Local Finance Act" not in t for t in texts)
    plan = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("ko"))
    assert "지방회계법 제6조①" in plan


def test_the_civil_act_applies_mutatis_mutandis_never_simply_applies():
    for deadline in _every_derivation():
        for step in deadline.derivation("ko"):
            if "민법 제157조~제161조" in step:
                assert "준용" in step and "적용" not in step, step
        for step in deadline.derivation("en"):
            if "Articles 157 to 161" in step:
                assert "mutatis mutandis" in step, step
    plan = deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("ko")
    results = deadlines.end_of_month_after_fiscal_year(2023, 2, 1, CAL).derivation("ko")
    assert any("준용" in step for step in plan) and any("준용" in step for step in results)


def test_the_committee_report_at_the_next_session_is_shown_as_the_apps_reading():
    sessions = [(D(2024, 2, 19), D(2024, 3, 8), deadlines.session_label(322, "extraordinary"))]
    for deadline in (
        deadlines.next_session_or_grace(D(2024, 2, 6), sessions, 10, CAL, LABEL),
        deadlines.next_session_or_grace(D(2024, 2, 6), [], 10, CAL, LABEL),
    ):
        ko, en = " ".join(deadline.derivation("ko")), " ".join(deadline.derivation("en"))
        assert "이 앱의 해석" in ko and "법정 기한이 아닙니다" in ko
        assert "The app's reading" in en and "not a statutory due date" in en


def test_the_backward_step_is_an_interpretation_with_the_stricter_reading():
    text_ko = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("ko"))
    text_en = " ".join(deadlines.months_before_fiscal_year(2023, 5, CAL).derivation("en"))
    assert "해석" in text_ko and "더 엄격한 해석" in text_ko and "2022. 7. 29.(금)" in text_ko
    assert "앞으로만" not in text_ko
    assert "stricter reading" in text_en


def test_natural_phrasing_no_arithmetic_and_no_weekday_said_twice():
    deadline = deadlines.end_of_month_after_fiscal_year(2025, 2, 1, CAL)
    text_ko = " ".join(deadline.derivation("ko"))
    text_en = " ".join(deadline.derivation("en"))
    assert "다음 연도(2026년) 2월 말일" in text_ko and "+" not in text_en
    assert "Sat 28 Feb 2026 is a Saturday" not in text_en and "28 Feb 2026 is a Saturday" in text_en
    # English days are written as the UI writes them, never ISO.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text_en)
    assert "(토)은 토요일" not in text_ko


# --- The rule fields drive the engine ---------------------------------------------------
def test_a_fixed_date_that_does_not_move_stays_on_the_saturday_and_says_why():
    deadline = deadlines.end_of_month_after_fiscal_year(2025, 2, 1, CAL, holiday_rule="no_roll")
    assert deadline.due == D(2026, 2, 28) and deadline.submit_by == D(2026, 2, 27)
    text = " ".join(deadline.derivation("en"))
    assert "does not move" in text and "28 Feb 2026 is a Saturday" in text


@pytest.mark.parametrize(
    ("anchor", "direction", "offset", "holiday_rule", "problems"),
    [
        ("fiscal_year_start", "backward", -5, "no_roll", {}),
        ("month_end", "forward", 0, "roll_forward", {}),
        ("month_end", "forward", 0, "no_roll", {}),
        ("receipt", "forward", 0, "business_days", {}),
        ("fiscal_year_start", "backward", 5, "no_roll", {"offset_months": "offset_negative"}),
        ("fiscal_year_start", "forward", -5, "no_roll", {"direction": "direction"}),
        ("fiscal_year_start", "backward", -5, "roll_forward", {"holiday_rule": "holiday_rule"}),
        ("month_end", "backward", 0, "roll_forward", {"direction": "direction"}),
        ("month_end", "forward", 2, "roll_forward", {"offset_months": "offset_zero"}),
        ("receipt", "forward", 0, "no_roll", {"holiday_rule": "holiday_rule"}),
    ],
)
def test_combinations_that_make_no_sense_are_named(anchor, direction, offset, holiday_rule, problems):
    assert deadlines.rule_problems(anchor, direction, offset, holiday_rule) == problems


def test_a_report_date_without_a_later_session_on_record_is_provisional_and_says_so():
    deadline = deadlines.next_session_or_grace(D(2024, 2, 6), [], 10, CAL, LABEL)
    assert deadline.provisional
    assert "잠정" in deadline.derivation("ko")[0] and "Provisional" in deadline.derivation("en")[0]
    sessions = [(D(2024, 2, 20), D(2024, 3, 8), deadlines.session_label(322, "extraordinary"))]
    assert not deadlines.next_session_or_grace(D(2024, 2, 6), sessions, 10, CAL, LABEL).provisional


def test_a_yearly_report_date_is_the_first_after_the_forwarding_moved_over_holidays():
    # "연초로 일원화": reports by 31 January; forwarded 2024-02-06 -> 2025-01-31 (Friday).
    assert deadlines.fixed_yearly_date(D(2024, 2, 6), 1, 31, CAL, LABEL).due == D(2025, 1, 31)
    # 2026-01-31 is a Saturday -> Monday 2 February.
    assert deadlines.fixed_yearly_date(D(2025, 3, 1), 1, 31, CAL, LABEL).due == D(2026, 2, 2)
