"""Is the stored register what the events give? (`manage.py verify_register`, `/health/`.)"""

from __future__ import annotations

import datetime

from ..rules.obligations import derive
from .keep import FIELDS, _with_extensions, last_fiscal_year, row_of
from .records import load_history


def verify(today: datetime.date | None = None) -> dict:
    """Compare every stored row with a full recomputation from the events.

    Returns {"ok": bool, "stored": n, "expected": n, "missing": [keys], "extra": [keys],
    "different": [keys]} (at most 20 keys each)."""
    from ..models import StoredObligation

    wanted = _with_extensions({f.key: row_of(f) for f in derive(load_history(), last_fiscal_year(today))})
    stored = {row["key"]: row for row in StoredObligation.objects.values("key", *FIELDS)}
    missing = sorted(set(wanted) - set(stored))
    extra = sorted(set(stored) - set(wanted))
    different = sorted(
        key
        for key in set(wanted) & set(stored)
        if any(stored[key][name] != value for name, value in wanted[key].items())
    )
    return {
        "ok": not (missing or extra or different),
        "stored": len(stored),
        "expected": len(wanted),
        "missing": missing[:20],
        "extra": extra[:20],
        "different": different[:20],
    }
