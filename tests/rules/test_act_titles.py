"""Every English name of a Korean act that the app prints comes from one table
(`compliance.rules.act_titles`), which says where each title was checked."""

import re
from pathlib import Path

from compliance.rules.act_titles import ACTS, ENGLISH_TITLES

ROOT = Path(__file__).resolve().parents[2]
# "Civil Act", "Framework Act on Public Administration", "... Ordinance on Informatization",
# "Regulations on Public Holidays of Government Offices": title-case words joined by
# on/of/and/the, ending in Act/Ordinance (or starting with Regulations).
WORD = r"(?:[A-Z][A-Za-z]+|on|of|and|the)"
NAME = re.compile(
    rf"\b[A-Z][A-Za-z]+(?: {WORD})*? (?:Act|Ordinance)(?: on(?: [A-Z][A-Za-z]+| of| and)+)?\b"
    rf"|\bRegulations on(?: [A-Z][A-Za-z]+| of)+"
)
# Words before an act name that are not part of it ("the Civil Act", "Ordinance Article 17").
LEADING = re.compile(r"^(?:(?:The|the|Under|under|Through|through|Periods|And|and|Article \d+ of) )+")


def _files():
    for pattern in ("compliance/**/*.py", "templates/**/*.html", "templates/**/*.txt", "fixtures/*.json"):
        yield from ROOT.glob(pattern)
    yield ROOT / "locale/en/LC_MESSAGES/django.po"


def _names():
    found = {}
    for path in _files():
        if path.name == "act_titles.py" or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".po":
            text = text.replace('"\n"', "")  # join wrapped msgid lines
        if path.suffix == ".py":
            text = re.sub(r'"\s*\n\s*f?"', "", text)  # join implicitly concatenated strings
        for match in NAME.finditer(text):
            name = LEADING.sub("", match.group(0))
            if name in {"Act", "Ordinance"} or name.startswith(("This ", "Each ", "Ordinance Article")):
                continue
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_english_act_name_in_the_app_comes_from_the_table():
    unknown = {name: sorted(where) for name, where in _names().items() if name not in ENGLISH_TITLES}
    assert not unknown, unknown


def test_the_scan_finds_the_names_the_derivations_use():
    names = _names()
    assert {"Civil Act", "Local Accounting Act", "Framework Act on Public Administration"} <= set(names)


def test_every_title_says_where_it_was_checked_or_that_it_was_not():
    for act in ACTS.values():
        assert act.ko and act.en and act.source
        if not act.verified:
            assert act.source.startswith("Not found"), act
