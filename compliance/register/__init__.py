"""The register: the one way to read obligations.

What the pure rules derive from the events is **stored** (`compliance.models.
StoredObligation`): written in the transaction of the write that changes it, only for
what that write can touch (`keep`), rebuildable from the events (`manage.py
rebuild_register`) and checked against a full recomputation (`verify`, `manage.py
verify_register`, `/health/` for administrators). Statuses are never stored: they are
computed as of a day, in SQL for lists and counts (`status_sql`) and by the pure rules
for the rows shown (`read`). The what-if view is computed on demand (`whatif`). No
process keeps the history or a version of it in memory.

- `load()`: a `Register` (cheap: it reads the small tables when first asked);
- `batch()`: writes of many rows refresh once, at the end (imports);
- `changed(instances)`: what a bulk write changed, for writers that send no signals;
- `rebuild()`, `verify()`.
"""

from ..rules.calendar import Step
from .keep import Scope, batch, changed, extend, lineage_ids, rebuild, refresh
from .read import Register, committee_on, document_rows
from .records import load_history
from .signals import connect as connect_signals
from .signals import source_models
from .trails import forwardings_of, reports_of
from .verify import verify
from .whatif import due_date_moves


def load() -> Register:
    """A register for this request or task (nothing is kept between them)."""
    return Register()


# Names the callers used before the register was stored; each now means the above.
current = load
one_change = batch


__all__ = [
    "Register",
    "Scope",
    "Step",
    "batch",
    "changed",
    "committee_on",
    "connect_signals",
    "current",
    "document_rows",
    "due_date_moves",
    "extend",
    "forwardings_of",
    "lineage_ids",
    "load",
    "load_history",
    "one_change",
    "rebuild",
    "refresh",
    "reports_of",
    "source_models",
    "verify",
]
