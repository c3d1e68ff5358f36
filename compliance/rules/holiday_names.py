"""Official names of Korean public holidays, by rule (관공서의 공휴일에 관한 규정).

The pinned `holidays` package knows the right *dates* but uses its own names ("신정연휴",
"삼일절", "어린이날 대체 휴일", "대통령 선거일"). A derivation a council legal officer
signs must use the regulation's words instead:

* 제2조 lists the days: "3·1절, 광복절, 개천절 및 한글날" (국경일), "1월 1일", "설날 전날,
  설날, 설날 다음날", "부처님오신날" (석가탄신일 before the 2017 amendment), "5월 5일
  (어린이날)", "6월 6일 (현충일)", "추석 전날, 추석, 추석 다음날", "12월 25일
  (기독탄신일)", "「공직선거법」 제34조에 따른 임기만료에 의한 선거의 선거일" (제10호의2,
  since September 2006) and "기타 정부에서 수시 지정하는 날" (임시공휴일, 제11호).
* 제3조 makes the next non-holiday a 대체공휴일 when one of them falls on a weekend or on
  another holiday: "3·1절 대체공휴일".

The mapping works on the package's Korean names and on the year (an election's number is
counted from the law's cycle), so it holds for every year the calendar covers, not just
the seed's dates; `tests/rules/test_holiday_names.py` walks every holiday of 2000–2100.
English names are descriptive translations of the same words (no official English text
of the regulation could be verified; see `compliance/rules/act_titles.py`).
Pure: no Django, no clock.
"""

from __future__ import annotations

import datetime

# The package's Korean name -> (Korean name per the regulation, English).
_NAMES: dict[str, tuple[str, str]] = {
    "신정연휴": ("1월 1일", "1 January"),
    "설날 전날": ("설날 전날", "the day before Seollal"),
    "설날": ("설날", "Seollal"),
    "설날 다음날": ("설날 다음날", "the day after Seollal"),
    "삼일절": ("3·1절", "Independence Movement Day"),
    "식목일": ("식목일", "Arbor Day"),  # a public holiday until 2005
    "석가탄신일": ("석가탄신일", "Buddha's Birthday"),  # renamed 부처님오신날 in 2017
    "부처님오신날": ("부처님오신날", "Buddha's Birthday"),
    "노동절": ("노동절", "Labor Day"),
    "어린이날": ("어린이날", "Children's Day"),
    "현충일": ("현충일", "Memorial Day"),
    "제헌절": ("제헌절", "Constitution Day"),
    "광복절": ("광복절", "Liberation Day"),
    "개천절": ("개천절", "National Foundation Day"),
    "한글날": ("한글날", "Hangeul Day"),
    "추석 전날": ("추석 전날", "the day before Chuseok"),
    "추석": ("추석", "Chuseok"),
    "추석 다음날": ("추석 다음날", "the day after Chuseok"),
    "기독탄신일": ("기독탄신일", "Christmas Day"),
    "임시공휴일": ("임시공휴일", "temporary public holiday"),
    # Days the government designated one by one (제11호), under the occasion's name.
    "국군의 날": ("임시공휴일(국군의 날)", "temporary public holiday (Armed Forces Day)"),
    "2002년 한일 월드컵 대표팀 4강 진출": ("임시공휴일", "temporary public holiday"),
}

_SUBSTITUTE = " 대체 휴일"
_ESTIMATED = " (추정)"

# 제10호의2 (term-expiry election days) entered the regulation in September 2006; election
# days before it, and by-elections after it (the 2017 and 2025 presidential elections after
# a removal from office), were designated one by one as 임시공휴일 (제11호).
_ELECTION_DAYS_IN_REGULATION_FROM = datetime.date(2006, 9, 6)
_SPECIAL_PRESIDENTIAL_ELECTIONS = {2017: 19, 2025: 21}
_PRESIDENTIAL_ELECTIONS = {2002: 16, 2007: 17, 2012: 18, 2022: 20}


def _ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _election(package_name: str, day: datetime.date) -> tuple[str, str] | None:
    """The election's official name with its number, counted from the law's cycle."""
    year = day.year
    special = False
    if package_name == "국회의원 선거일":
        # 16th in 2000, then every four years (공직선거법 제34조①2).
        number = (year - 2000) // 4 + 16
        ko, en = f"제{number}대 국회의원선거일", f"election day of the {_ordinal(number)} National Assembly election"
    elif package_name == "지방선거일":
        # 3rd nationwide local elections in 2002, then every four years (제34조①3).
        number = (year - 2002) // 4 + 3
        ko, en = (
            f"제{number}회 전국동시지방선거일",
            f"election day of the {_ordinal(number)} nationwide local elections",
        )
    elif package_name == "대통령 선거일":
        if year in _SPECIAL_PRESIDENTIAL_ELECTIONS:
            number, special = _SPECIAL_PRESIDENTIAL_ELECTIONS[year], True
        elif year in _PRESIDENTIAL_ELECTIONS:
            number = _PRESIDENTIAL_ELECTIONS[year]
        elif year >= 2030 and (year - 2030) % 5 == 0:
            # The 21st president's term (from 2025-06-04) sets a five-year cycle (제34조①1).
            number = (year - 2030) // 5 + 22
        else:
            return None
        ko, en = f"제{number}대 대통령선거일", f"election day of the {_ordinal(number)} presidential election"
    else:
        return None
    if special or day < _ELECTION_DAYS_IN_REGULATION_FROM:
        return f"임시공휴일({ko})", f"temporary public holiday ({en})"
    return ko, en


def _one(package_name: str, day: datetime.date) -> tuple[str, str] | None:
    estimated = package_name.endswith(_ESTIMATED)
    name = package_name.removesuffix(_ESTIMATED)
    if name.endswith(_SUBSTITUTE):
        base = _one(name.removesuffix(_SUBSTITUTE), day)
        if base is None:
            return None
        names = (f"{base[0]} 대체공휴일", f"substitute holiday for {base[1]}")
    else:
        names = _NAMES.get(name) or _election(name, day)
        if names is None:
            return None
    if estimated:
        return f"{names[0]}(추정)", f"{names[1]} (estimated)"
    return names


def official_name(package_name: str, day: datetime.date) -> tuple[str, str] | None:
    """(Korean, English) official name of the holiday the package calls `package_name` on
    `day`, or None if the package used a name this table does not know (the caller falls
    back to the package's own words; the test over 2000–2100 keeps that from happening).

    The package joins two holidays on one day with "; " (어린이날 and 부처님오신날 in 2025).
    """
    names = package_name.split("; ")
    parts = [_one(part, day) for part in names]
    if any(part is None for part in parts):
        return None
    if len(names) > 1 and all(name.endswith(_SUBSTITUTE) for name in names):
        # One substitute day for two holidays (2025-05-06): "부처님오신날 및 어린이날 대체공휴일".
        bases = [_one(name.removesuffix(_SUBSTITUTE), day) for name in names]
        return (
            " 및 ".join(ko for ko, _en in bases) + " 대체공휴일",
            "substitute holiday for " + " and ".join(en for _ko, en in bases),
        )
    return ", ".join(ko for ko, _en in parts), ", ".join(en for _ko, en in parts)
