"""What the records cover, and the `no_record` status: pure, no database."""

import datetime

import pytest

from compliance.rules import coverage
from compliance.rules.calendar import HolidayCalendar
from compliance.rules.coverage import Coverage, CoverageRec
from compliance.rules.obligations import DocRec, ForwardRec, History, RuleRec, Status, generate, status_as_of

D = datetime.date
HISTORY = CoverageRec(coverage.RECEIPTS, D(2022, 1, 1), D(2024, 4, 3))
LIVE = CoverageRec(coverage.RECEIPTS, D(2026, 12, 1))


@pytest.mark.parametrize(
    ("periods", "first", "last", "gap"),
    [
        ((HISTORY,), D(2022, 1, 1), D(2024, 4, 3), None),
        ((HISTORY,), D(2023, 1, 1), D(2024, 4, 4), D(2024, 4, 4)),
        ((HISTORY,), D(2021, 12, 31), D(2022, 6, 1), D(2021, 12, 31)),
        ((HISTORY, LIVE), D(2024, 1, 1), D(2027, 1, 1), D(2024, 4, 4)),
        ((HISTORY, LIVE), D(2026, 12, 1), D(2030, 1, 1), None),  # live: complete up to "as of"
        ((), D(2022, 1, 1), D(2022, 1, 1), D(2022, 1, 1)),  # nothing on record covers nothing
        # Adjacent periods join up.
        (
            (HISTORY, CoverageRec(coverage.RECEIPTS, D(2024, 4, 4), D(2024, 12, 31))),
            D(2022, 5, 1),
            D(2024, 12, 31),
            None,
        ),
        # Another stream's coverage does not count.
        ((CoverageRec(coverage.FORWARDINGS, D(2022, 1, 1)),), D(2022, 5, 1), D(2022, 6, 1), D(2022, 5, 1)),
    ],
)
def test_first_day_the_records_do_not_cover(periods, first, last, gap):
    assert Coverage.of(periods).first_gap(coverage.RECEIPTS, first, last) == gap
    assert Coverage.of(periods).covers(coverage.RECEIPTS, first, last) is (gap is None)


@pytest.mark.parametrize(
    ("fulfilled", "as_of", "recorded", "expected"),
    [
        (None, D(2024, 3, 1), False, Status.NO_RECORD),  # past due, records stop: never overdue
        (None, D(2024, 3, 1), True, Status.OVERDUE),
        (None, D(2024, 1, 1), False, Status.NO_RECORD),  # not due yet: we cannot say it is not done
        (D(2024, 3, 5), D(2024, 6, 1), False, Status.LATE),  # what the records show is shown
        (D(2024, 2, 1), D(2024, 6, 1), False, Status.ON_TIME),
    ],
)
def test_no_record_replaces_every_unfulfilled_status_when_the_records_do_not_cover(
    fulfilled, as_of, recorded, expected
):
    assert status_as_of(D(2024, 2, 29), fulfilled, as_of, 30, recorded=recorded) == expected


PLAN = RuleRec(
    id=1,
    code="plan_to_mayor",
    anchor="fiscal_year_start",
    direction="backward",
    offset_months=-5,
    holiday_rule="no_roll",
    document_kinds=("plan_draft", "plan_final"),
    provision_ids=frozenset({1}),
)
FORWARD = RuleRec(
    id=2,
    code="forward_plan_to_council",
    anchor="receipt",
    holiday_rule="business_days",
    document_kinds=("plan_draft", "plan_final"),
    provision_ids=frozenset({1}),
)


def history(periods, documents=(), forwardings=()):
    from compliance.rules.law import ProvisionRec

    return History(
        rules=[PLAN, FORWARD],
        provisions=[ProvisionRec(id=1, instrument_id=1, article="17", paragraph="3", version_label="현행")],
        documents=list(documents),
        forwardings=list(forwardings),
        reports=[],
        sessions=[],
        reasons={},
        calendar=HolidayCalendar(),
        tracking_start=D(2022, 1, 1),
        coverage=Coverage.of(periods),
    )


def test_a_plan_not_received_while_the_records_last_is_no_record_then_overdue_once_live():
    periods = [HISTORY, CoverageRec(coverage.FORWARDINGS, D(2022, 1, 1), D(2024, 4, 3))]
    obs = {o.key: o for o in generate(history(periods), D(2026, 11, 27))}
    assert obs["plan_to_mayor-2025"].status == Status.NO_RECORD
    assert obs["plan_to_mayor-2025"].records_gap == D(2024, 4, 4)
    assert obs["plan_to_mayor-2025"].days_overdue is None
    # The app goes live on 2026-01-01: the FY2027 plan (due 2026-07-31, sent during 2026)
    # is covered, so its absence is a fact.
    live = [*periods, CoverageRec(coverage.RECEIPTS, D(2026, 1, 1))]
    obs = {o.key: o for o in generate(history(live), D(2026, 11, 27))}
    assert obs["plan_to_mayor-2027"].status == Status.OVERDUE
    assert obs["plan_to_mayor-2027"].days_overdue == 119
    assert obs["plan_to_mayor-2026"].status == Status.NO_RECORD


def test_a_forwarding_is_judged_by_the_forwardings_records_from_receipt_on():
    doc = DocRec(id=7, kind="plan_draft", fiscal_year=2025, title="plan", received_on=D(2024, 3, 20))
    receipts_only = [HISTORY]
    # Not due yet (the grace ends 2024-04-03): the due date is known whatever the coverage.
    obs = {o.key: o for o in generate(history(receipts_only, [doc]), D(2024, 3, 29))}
    assert obs["forward_plan_to_council-2025-d7"].status == Status.DUE_SOON
    # Past its grace with no forwarding record at all: we do not know.
    obs = {o.key: o for o in generate(history(receipts_only, [doc]), D(2024, 4, 10))}
    assert obs["forward_plan_to_council-2025-d7"].status == Status.NO_RECORD
    both = [HISTORY, CoverageRec(coverage.FORWARDINGS, D(2022, 1, 1), D(2024, 4, 3))]
    obs = {o.key: o for o in generate(history(both, [doc]), D(2024, 4, 3))}
    assert obs["forward_plan_to_council-2025-d7"].status == Status.DUE_SOON
    obs = {o.key: o for o in generate(history(both, [doc]), D(2024, 4, 10))}
    assert obs["forward_plan_to_council-2025-d7"].status == Status.NO_RECORD
    forwarded = ForwardRec(id=1, forwarded_on=D(2024, 5, 2), document_number="x", doc_ids=(7,))
    obs = {o.key: o for o in generate(history(both, [doc], [forwarded]), D(2024, 6, 1))}
    assert obs["forward_plan_to_council-2025-d7"].status == Status.LATE  # recorded late after all


def test_without_coverage_given_the_caller_vouches_for_the_records():
    h = history([])
    h.coverage = None
    obs = {o.key: o for o in generate(h, D(2026, 11, 27))}
    assert obs["plan_to_mayor-2025"].status == Status.OVERDUE


def test_what_if_needs_the_day_it_is_assumed_from():
    with pytest.raises(ValueError):
        generate(history([HISTORY]), D(2024, 1, 1), what_if=True)
