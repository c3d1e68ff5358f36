"""The Korean business-day calendar (관공서의 공휴일에 관한 규정): the pinned `holidays`
package's KR calendar plus manual overrides. Pure: no Django, no clock.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import holidays

from .holiday_names import official_name

ONE_DAY = datetime.timedelta(days=1)
WEEKDAYS_KO = "월화수목금토일"
# English days are written as the UI writes them (compliance.display): "Fri 27 Nov 2026".
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Step:
    """One line of a derivation, in both languages."""

    ko: str
    en: str

    def text(self, language: str = "ko") -> str:
        return self.en if language.startswith("en") else self.ko


@dataclass(frozen=True)
class HolidayCalendar:
    """Korean public holidays: the `holidays` package plus manual overrides.

    `added` and `removed` map dates to a (Korean, English) name; an added date is a
    public holiday even if the package does not list it (e.g. a temporary holiday
    announced after the pinned release), a removed date is not. The package's days are
    named as the regulation names them (`holiday_names`), not in the package's words.
    """

    added: Mapping[datetime.date, tuple[str, str]] = field(default_factory=dict)
    removed: frozenset[datetime.date] = frozenset()

    def holiday_name(self, day: datetime.date, language: str = "ko") -> str | None:
        if day in self.removed:
            return None
        if day in self.added:
            ko, en = self.added[day]
            return en if language.startswith("en") and en else ko
        names = _official_holidays(day.year)
        if day not in names:
            return None
        ko, en = names[day]
        return en if language.startswith("en") else ko

    def is_holiday(self, day: datetime.date) -> bool:
        return self.holiday_name(day) is not None

    def is_business_day(self, day: datetime.date) -> bool:
        return day.weekday() < 5 and not self.is_holiday(day)

    def why_not_business_day(self, day: datetime.date) -> Step:
        name_ko = self.holiday_name(day, "ko")
        name_en = self.holiday_name(day, "en")
        if name_ko:
            return Step(f"공휴일({name_ko})", f"a public holiday ({name_en or name_ko})")
        if day.weekday() == 5:
            return Step("토요일", "a Saturday")
        return Step("일요일", "a Sunday")

    def previous_business_day(self, day: datetime.date) -> datetime.date:
        day -= ONE_DAY
        while not self.is_business_day(day):
            day -= ONE_DAY
        return day

    def add_business_days(self, day: datetime.date, count: int) -> datetime.date:
        """The `count`-th business day after `day` (`day` itself is not counted)."""
        while count > 0:
            day += ONE_DAY
            if self.is_business_day(day):
                count -= 1
        return day

    def business_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Business days after `start` up to and including `end` (negative if reversed).

        Counted, not walked: weekdays by arithmetic, minus the holidays that fall on a
        weekday in between (a trail of years of documents asks this for every row).
        """
        if end < start:
            return -self.business_days_between(end, start)
        holidays_between = 0
        for year in range(start.year, end.year + 1):
            days = self._weekday_holidays(year)
            holidays_between += bisect.bisect_right(days, end) - bisect.bisect_right(days, start)
        return _weekdays_through(end) - _weekdays_through(start) - holidays_between

    def _weekday_holidays(self, year: int) -> list[datetime.date]:
        """The public holidays of `year` that fall on a weekday, sorted (kept per calendar)."""
        cache = self.__dict__.setdefault("_weekday_holidays_cache", {})
        if year not in cache:
            days = set(_package_holidays(year, "ko")) | {d for d in self.added if d.year == year}
            cache[year] = sorted(d for d in days - self.removed if d.weekday() < 5)
        return cache[year]


def _weekdays_through(day: datetime.date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@lru_cache(maxsize=256)
def _package_holidays(year: int, language: str) -> dict[datetime.date, str]:
    calendar = holidays.country_holidays("KR", years=year, language=language)
    return dict(calendar.items())


@lru_cache(maxsize=256)
def _official_holidays(year: int) -> dict[datetime.date, tuple[str, str]]:
    """The package's holidays of `year`, each with its (Korean, English) official name; a
    name the table does not know keeps the package's words rather than vanish."""
    english = _package_holidays(year, "en_US")
    named = {}
    for day, name in _package_holidays(year, "ko").items():
        named[day] = official_name(name, day) or (name, english.get(day, name))
    return named


def calendar_from_overrides(overrides: Iterable[tuple[datetime.date, str, str, str]]) -> HolidayCalendar:
    """Build a calendar from (date, kind, name_ko, name_en) rows; kind is add/remove."""
    added, removed = {}, set()
    for day, kind, name_ko, name_en in overrides:
        if kind == "remove":
            removed.add(day)
        else:
            added[day] = (name_ko, name_en)
    return HolidayCalendar(added=added, removed=frozenset(removed))


def day_en(day: datetime.date) -> str:
    """27 Nov 2026: an English day without its weekday (never ISO in the UI)."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def fmt(day: datetime.date, language: str = "ko") -> str:
    if language.startswith("en"):
        return f"{WEEKDAYS_EN[day.weekday()]} {day_en(day)}"
    return f"{day.year}. {day.month}. {day.day}.({WEEKDAYS_KO[day.weekday()]})"
