"""What became of a duty, as the compliance record counts it: one definition, said twice.

The compliance record (`compliance.statistics`) counts each of these per fiscal year and
hop with one GROUP BY, and the dashboard lists the obligations behind each figure with
the same filter (`?hop=&outcome=`): a figure and its list cannot disagree. `Q` is the
stored register's question (over `Register.rows()`, whose `status` and `has_reason` are
computed as of the day); `holds` asks the same of an `Obligation` (the what-if view,
computed by the pure rules).
"""

from __future__ import annotations

from django.db.models import F, Q

from ..rules.coverage import COMMITTEE_REPORTS, FORWARDINGS, RECEIPTS
from ..rules.status import Status

# The three hops of Article 17, by the stream of records that fulfils them: WeGO → Mayor
# (a receipt), Mayor → Council (a forwarding), Mayor → committee (a report).
HOPS = {"to_mayor": RECEIPTS, "to_council": FORWARDINGS, "to_committee": COMMITTEE_REPORTS}
HOP_OF_STREAM = {stream: hop for hop, stream in HOPS.items()}

# Due: fulfilled, or past the date judged against (the extension when one is agreed),
# whether or not the records tell what happened.
DUE = (Status.ON_TIME, Status.LATE, Status.OVERDUE, Status.NO_RECORD)
_PAST_GRACE = Q(event_driven=True, status__in=[Status.LATE, Status.OVERDUE])

OUTCOMES = {
    "due": Q(status__in=DUE),
    "on_time": Q(status=Status.ON_TIME),
    "late": Q(status=Status.LATE),
    "overdue": Q(status=Status.OVERDUE),
    # "Without delay" duties done, or still not done, after their grace period.
    "past_grace": _PAST_GRACE,
    "past_grace_reason": _PAST_GRACE & Q(has_reason=True),
    "past_grace_no_reason": _PAST_GRACE & Q(has_reason=False),
    "no_record": Q(status=Status.NO_RECORD),
    # An extension in force on the day (one agreed later was not yet there): the day
    # judged by is then the agreed one, always after the statutory date.
    "extended": Q(judged_to__gt=F("due_date")),
}


def holds(outcome: str, o) -> bool:
    """Does `outcome` hold for the obligation `o` (as `OUTCOMES[outcome]` for a stored row)?"""
    return holds_for(outcome, o.status, o.spec.is_event_driven, bool(o.reasons), o.extended_due_date is not None)


def holds_for(outcome: str, status: str, event_driven: bool, has_reason: bool, extended: bool) -> bool:
    """`OUTCOMES[outcome]` said of the facts it reads: for the groups of a GROUP BY on them."""
    past_grace = event_driven and status in (Status.LATE, Status.OVERDUE)
    return {
        "due": status in DUE,
        "on_time": status == Status.ON_TIME,
        "late": status == Status.LATE,
        "overdue": status == Status.OVERDUE,
        "past_grace": past_grace,
        "past_grace_reason": past_grace and has_reason,
        "past_grace_no_reason": past_grace and not has_reason,
        "no_record": status == Status.NO_RECORD,
        "extended": extended,
    }[outcome]


def hop_of(o) -> str:
    return HOP_OF_STREAM[o.stream]
