"""Every write: `do_*` functions by area, each in one transaction with side effects on commit.

- `submissions`: WeGO → Mayor receipts (17③).
- `city`: forwarding, committee reports (17⑤), delay reasons, evaluations (17④), inspections (17②).
- `extensions`: agreed extensions of a deadline (recorded, withdrawn).
- `alerts`: the alert scan and the e-mail senders.  `notifications`: the in-app inbox.
- `packets`: council packet builds.  `imports`: record imports.
- `translog`: the transparency log (`append_leaf`, signed heads).  `law`: provision versions.

`from compliance import services; services.do_forward_to_council(...)` keeps working: the
workflow services are re-exported here.
"""

from .city import (
    do_forward_to_council,
    do_record_delay_reason,
    do_record_evaluation,
    do_record_inspection,
    do_report_to_committee,
)
from .common import Outcome, fiscal_year_range
from .extensions import do_record_extension, do_withdraw_extension
from .submissions import DocSpec, do_receive_submission, next_receipt_number
from .translog import append_leaf

__all__ = [
    "DocSpec",
    "Outcome",
    "append_leaf",
    "do_forward_to_council",
    "do_receive_submission",
    "do_record_delay_reason",
    "do_record_evaluation",
    "do_record_extension",
    "do_record_inspection",
    "do_report_to_committee",
    "do_withdraw_extension",
    "fiscal_year_range",
    "next_receipt_number",
]
