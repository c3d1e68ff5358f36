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
    Exists,
    F,
    IntegerField,
    OuterRef,
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


def with_status(queryset, as_of: datetime.date, coverage, due_soon_days: int):
    """Annotate `status` (the contract's vocabulary), `badge` (what a reader sees) and
    `badge_rank` (the dashboard's order) as of `as_of`."""
    from ..models import DelayReason

    whens = [
        When(stream=stream, window_start__gte=start, window_start__lte=end, then=Value(end))
        for stream in STREAMS
        for start, end in coverage.spans(stream, as_of)
    ]
    covered_to = Case(*whens, default=Value(None), output_field=DateField()) if whens else Value(None, DateField())
    target = Case(When(extended_to__gt=F("due_date"), then=F("extended_to")), default=F("due_date"))
    soon = as_of + datetime.timedelta(days=due_soon_days)
    queryset = queryset.annotate(
        covered_to=covered_to,
        target=target,
        has_reason=Exists(DelayReason.objects.filter(obligation_key=OuterRef("key"))),
    )
    done = Q(fulfilled_on__lte=as_of)
    queryset = queryset.annotate(
        status=Case(
            When(done & Q(fulfilled_on__lte=F("target")), then=Value(Status.ON_TIME)),
            When(done, then=Value(Status.LATE)),
            When(target__gte=as_of, target__lte=soon, then=Value(Status.DUE_SOON)),
            When(target__gt=soon, then=Value(Status.UPCOMING)),
            When(covered_to__gte=as_of, then=Value(Status.OVERDUE)),
            When(covered_to__gt=F("target"), then=Value(Status.OVERDUE)),
            default=Value(Status.NO_RECORD),
            output_field=CharField(),
        ),
        at_records_end=Case(
            When(~done & Q(target__lt=as_of, covered_to__lt=as_of, covered_to__gt=F("target")), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    late = [Status.OVERDUE, Status.LATE]
    queryset = queryset.annotate(
        badge=Case(
            When(event_driven=True, status__in=late, has_reason=True, then=Value(Status.DELAYED_REASON_RECORDED)),
            When(event_driven=True, at_records_end=True, then=Value(Status.PAST_GRACE_AT_RECORDS_END)),
            When(event_driven=True, status=Status.OVERDUE, then=Value(Status.NOT_YET_PAST_GRACE)),
            When(event_driven=True, status=Status.LATE, then=Value(Status.DONE_AFTER_GRACE)),
            When(at_records_end=True, then=Value(Status.OVERDUE_AT_RECORDS_END)),
            When(
                status__in=[Status.DUE_SOON, Status.UPCOMING], due_date__lt=as_of, then=Value(Status.WITHIN_EXTENSION)
            ),
            default=F("status"),
            output_field=CharField(),
        )
    )
    return queryset.annotate(
        badge_rank=Case(
            *(When(badge=badge, then=Value(rank)) for rank, badge in enumerate(Status.BADGES)),
            default=Value(len(Status.BADGES)),
            output_field=IntegerField(),
        )
    )
