"""The models, one module per area; this package re-exports them all.

Only what happened and the law as data are stored. Obligations and their status are
derived (`compliance.rules` through `compliance.register`); nothing here stores a status.
"""

from .alerts import AlertDelivery, AlertDeliveryQuerySet, AlertPreference, AlertScan, AlertStage, Notification
from .api_tokens import ApiToken, ApiTokenQuerySet
from .audit import AuditEntry, AuditEntryQuerySet, AuditHeadPublication
from .base import BilingualNameMixin
from .coverage import RecordCoverage, RecordStream
from .events import (
    CommitteeReport,
    DelayReason,
    Document,
    Evaluation,
    Forwarding,
    ForwardingItem,
    InspectionRequest,
    ReceiptCounter,
    Submission,
)
from .extensions import Extension, ExtensionQuerySet, latest_active_extensions
from .files import DocumentFile, FormToken
from .funding import DuesCollection, FundingYear, SeoulSupport
from .imports import ImportJob
from .law import DocumentKind, DutyRule, LegalInstrument, Provision
from .log import LogHead, LogKey, LogLeaf, LogLeafQuerySet
from .outbox import ReceiptEmail, ReceiptEmailQuerySet
from .packets import PacketBuild
from .parties import CouncilSession, HolidayOverride, Party
from .register import StoredObligation
from .review import MAX_REVIEW_TEXT, ReadLogEntry, ReviewComment, ReviewOutcome

__all__ = [
    "ApiToken",
    "ApiTokenQuerySet",
    "AlertDelivery",
    "AlertDeliveryQuerySet",
    "AlertPreference",
    "AlertScan",
    "AlertStage",
    "AuditEntry",
    "AuditEntryQuerySet",
    "AuditHeadPublication",
    "BilingualNameMixin",
    "CommitteeReport",
    "CouncilSession",
    "StoredObligation",
    "DelayReason",
    "Document",
    "DocumentFile",
    "DocumentKind",
    "ImportJob",
    "DuesCollection",
    "DutyRule",
    "Evaluation",
    "Extension",
    "ExtensionQuerySet",
    "FormToken",
    "Forwarding",
    "ForwardingItem",
    "FundingYear",
    "HolidayOverride",
    "InspectionRequest",
    "LegalInstrument",
    "LogHead",
    "LogKey",
    "LogLeaf",
    "LogLeafQuerySet",
    "MAX_REVIEW_TEXT",
    "Notification",
    "PacketBuild",
    "Party",
    "Provision",
    "ReadLogEntry",
    "ReceiptCounter",
    "ReceiptEmail",
    "ReceiptEmailQuerySet",
    "RecordCoverage",
    "RecordStream",
    "ReviewComment",
    "ReviewOutcome",
    "SeoulSupport",
    "Submission",
    "latest_active_extensions",
]
