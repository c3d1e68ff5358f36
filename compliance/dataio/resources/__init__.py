"""Import and export of records as CSV/XLSX (django-import-export resources), by area.

`RESOURCES` maps a resource name to its class, in restore order; `IMPORTABLE` lists the
names that can be imported.
"""

from .base import FORMULA_STARTS, REF_SEPARATOR, ImportFileError, NaturalKeyResource
from .coverage import RecordCoverageResource
from .events import CommitteeReportResource, DocumentResource, ForwardingResource
from .extensions import ExtensionResource
from .funding import DuesCollectionResource, FundingYearResource, SeoulSupportResource
from .obligations import ObligationResource
from .reference import CouncilSessionResource, DutyRuleResource, HolidayOverrideResource
from .reviews import ReviewResource

# The order matters for a full restore: documents before forwardings, reports and extensions.
RESOURCES = {
    r.name: r
    for r in (
        DocumentResource,
        ForwardingResource,
        CommitteeReportResource,
        CouncilSessionResource,
        FundingYearResource,
        SeoulSupportResource,
        DuesCollectionResource,
        DutyRuleResource,
        HolidayOverrideResource,
        RecordCoverageResource,
        ExtensionResource,
        ObligationResource,
        ReviewResource,
    )
}
IMPORTABLE = [name for name, r in RESOURCES.items() if not getattr(r, "export_only", False)]

__all__ = [
    "FORMULA_STARTS",
    "IMPORTABLE",
    "REF_SEPARATOR",
    "RESOURCES",
    "ImportFileError",
    "NaturalKeyResource",
]
