"""Background work claimed with a lease: packet builds and import jobs.

Both are rows with a `state` (queued → running → done/failed), `attempts`, `claimed_by`,
`started_at`, `finished_at` and `lease_expires_at`. A worker claims a queued row with a
conditional update that must change exactly one row (a task delivered twice runs once),
and renews the lease at every progress step; a row whose lease ran out, or whose worker
restarted, is taken back by the sweep (`stale`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone


def lease_until(now=None):
    return (now or timezone.now()) + datetime.timedelta(seconds=settings.WEGO_PACKET_LEASE_SECONDS)


@dataclass
class Claim:
    """A row this worker holds. `mine` matches it only while this claim holds: once the
    sweep has taken it back (or another attempt runs it), updates through it change nothing."""

    row: object
    mine: QuerySet

    def renew(self, **fields):
        """Record progress and extend the lease."""
        self.mine.update(lease_expires_at=lease_until(), **fields)

    def finish(self, state, **fields):
        self.mine.update(state=state, finished_at=timezone.now(), lease_expires_at=None, **fields)


def claim(model, pk, worker, **fields) -> Claim | None:
    """Claim the queued row `pk` of `model` for `worker` (with `fields` set as it starts);
    None when it is not queued (done, running elsewhere, or claimed twice)."""
    rows = model.objects.filter(pk=pk)
    now = timezone.now()
    claimed = rows.filter(state=model.State.QUEUED).update(
        state=model.State.RUNNING,
        started_at=now,
        attempts=F("attempts") + 1,
        claimed_by=worker[:200],
        lease_expires_at=lease_until(now),
        **fields,
    )
    if claimed != 1:
        return None
    row = rows.get()
    mine = rows.filter(state=model.State.RUNNING, claimed_by=row.claimed_by, attempts=row.attempts)
    return Claim(row, mine)


def stale(model, now, worker=None):
    """(row, same) for each running row nobody works on: its lease ran out, or it was
    claimed by `worker`, which has just started and so runs nothing yet. `same` matches
    the row only as it was read, so that a row claimed again meanwhile is left alone."""
    lost = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    if worker:
        lost |= Q(claimed_by=worker)
    for row in model.objects.filter(lost, state=model.State.RUNNING):
        same = model.objects.filter(
            pk=row.pk, state=model.State.RUNNING, attempts=row.attempts, claimed_by=row.claimed_by
        )
        yield row, same
