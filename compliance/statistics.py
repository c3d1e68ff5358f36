"""The compliance record: how often each hop of Article 17 was done on time, per fiscal
year, as of a day the reader chooses; and what became overdue in the last 30 days.

Computed from the register for the day asked, never stored: the counts are one GROUP BY
(fiscal year, hop) over `Register.rows(as_of)`, each figure the filter the dashboard
lists its obligations with (`compliance.register.outcomes`); the days late are read for
the late rows only. The what-if view is counted from the pure rules' obligations, with
the same definitions, and is marked as such wherever it is shown.

Rates: on time ÷ (on time + late + overdue). `no_record` duties are due but the records
do not say what happened: shown, with the reason, and left out of the rate. Days late are
calendar days past the date judged against for dated duties, and business days from the
trigger (receipt or forwarding) for "without delay" duties (`Obligation.delay_business_days`).
The public sees every count (statuses are public) but not the delay of a duty whose
document the Council does not hold yet (it would tell the receipt date, `disclosure`).
"""

from __future__ import annotations

import datetime
import statistics as stats
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Value, When
from django.utils.translation import gettext as _

from . import disclosure
from .charts import Series, trend_chart
from .labels import HOP_LABELS
from .models import DelayReason, StoredObligation
from .register.outcomes import HOP_OF_STREAM, HOPS, OUTCOMES, holds, holds_for, hop_of
from .rules.coverage import COMMITTEE_REPORTS
from .rules.status import Status

RECENT_DAYS = 30
COUNTED = tuple(OUTCOMES)  # due, on_time, late, overdue, past_grace, …, no_record, extended
# The open data's fields, in order (API, CSV, JSON, datapackage.json).
FIELDS = (
    "fiscal_year",
    "hop",
    "due",
    "on_time",
    "late",
    "overdue",
    "past_grace",
    "no_record",
    "extended",
    "on_time_rate",
    "median_days_late",
    "max_days_late",
)

# Each field of a row: (Table Schema type, Korean title, English description).
SCHEMA = {
    "fiscal_year": ("integer", "회계연도", "Fiscal year (the calendar year) the duty belongs to."),
    "hop": (
        "string",
        "단계",
        "to_mayor: WeGO Secretary-General to the Mayor (plan, results, settlement); "
        "to_council: the Mayor forwards to the Council; to_committee: the Mayor reports to the standing committee.",
    ),
    "due": ("integer", "기한 도래", "Duties fulfilled, or past their due date (or agreed extension), as at the day."),
    "on_time": ("integer", "기한 내 이행", "Fulfilled on or before the due date (an agreed extension met counts)."),
    "late": ("integer", "기한 후 이행", "Fulfilled after the due date (or extension)."),
    "overdue": ("integer", "현재 기한 경과", "Not fulfilled, past due, and the records cover the days that tell."),
    "past_grace": (
        "integer",
        "유예기간 경과",
        "'Without delay' duties done, or not yet done, after their grace period (within late and overdue).",
    ),
    "no_record": (
        "integer",
        "기록 없음",
        "Past due but the records do not cover the days that tell: unknown, excluded from the rate.",
    ),
    "extended": ("integer", "기한 연장", "Duties with an agreed extension (listed; met extensions count as on time)."),
    "on_time_rate": ("number", "기한 내 이행률", "on_time / (on_time + late + overdue), 0 to 1; empty when none."),
    "median_days_late": (
        "number",
        "지연 일수 중앙값",
        "Median delay of the late duties: calendar days past due for to_mayor, "
        "business days from the receipt (or forwarding) for to_council and to_committee.",
    ),
    "max_days_late": ("integer", "최장 지연 일수", "Longest delay of the late duties, in the same unit."),
}


@dataclass
class HopFigures:
    """The figures of one hop in one fiscal year."""

    fiscal_year: int
    hop: str
    counts: dict = field(default_factory=dict)  # outcome -> how many (compliance.register.outcomes)
    days_late: list = field(default_factory=list)  # one number per late duty shown
    delays_withheld: int = 0  # late duties whose delay the public may not see yet

    def __getattr__(self, name):
        if name in COUNTED:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @property
    def days_unit(self) -> str:
        """Calendar days for the dated duties to the Mayor, business days for the others."""
        return "calendar" if self.hop == "to_mayor" else "business"

    @property
    def rated(self) -> int:
        """The rate's denominator: duties whose outcome the records tell (overdue is not on time)."""
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.rated, 4) if self.rated else None

    @property
    def on_time_percent(self) -> float | None:
        return None if self.on_time_rate is None else round(100 * self.on_time_rate, 1)

    @property
    def median_days_late(self) -> float | None:
        return round(float(stats.median(self.days_late)), 1) if self.days_late else None

    @property
    def max_days_late(self):
        return max(self.days_late) if self.days_late else None

    def as_row(self) -> dict:
        row = {"fiscal_year": self.fiscal_year, "hop": self.hop}
        row.update({name: self.counts.get(name, 0) for name in FIELDS if name in COUNTED})
        row.update(
            on_time_rate=self.on_time_rate, median_days_late=self.median_days_late, max_days_late=self.max_days_late
        )
        return {name: row[name] for name in FIELDS}


@dataclass
class Record:
    as_of: datetime.date
    what_if: bool
    what_if_from: datetime.date | None
    public: bool
    rows: list  # HopFigures, by fiscal year then hop
    recent: list  # Obligations overdue (or past grace) for at most RECENT_DAYS days
    recent_withheld: int  # of those, how many the public may not see yet
    coverage: dict  # hop -> ((start, end), ...) covered on as_of

    @property
    def fiscal_years(self) -> list[int]:
        return sorted({r.fiscal_year for r in self.rows})

    def by_hop(self, hop: str) -> list:
        return [r for r in self.rows if r.hop == hop]

    def totals(self, hop: str) -> HopFigures:
        total = HopFigures(fiscal_year=0, hop=hop)
        for r in self.by_hop(hop):
            for name in COUNTED:
                total.counts[name] = total.counts.get(name, 0) + r.counts.get(name, 0)
            total.days_late += r.days_late
            total.delays_withheld += r.delays_withheld
        return total


def recent_window(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Target dates of the duties that became overdue within the last RECENT_DAYS days:
    overdue from the day after the target, so the target lies in [as_of − 30, as_of − 1]."""
    return as_of - datetime.timedelta(days=RECENT_DAYS), as_of - datetime.timedelta(days=1)


def compute(
    reg,
    as_of: datetime.date,
    *,
    from_fy: int | None = None,
    to_fy: int | None = None,
    what_if: bool = False,
    what_if_from: datetime.date | None = None,
    public: bool = False,
    forwarded_ids: set | None = None,
) -> Record:
    """The compliance record as of `as_of` for the fiscal years `from_fy`..`to_fy` (every
    year with a duty known on that day when not given). For the public, `forwarded_ids`
    are the documents the Council holds (default: as of `as_of`)."""
    if public and forwarded_ids is None:
        forwarded_ids = disclosure.forwarded_document_ids(as_of)
    forwarded_ids = forwarded_ids or set()
    if what_if:
        what_if_from = reg.what_if_from(True, what_if_from)
        obligations = [
            o
            for o in reg.obligations(as_of, what_if=True, what_if_from=what_if_from)
            if _in(o.fiscal_year, from_fy, to_fy)
        ]
        rows = figures_of(obligations, public, forwarded_ids)
        first, last = recent_window(as_of)
        recent = [o for o in obligations if o.status == Status.OVERDUE and first <= o.target_date <= last]
    else:
        rows, recent = _from_sql(reg, as_of, from_fy, to_fy, public, forwarded_ids)
    recent.sort(key=lambda o: (o.target_date, o.key), reverse=True)
    shown = [o for o in recent if not public or disclosure.obligation_disclosed(o, forwarded_ids)]
    coverage = {hop: reg.history.coverage.spans(stream, as_of) for hop, stream in HOPS.items()}
    return Record(
        as_of=as_of,
        what_if=what_if,
        what_if_from=what_if_from if what_if else None,
        public=public,
        rows=rows,
        recent=shown,
        recent_withheld=len(recent) - len(shown),
        coverage=coverage,
    )


def _in(fy, from_fy, to_fy) -> bool:
    return (from_fy is None or fy >= from_fy) and (to_fy is None or fy <= to_fy)


def _grid(years) -> dict:
    return {(fy, hop): HopFigures(fy, hop) for fy in sorted(years) for hop in HOPS}


def _from_sql(reg, as_of, from_fy, to_fy, public, forwarded_ids):
    rows = reg.rows(as_of)
    if from_fy is not None:
        rows = rows.filter(fiscal_year__gte=from_fy)
    if to_fy is not None:
        rows = rows.filter(fiscal_year__lte=to_fy)
    # One GROUP BY on the facts the figures read (a few dozen groups), each group then
    # counted into the figures it belongs to (`outcomes.holds_for`, the same definitions as
    # the dashboard's filters). Counting each figure with its own FILTER would have Django
    # compile the status expression once per figure. Whether a reason is recorded is asked
    # apart, of the few duties past their grace that have one (an EXISTS on every row
    # would double the query's time).
    counted = list(
        rows.order_by()
        .annotate(
            extended=Case(
                When(OUTCOMES["extended"], then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .values("fiscal_year", "stream", "status", "event_driven", "extended")
        .annotate(n=Count("pk"))
    )
    grid = _grid({r["fiscal_year"] for r in counted})
    for r in counted:
        figures = grid[(r["fiscal_year"], HOP_OF_STREAM[r["stream"]])]
        facts = (r["status"], r["event_driven"], False, r["extended"])
        for name in COUNTED:
            if holds_for(name, *facts):
                figures.counts[name] = figures.counts.get(name, 0) + r["n"]
    reasoned = set(DelayReason.objects.values_list("obligation_key", flat=True))
    if reasoned:
        with_reason = (
            rows.filter(OUTCOMES["past_grace"], key__in=reasoned)
            .order_by()
            .values("fiscal_year", "stream")
            .annotate(n=Count("pk"))
        )
        for r in with_reason:
            figures = grid[(r["fiscal_year"], HOP_OF_STREAM[r["stream"]])]
            figures.counts["past_grace_reason"] = figures.counts.get("past_grace_reason", 0) + r["n"]
            figures.counts["past_grace_no_reason"] -= r["n"]
    for figures in grid.values():
        figures.counts = {name: figures.counts.get(name, 0) for name in COUNTED}
    # The delays of the late duties only (a few columns a row), in the hop's unit.
    cal = reg.calendar
    business_days = {}  # (trigger, fulfilled) -> business days: many duties share their dates
    late = rows.filter(status=Status.LATE).values_list(
        "fiscal_year", "stream", "event_driven", "trigger_date", "fulfilled_on", "judged_to", "document_id"
    )
    for fy, stream, event_driven, trigger, fulfilled_on, target, document_id in late.order_by():
        figures = grid[(fy, HOP_OF_STREAM[stream])]
        disclosed = document_id is None or stream == COMMITTEE_REPORTS or document_id in forwarded_ids
        if public and not disclosed:
            figures.delays_withheld += 1
        elif event_driven and trigger is not None:
            if (trigger, fulfilled_on) not in business_days:
                business_days[(trigger, fulfilled_on)] = cal.business_days_between(trigger, fulfilled_on)
            figures.days_late.append(business_days[(trigger, fulfilled_on)])
        else:
            figures.days_late.append((fulfilled_on - target).days)
    first, last = recent_window(as_of)
    keys = rows.filter(status=Status.OVERDUE, judged_to__gte=first, judged_to__lte=last).values_list("key", flat=True)
    # Made whole from the plain rows: the statuses are worked out again by the pure rules.
    keys = list(keys)
    if not keys:  # nothing to make whole: no need to read the calendar and sessions
        return list(grid.values()), []
    plain = StoredObligation.objects.filter(key__in=keys).select_related("document__submission")
    return list(grid.values()), reg.materialize(list(plain), as_of)


def figures_of(obligations, public=False, forwarded_ids=frozenset()) -> list[HopFigures]:
    """The same figures counted from `Obligation`s (the what-if view; tests compare both)."""
    grid = _grid({o.fiscal_year for o in obligations})
    for o in obligations:
        figures = grid[(o.fiscal_year, hop_of(o))]
        for name in COUNTED:
            if holds(name, o):
                figures.counts[name] = figures.counts.get(name, 0) + 1
        if o.status != Status.LATE:
            continue
        if public and not disclosure.obligation_disclosed(o, forwarded_ids):
            figures.delays_withheld += 1
        elif o.spec.is_event_driven and o.delay_business_days is not None:
            figures.days_late.append(o.delay_business_days)
        else:
            figures.days_late.append(o.days_late)
    for figures in grid.values():
        figures.counts = {name: figures.counts.get(name, 0) for name in COUNTED}
    return list(grid.values())


def trend(record: Record):
    """The on-time rate of each hop across the fiscal years, as an SVG line chart (the
    figures are also in the tables, for screen readers and for print)."""
    years = record.fiscal_years
    series = [
        Series(str(HOP_LABELS[hop]), [r.on_time_percent for r in record.by_hop(hop)])
        for hop in HOPS
        if any(r.rated for r in record.by_hop(hop))
    ]
    title = _("On-time rate by fiscal year")
    if record.what_if:
        title = _("[What-if] %(title)s") % {"title": title}
    return trend_chart(title, years, series) if series else None
