"""The legal date engine for Article 17: pure functions, no ORM, no clock.

Legal readings (DOMAIN.md "Computing due dates"):

* Periods are computed under the Civil Act (민법 제157조-제161조), which 행정기본법
  제6조① makes apply mutatis mutandis ("준용", not "적용") to administrative periods.
* The fiscal year is the calendar year (지방회계법 제6조①, since 2016; before it,
  지방재정법 제6조).
* The committee report of the amended 17⑤ has no time in the bill: "at the committee's
  next session" is this app's reading, shown as one (like the grace of "지체 없이").
* "사업 연도 개시 5개월 전까지" (17③) counts **back** from 1 January: the five-month
  period 1 Aug - 31 Dec must remain whole, so the plan is due by 31 July of the previous
  year. Civil Act 161 only extends periods that end *forward* on a holiday, so a
  backward deadline never moves; the previous business day is shown as an advisory
  "submit by" date.
* "다음 연도 2월말까지" (17③) is a fixed date, 28/29 February; if it is a Saturday,
  Sunday or public holiday the period ends on the next business day (민법 제161조),
  repeated over consecutive holidays.
* "지체 없이" (17⑤) has no statutory number of days; we apply a configurable grace of N
  business days after the trigger (the trigger day itself not counted, 민법 제157조
  초일 불산입). Past it the duty is "delayed - reason required", never a "violation".
* Business days exclude Saturdays, Sundays and public holidays under 관공서의 공휴일에
  관한 규정, including substitute and temporary holidays: the pinned `holidays`
  package's KR calendar plus manual overrides.

Every function returns a `Deadline` that carries its derivation in Korean and English.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from .act_titles import english
from .calendar import ONE_DAY, HolidayCalendar, Step, day_en, fmt

# English act names come from the one checked table (act_titles).
CIVIL_ACT = english("civil_act")
FRAMEWORK_ACT = english("framework_act_public_administration")
LOCAL_ACCOUNTING_ACT = english("local_accounting_act")


@dataclass(frozen=True)
class Deadline:
    due: datetime.date
    steps: tuple[Step, ...] = ()
    # For backward deadlines that fall on a non-business day: the last business day
    # before `due`. Advisory only, it is never the legal due date.
    submit_by: datetime.date | None = None
    # The date depends on data not entered yet (e.g. the next council session): it will
    # move once it is, and says so.
    provisional: bool = False

    def derivation(self, language: str = "ko") -> list[str]:
        return [step.text(language) for step in self.steps]


def _day(day: datetime.date, language: str = "ko") -> str:
    """A date without its weekday, for sentences that go on to say what the day is."""
    if language.startswith("en"):
        return day_en(day)
    return f"{day.year}. {day.month}. {day.day}."


def _roll_forward(day: datetime.date, calendar: HolidayCalendar, steps: list[Step]) -> datetime.date:
    """Move to the next business day over weekends and consecutive holidays (민법 제161조)."""
    if calendar.is_business_day(day):
        steps.append(
            Step(
                f"{fmt(day)}은 업무일이므로 기한이 옮겨지지 않습니다.",
                f"{fmt(day, 'en')} is a business day, so the deadline does not move.",
            )
        )
        return day
    while not calendar.is_business_day(day):
        why = calendar.why_not_business_day(day)
        steps.append(
            Step(
                f"{_day(day)}은 {why.ko}이므로 기간은 그 다음 날로 만료됩니다(민법 제161조).",
                f"{_day(day, 'en')} is {why.en}, so the period ends on the next day ({CIVIL_ACT}, Article 161).",
            )
        )
        day += ONE_DAY
    steps.append(Step(f"기한: {fmt(day)}", f"Due: {fmt(day, 'en')}"))
    return day


def fiscal_year_start(fiscal_year: int) -> datetime.date:
    """The fiscal year is the calendar year (지방회계법 제6조①, since 2016)."""
    return datetime.date(fiscal_year, 1, 1)


def months_before_fiscal_year(fiscal_year: int, months: int, calendar: HolidayCalendar) -> Deadline:
    """Due "N months before the fiscal year starts" (17③: 사업 연도 개시 5개월 전까지).

    Counting back from 1 January, the N-month period must remain whole, so the deadline
    is the day before the period's first day. It does not move over weekends or holidays.
    """
    start = fiscal_year_start(fiscal_year)
    period_start = start - relativedelta(months=months)
    due = period_start - ONE_DAY
    steps = [
        Step(
            f"조례 제17조③ '사업 연도 개시 {months}개월 전까지'. WeGO의 사업 연도는 서울특별시의 회계연도"
            f"(1월 1일~12월 31일, 지방회계법 제6조①)와 같다고 가정합니다: {fiscal_year}년 사업 연도는 "
            f"{fmt(start)}에 시작합니다.",
            f"Ordinance Article 17③, 'no later than {months} months before the business year begins'. "
            f"WeGO's business year is assumed to be Seoul's fiscal year (1 January to 31 December, "
            f"{LOCAL_ACCOUNTING_ACT}, Article 6①): business year {fiscal_year} begins on {fmt(start, 'en')}.",
        ),
        Step(
            f"기간의 계산에는 민법 제157조~제161조가 준용됩니다(행정기본법 제6조①). 개시일 전 {months}개월의 "
            f"기간은 {fmt(period_start)}부터이므로, 그 전날인 {fmt(due)}까지 제출해야 {months}개월이 온전히 "
            f"남습니다.",
            f"Periods are computed under the {CIVIL_ACT}, Articles 157 to 161, which apply mutatis mutandis "
            f"({FRAMEWORK_ACT}, Article 6①). The {months} months before that day begin on "
            f"{fmt(period_start, 'en')}, so the plan is due by the day before, {fmt(due, 'en')}, for {months} "
            f"whole months to remain.",
        ),
    ]
    submit_by = None
    if calendar.is_business_day(due):
        steps.append(Step(f"{fmt(due)}은 업무일입니다.", f"{fmt(due, 'en')} is a business day."))
    # An interpretation, stated as one: 민법 제161조 moves the *end* of a period that falls
    # on a holiday to the next day; moving a deadline counted back would shorten the
    # period that must remain, so we read it as not moving, and show the stricter reading.
    else:
        why = calendar.why_not_business_day(due)
        submit_by = calendar.previous_business_day(due)
        steps.append(
            Step(
                f"{_day(due)}은 {why.ko}입니다. 이 앱의 해석: 민법 제161조는 기간의 말일이 공휴일이면 그 "
                f"다음 날 만료된다고 정하지만, 거꾸로 계산한 기한을 뒤로 미루면 남아야 할 기간이 줄어들므로 "
                f"기한은 옮겨지지 않습니다. 그 전 업무일까지로 보는 더 엄격한 해석에 대비하여 권고 제출일을 "
                f"{fmt(submit_by)}로 표시합니다.",
                f"{_day(due, 'en')} is {why.en}. The app's reading: {CIVIL_ACT}, Article 161 ends a period that "
                f"ends on a holiday on the next day, but moving a deadline counted back later would shorten the "
                f"period that must remain, so the deadline does not move. For the stricter reading (the last "
                f"business day before), the advisory submit-by date is {fmt(submit_by, 'en')}.",
            )
        )
    return Deadline(due=due, steps=tuple(steps), submit_by=submit_by)


# The values of `DutyRule.Anchor`, `.Direction` and `.HolidayRule`.
NO_ROLL, ROLL_FORWARD, BUSINESS_DAYS = "no_roll", "roll_forward", "business_days"
BACKWARD, FORWARD = "backward", "forward"
FISCAL_YEAR_START, MONTH_END, RECEIPT, FORWARDING = "fiscal_year_start", "month_end", "receipt", "forwarding"

# Combinations that make sense, by anchor: (directions, holiday rules, offset sign).
# A deadline counted back from the fiscal year needs a negative offset ("N months before")
# and does not move (moving it later would shorten the period that must remain); a fixed
# month-end date counts forward and either moves to the next business day (민법 제161조)
# or, if the rule says so, does not move; "without delay" duties count business days.
VALID = {
    FISCAL_YEAR_START: ({BACKWARD}, {NO_ROLL}, "negative"),
    MONTH_END: ({FORWARD}, {ROLL_FORWARD, NO_ROLL}, "zero"),
    RECEIPT: ({FORWARD}, {BUSINESS_DAYS}, "zero"),
    FORWARDING: ({FORWARD}, {BUSINESS_DAYS}, "zero"),
}


def rule_problems(anchor: str, direction: str, offset_months: int, holiday_rule: str) -> dict[str, str]:
    """field -> problem code, for a rule whose fields do not make sense together.

    Codes: ``direction``, ``holiday_rule``, ``offset_negative`` (counted back needs "N months
    before"), ``offset_zero`` (this anchor takes no month offset), ``anchor``.
    """
    if anchor not in VALID:
        return {"anchor": "anchor"}
    directions, holiday_rules, sign = VALID[anchor]
    problems = {}
    if direction not in directions:
        problems["direction"] = "direction"
    if holiday_rule not in holiday_rules:
        problems["holiday_rule"] = "holiday_rule"
    if sign == "negative" and offset_months >= 0:
        problems["offset_months"] = "offset_negative"
    if sign == "zero" and offset_months != 0:
        problems["offset_months"] = "offset_zero"
    return problems


def end_of_month_after_fiscal_year(
    fiscal_year: int, month: int, years_after: int, calendar: HolidayCalendar, holiday_rule: str = ROLL_FORWARD
) -> Deadline:
    """Due "by the end of <month> of the following year" (17③: 다음 연도 2월말까지).

    `holiday_rule` ROLL_FORWARD moves a weekend or holiday to the next business day
    (민법 제161조); NO_ROLL keeps the date and shows the previous business day as advice.
    """
    year = fiscal_year + years_after
    last = datetime.date(year, month, 1) + relativedelta(months=1) - ONE_DAY
    next_ko = "다음 연도" if years_after == 1 else f"{years_after}년 뒤"
    next_en = "the following year" if years_after == 1 else f"{years_after} years later"
    month_en = datetime.date(2000, month, 1).strftime("%B")
    steps = [
        Step(
            f"조례 제17조③ '다음 연도 {month}월말까지'. 기간의 계산에는 민법 제157조~제161조가 준용됩니다"
            f"(행정기본법 제6조①). {fiscal_year}년 사업 연도의 {next_ko}({year}년) {month}월 말일은 "
            f"{fmt(last)}입니다.",
            f"Ordinance Article 17③, 'by the end of {month_en} of the following year'; periods are computed "
            f"under the {CIVIL_ACT}, Articles 157 to 161, which apply mutatis mutandis ({FRAMEWORK_ACT}, Article 6①). "
            f"For business year {fiscal_year}, the last day of {month_en} of {next_en} ({year}) is "
            f"{fmt(last, 'en')}.",
        )
    ]
    if holiday_rule == NO_ROLL:
        if calendar.is_business_day(last):
            steps.append(Step(f"{fmt(last)}은 업무일입니다.", f"{fmt(last, 'en')} is a business day."))
            return Deadline(due=last, steps=tuple(steps))
        why = calendar.why_not_business_day(last)
        submit_by = calendar.previous_business_day(last)
        steps.append(
            Step(
                f"{_day(last)}은 {why.ko}이지만, 이 의무의 규칙은 '옮기지 않음'이므로 기한은 그대로 {fmt(last)}입니다. "
                f"권고 제출일: {fmt(submit_by)}",
                f"{_day(last, 'en')} is {why.en}, but this duty's rule says the date does not move, so it stays "
                f"{fmt(last, 'en')}. Advisory submit-by date: {fmt(submit_by, 'en')}",
            )
        )
        return Deadline(due=last, steps=tuple(steps), submit_by=submit_by)
    due = _roll_forward(last, calendar, steps)
    return Deadline(due=due, steps=tuple(steps))


def without_delay(
    trigger: datetime.date,
    grace_business_days: int,
    calendar: HolidayCalendar,
    trigger_label: Step,
    explain: bool = True,
) -> Deadline:
    """Due "without delay" (지체 없이) after `trigger`: a grace of N business days.

    `explain=False` skips the derivation (the stored register keeps dates only; the text
    is built for the obligations a page shows)."""
    due = calendar.add_business_days(trigger, grace_business_days)
    if not explain:
        return Deadline(due=due)
    steps = [
        Step(
            f"{trigger_label.ko}: {fmt(trigger)}",
            f"{trigger_label.en}: {fmt(trigger, 'en')}",
        ),
        Step(
            f"조례 제17조⑤ '지체 없이'에는 법정 일수가 없어, 내부 기준으로 업무일 {grace_business_days}일의 "
            f"유예를 둡니다(첫날 불산입, 민법 제157조; 주말·공휴일 제외). 유예 종료일은 법정 기한이 아닙니다.",
            f"Ordinance Article 17⑤, 'without delay', sets no number of days; as an internal target a grace of "
            f"{grace_business_days} business days applies (the first day not counted, {CIVIL_ACT}, Article 157; "
            f"weekends and public holidays excluded). The end of the grace is not a statutory due date.",
        ),
    ]
    skipped = [
        d
        for d in (trigger + ONE_DAY * i for i in range(1, (due - trigger).days))
        if not calendar.is_business_day(d) and calendar.is_holiday(d)
    ]
    if skipped:
        names_ko = ", ".join(f"{fmt(d)} {calendar.holiday_name(d)}" for d in skipped)
        names_en = ", ".join(f"{fmt(d, 'en')} ({calendar.holiday_name(d, 'en')})" for d in skipped)
        steps.append(Step(f"제외된 공휴일: {names_ko}", f"Public holidays skipped: {names_en}"))
    # The grace is an internal target, not a statutory period: never call its end a due date.
    steps.append(Step(f"유예 종료일(내부 기준): {fmt(due)}", f"End of grace (internal target): {fmt(due, 'en')}"))
    return Deadline(due=due, steps=tuple(steps))


def fixed_yearly_date(
    trigger: datetime.date, month: int, day: int, calendar: HolidayCalendar, trigger_label: Step
) -> Deadline:
    """Report by the first `month`/`day` after `trigger` (e.g. the review report's "연초로
    일원화": one report early in the year), moved to the next business day (민법 제161조)."""
    year = trigger.year
    while True:
        try:
            candidate = datetime.date(year, month, day)
        except ValueError:  # 29 February in a common year: the last day of February
            candidate = datetime.date(year, month, 28)
        if candidate > trigger:
            break
        year += 1
    steps = [
        Step(f"{trigger_label.ko}: {fmt(trigger)}", f"{trigger_label.en}: {fmt(trigger, 'en')}"),
        Step(
            f"보고 시기는 매년 {month}월 {day}일(규칙에 정한 날)이며, 그 뒤 처음 오는 날은 {fmt(candidate)}입니다.",
            f"Reports are due on {month}/{day} each year (the date set in the rule); the first one after that "
            f"is {fmt(candidate, 'en')}.",
        ),
    ]
    due = _roll_forward(candidate, calendar, steps)
    return Deadline(due=due, steps=tuple(steps))


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def session_label(number: int, kind: str) -> Step:
    """A council session's name built in each language: "제322회 임시회" / "322nd
    extraordinary session" (never one language's string reused in the other)."""
    regular = kind == "regular"
    return Step(
        f"제{number}회 {'정례회' if regular else '임시회'}",
        f"{_ordinal(number)} {'regular' if regular else 'extraordinary'} session",
    )


# The amended 17⑤ says only "소관 상임위원회에 보고하여야 한다": no time. "At the committee's
# next session" is our reading of the bill, shown as one wherever the date is shown.
NEXT_SESSION_READING = Step(
    "이 앱의 해석: 개정안 제17조⑤는 보고 시기를 정하지 않으므로, 시의회 제출 후 소관 상임위원회의 다음 회기 "
    "안에 보고하는 것으로 봅니다. 회기 마지막 날은 법정 기한이 아닙니다.",
    "The app's reading: the amended Article 17⑤ sets no time for the report, so it is read as due within the "
    "committee's next session after the forwarding. The session's last day is not a statutory due date.",
)


def next_session_or_grace(
    trigger: datetime.date,
    sessions: Iterable[tuple[datetime.date, datetime.date, Step]],
    grace_business_days: int,
    calendar: HolidayCalendar,
    trigger_label: Step,
    explain: bool = True,
) -> Deadline:
    """Report at the committee's next session after `trigger` (amended 17⑤).

    `sessions` are (starts_on, ends_on, label), the label a `session_label`. The report is due by the end of the
    first session that starts after the trigger day; with no such session on record,
    the "without delay" grace applies instead.
    """
    upcoming = sorted(s for s in sessions if s[0] > trigger)
    if not upcoming:
        fallback = without_delay(trigger, grace_business_days, calendar, trigger_label, explain)
        if not explain:
            return Deadline(due=fallback.due, provisional=True)
        note = Step(
            "잠정 기한: 다음 회기가 아직 등록되어 있지 않아, 등록될 때까지 업무일 유예(내부 기준)를 적용합니다. "
            "회기가 등록되면 기한이 바뀝니다.",
            "Provisional: no later council session is on record yet, so until one is entered the business-day "
            "grace (internal target) applies. The date will change when the session is entered.",
        )
        return Deadline(due=fallback.due, steps=(note, NEXT_SESSION_READING, *fallback.steps), provisional=True)
    starts_on, ends_on, label = upcoming[0]
    if not explain:
        return Deadline(due=ends_on)
    steps = (
        Step(f"{trigger_label.ko}: {fmt(trigger)}", f"{trigger_label.en}: {fmt(trigger, 'en')}"),
        Step(
            f"그 뒤 첫 회기는 {label.ko}({fmt(starts_on)}~{fmt(ends_on)})이며, 회기 마지막 날까지 보고해야 합니다.",
            f"The next session is the {label.en} ({fmt(starts_on, 'en')} to {fmt(ends_on, 'en')}); the report "
            f"is due by its last day.",
        ),
        NEXT_SESSION_READING,
    )
    return Deadline(due=ends_on, steps=steps)
