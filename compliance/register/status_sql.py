"""The status of stored obligations as of a day, said in SQL.

The same judgement as `compliance.rules.status.judge` (tests/test_register_property.py
checks that they agree), so that pages can count, filter and sort by status over any
number of rows with one indexed query. Coverage is a small table: its covered spans as of
the day become constants of the expression, one `WHEN` per span.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from ..rules.coverage import STREAMS
from ..rules.status import Status


def known_on(queryset, as_of: datetime.date, horizon_days: int):
    """The stored obligations one would have seen on `as_of`: those triggered by an
    event on or before it, and the fiscal-year duties within the horizon."""
    horizon = as_of + datetime.timedelta(days=horizon_days)
    return queryset.filter(
        Q(event_driven=True, trigger_date__lte=as_of)
        | Q(event_driven=False, due_date__lte=horizon, fiscal_year__lte=as_of.year + 2)
    )


def with_status(queryset, as_of: datetime.date, coverage, due_soon_days: int, agreed_later: bool = False):
    """Annotate `status` (the contract's vocabulary), `badge` (what a reader sees) and
    `badge_rank` (the dashboard's order) as of `as_of`.

    Each is one flat `CASE` over the columns, the target and the covered spans: an
    annotation that names another is copied into it when the query is built, and
    `badge_rank` over `badge` over `status` over `covered_to` made a 176 KB statement that
    took longer to build than to run."""
    from ..models import DelayReason

    spans = [(stream, start, end) for stream in STREAMS for start, end in coverage.spans(stream, as_of)]
    whens = [When(in_span(s), then=Value(s[2])) for s in spans]
    covered_to = Case(*whens, default=Value(None), output_field=DateField()) if whens else Value(None, DateField())
    # `judged_to`: the day the status is judged against. `target` (the later of the due
    # date and an extension) is a stored generated column; an extension agreed after
    # `as_of` was not there to judge by, and where one exists (`agreed_later`, asked only
    # of a past day: an extension is never agreed after the day it is recorded) the due
    # date stands for it. Else `judged_to` is the column itself, at no cost.
    judged_to = F("target")
    if agreed_later:
        judged_to = Case(
            When(extended_from__gt=as_of, then=F("due_date")), default=F("target"), output_field=DateField()
        )
    queryset = queryset.annotate(
        judged_to=judged_to,
        covered_to=covered_to,
        # `IN` an uncorrelated subquery: PostgreSQL hashes the reasons' keys once, where a
        # correlated EXISTS probed the table again for every row.
        has_reason=Case(
            When(key__in=DelayReason.objects.values("obligation_key"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    c = _Conditions(as_of, spans, as_of + datetime.timedelta(days=due_soon_days))
    queryset = queryset.annotate(
        status=Case(
            When(c.on_time, then=Value(Status.ON_TIME)),
            When(c.done, then=Value(Status.LATE)),
            When(c.due_soon, then=Value(Status.DUE_SOON)),
            When(c.upcoming, then=Value(Status.UPCOMING)),
            When(c.covered, then=Value(Status.OVERDUE)),
            default=Value(Status.NO_RECORD),
            output_field=CharField(),
        ),
        at_records_end=Case(
            When(~c.done & Q(judged_to__lt=as_of) & c.records_end, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    rank = {badge: rank for rank, badge in enumerate(Status.BADGES)}
    return queryset.annotate(
        badge=_badges(c, lambda badge: Value(badge), CharField()),
        badge_rank=_badges(c, lambda badge: Value(rank.get(badge, len(Status.BADGES))), IntegerField()),
    )


def in_span(span) -> Q:
    """The rows whose records window starts within a covered span of their stream."""
    stream, start, end = span
    return Q(stream=stream, window_start__gte=start, window_start__lte=end)


class _Conditions:
    """The conditions the status and the badge are made of, each over columns only.

    Read in `CASE` order: each `WHEN` applies only where the ones before it did not, as
    in `compliance.rules.status.judge`. Spans are merged and disjoint and never end after
    `as_of` (`Coverage.spans`), so "covered to on or after as_of" is a span ending on it."""

    def __init__(self, as_of, spans, soon):
        self.as_of = as_of
        self.done = Q(fulfilled_on__lte=as_of)
        self.on_time = self.done & Q(fulfilled_on__lte=F("judged_to"))
        self.due_soon = Q(judged_to__gte=as_of, judged_to__lte=soon)
        self.upcoming = Q(judged_to__gt=soon)
        live = [in_span(s) for s in spans if s[2] >= as_of]
        past_target = [in_span(s) & Q(judged_to__lt=s[2]) for s in spans]
        ended = [in_span(s) & Q(judged_to__lt=s[2]) for s in spans if s[2] < as_of]
        self.covered = _any(live + past_target)
        self.records_end = _any(ended)


def _any(conditions) -> Q:
    """OR of `conditions`; a condition no row meets when there are none."""
    if not conditions:
        return Q(pk__in=[])
    result = conditions[0]
    for condition in conditions[1:]:
        result |= condition
    return result


def _badges(c: _Conditions, value, output_field):
    """The badge of each row (`value(badge)`): the status, told apart by event-driven
    duties, delay reasons, the records' end and extensions.

    Nested: each condition of the status (done, due soon, upcoming, covered) is tested
    once per row, and what tells its badges apart only within it; flat, the coverage spans
    and the delay-reason probe were evaluated again in every `WHEN`, and the badge cost
    three times the status to compute over a register of 10,000 rows."""
    event = Q(event_driven=True)
    reason = Q(has_reason=True)
    extended = Q(due_date__lt=c.as_of)  # past the legal due date, within an extension

    def case(*whens, default):
        return Case(*whens, default=value(default), output_field=output_field)

    return case(
        When(c.on_time, then=value(Status.ON_TIME)),
        When(
            c.done,
            then=case(
                When(event & reason, then=value(Status.DELAYED_REASON_RECORDED)),
                When(event, then=value(Status.DONE_AFTER_GRACE)),
                default=Status.LATE,
            ),
        ),
        When(
            c.due_soon,
            then=case(When(extended, then=value(Status.WITHIN_EXTENSION)), default=Status.DUE_SOON),
        ),
        When(
            c.upcoming,
            then=case(When(extended, then=value(Status.WITHIN_EXTENSION)), default=Status.UPCOMING),
        ),
        When(
            c.covered,
            then=case(
                When(event & reason, then=value(Status.DELAYED_REASON_RECORDED)),
                When(event & c.records_end, then=value(Status.PAST_GRACE_AT_RECORDS_END)),
                When(event, then=value(Status.NOT_YET_PAST_GRACE)),
                When(c.records_end, then=value(Status.OVERDUE_AT_RECORDS_END)),
                default=Status.OVERDUE,
            ),
        ),
        default=Status.NO_RECORD,
    )
