"""English titles of the Korean acts the app names, each with where it was checked.

One table: derivations, the law page, packets, e-mails and the API take their English
act names from here (`tests/rules/test_act_titles.py` fails on an English act name in
the app that is not in it). A title whose official English version could not be found
says so (`verified=False`) instead of passing a translation of our own off as official.
Pure: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActTitle:
    ko: str
    en: str
    verified: bool
    source: str
    note: str = ""


KLRI = "Korea Legislation Research Institute, English translations of Korean laws (elaw.klri.re.kr)"

ACTS: dict[str, ActTitle] = {
    "civil_act": ActTitle("민법", "Civil Act", True, f"{KLRI}: CIVIL ACT (Act No. 471)."),
    "local_finance_act": ActTitle(
        "지방재정법",
        "Local Finance Act",
        True,
        f"{KLRI}: LOCAL FINANCE ACT (wholly amended by Act No. 7663).",
        "Set the fiscal year (Article 6) until the Local Accounting Act of 2016 took that article over; kept "
        "for history only: the derivations, packets and law page cite 지방회계법 제6조① (below).",
    ),
    "local_accounting_act": ActTitle(
        "지방회계법",
        "Local Accounting Act",
        True,
        f"{KLRI}: LOCAL ACCOUNTING ACT (Act No. 14197, May 29, 2016; viewer hseq=47496), Article 6 (Fiscal "
        "Year) (1): the fiscal year of each local government begins on January 1 and ends on December 31.",
        "Cited as 지방회계법 제6조① for the fiscal year (issue 22); formerly 지방재정법 제6조.",
    ),
    "local_autonomy_act": ActTitle(
        "지방자치법", "Local Autonomy Act", True, f"{KLRI}: LOCAL AUTONOMY ACT (wholly amended by Act No. 17893)."
    ),
    "framework_act_public_administration": ActTitle(
        "행정기본법",
        "Framework Act on Public Administration",
        False,
        "Not found in the reference texts searched; the title is the one in common use for Act No. 17979 (2021).",
    ),
    "holiday_regulations": ActTitle(
        "관공서의 공휴일에 관한 규정",
        "Regulations on Public Holidays of Government Offices",
        True,
        "Ministry of Personnel Management, English site, 'Public Holiday System' (Article 2 of the "
        "Regulations On Public Holidays Of Government Offices).",
        "The holiday names inside it (3·1절, 1월 1일, ...) are given in English as descriptive translations: "
        "no official English text of the regulation was found.",
    ),
    "public_official_election_act": ActTitle(
        "공직선거법",
        "Public Official Election Act",
        False,
        "Not found in the reference texts searched; the title used by the pinned holidays package's sources.",
    ),
    "seoul_informatization_ordinance": ActTitle(
        "서울특별시 스마트도시 및 정보화 조례",
        "Seoul Metropolitan Government Framework Ordinance on Informatization",
        True,
        "Seoul Metropolitan Government, English laws and regulations service (legal.seoul.go.kr/legal/english), "
        "the ordinance's current text (wholly amended by Ordinance No. 7026, 28 March 2019).",
        "The published English title still carries the ordinance's name before the 2019 whole amendment "
        "(서울특별시 정보화 기본 조례); no English title under the new Korean name was found, so the app "
        "shows the published one with the Korean name beside it.",
    ),
}

# English act names as the app writes them: the title, or the title with a qualifier the
# table names ("Seoul ... Ordinance" in full is too long for a sentence; never shortened).
ENGLISH_TITLES = frozenset(act.en for act in ACTS.values())


def english(code: str) -> str:
    return ACTS[code].en
