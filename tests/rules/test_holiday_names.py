"""Holidays are named as 관공서의 공휴일에 관한 규정 names them, in every year the
calendar covers (the public calculator accepts 2000 to ten years ahead)."""

import datetime

import holidays
import pytest

from compliance.rules.calendar import HolidayCalendar, calendar_from_overrides
from compliance.rules.holiday_names import official_name

D = datetime.date
CAL = HolidayCalendar()
YEARS = range(2000, 2101)
# The package's own words that must never reach a reader.
PACKAGE_WORDS = ("삼일절", "신정", "대체 휴일", "연휴", "선거일;", " 선거일")


def _package(year):
    return holidays.country_holidays("KR", years=year, language="ko").items()


@pytest.mark.parametrize("year", YEARS)
def test_every_holiday_of_the_year_has_an_official_name(year):
    for day, package_name in _package(year):
        names = official_name(package_name, day)
        assert names is not None, (day, package_name)
        ko, en = names
        assert CAL.holiday_name(day) == ko and CAL.holiday_name(day, "en") == en
        assert not any(word in ko for word in PACKAGE_WORDS), (day, ko)
        assert en and not any("\uac00" <= ch <= "\ud7a3" for ch in en), (day, en)


@pytest.mark.parametrize("year", YEARS)
def test_every_substitute_holiday_names_a_holiday_of_the_week_before(year):
    """제3조: a 대체공휴일 follows the holiday it replaces; its name says which one."""
    for day, _package_name in _package(year):
        ko = CAL.holiday_name(day)
        if not ko.endswith(" 대체공휴일"):
            continue
        bases = ko.removesuffix(" 대체공휴일").split(" 및 ")
        before = {CAL.holiday_name(day - datetime.timedelta(days=n)) or "" for n in range(1, 8)}
        names_before = {part for name in before for part in name.split(", ")}
        for base in bases:
            assert base in names_before, (day, ko, names_before)
        assert CAL.holiday_name(day, "en").startswith("substitute holiday for ")


@pytest.mark.parametrize(
    ("day", "ko", "en"),
    [
        (D(2026, 3, 2), "3·1절 대체공휴일", "substitute holiday for Independence Movement Day"),
        (D(2022, 3, 1), "3·1절", "Independence Movement Day"),
        (D(2025, 1, 1), "1월 1일", "1 January"),
        (D(2024, 2, 9), "설날 전날", "the day before Seollal"),
        (D(2024, 2, 12), "설날 대체공휴일", "substitute holiday for Seollal"),
        (D(2024, 12, 25), "기독탄신일", "Christmas Day"),
        (D(2016, 5, 14), "석가탄신일", "Buddha's Birthday"),
        (D(2024, 5, 15), "부처님오신날", "Buddha's Birthday"),
        (
            D(2025, 5, 6),
            "부처님오신날 및 어린이날 대체공휴일",
            "substitute holiday for Buddha's Birthday and Children's Day",
        ),
        (D(2024, 4, 10), "제22대 국회의원선거일", "election day of the 22nd National Assembly election"),
        (D(2022, 3, 9), "제20대 대통령선거일", "election day of the 20th presidential election"),
        (D(2022, 6, 1), "제8회 전국동시지방선거일", "election day of the 8th nationwide local elections"),
        (
            D(2025, 6, 3),
            "임시공휴일(제21대 대통령선거일)",
            "temporary public holiday (election day of the 21st presidential election)",
        ),
        (
            D(2017, 5, 9),
            "임시공휴일(제19대 대통령선거일)",
            "temporary public holiday (election day of the 19th presidential election)",
        ),
        (
            D(2004, 4, 15),
            "임시공휴일(제17대 국회의원선거일)",
            "temporary public holiday (election day of the 17th National Assembly election)",
        ),
        (D(2023, 10, 2), "임시공휴일", "temporary public holiday"),
        (D(2024, 10, 1), "임시공휴일(국군의 날)", "temporary public holiday (Armed Forces Day)"),
        (D(2021, 8, 16), "광복절 대체공휴일", "substitute holiday for Liberation Day"),
        (D(2023, 9, 30), "추석 다음날", "the day after Chuseok"),
    ],
)
def test_known_days_carry_the_regulations_words(day, ko, en):
    assert CAL.holiday_name(day) == ko
    assert CAL.holiday_name(day, "en") == en


def test_election_numbers_follow_the_law_cycle_in_later_years():
    assert CAL.holiday_name(D(2028, 4, 12)) == "제23대 국회의원선거일"
    assert CAL.holiday_name(D(2030, 6, 12)) == "제10회 전국동시지방선거일"
    days_2030 = [day for day, name in _package(2030) if name == "대통령 선거일"]
    assert [CAL.holiday_name(day) for day in days_2030] == ["제22대 대통령선거일"]


def test_an_unknown_package_name_is_not_invented():
    assert official_name("새로운 기념일", D(2030, 1, 2)) is None


def test_an_override_keeps_the_name_the_administrator_gave():
    cal = calendar_from_overrides([(D(2027, 6, 2), "add", "임시공휴일", "temporary public holiday")])
    assert cal.holiday_name(D(2027, 6, 2)) == "임시공휴일"
    assert cal.why_not_business_day(D(2027, 6, 2)).ko == "공휴일(임시공휴일)"


def test_the_grace_derivation_lists_skipped_days_by_their_official_names():
    from compliance.rules.calendar import Step
    from compliance.rules.deadlines import without_delay

    deadline = without_delay(D(2024, 12, 20), 10, CAL, Step("접수일", "Received"))
    ko, en = " ".join(deadline.derivation("ko")), " ".join(deadline.derivation("en"))
    assert "2024. 12. 25.(수) 기독탄신일" in ko and "2025. 1. 1.(수) 1월 1일" in ko and "신정" not in ko
    assert "Wed 1 Jan 2025 (1 January)" in en and "New Year" not in en
