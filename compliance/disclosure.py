"""What the public may see of the register: staged disclosure, in one place.

Every public surface (the /public/ page, anonymous API calls, the public feeds and
calendar) asks here; signed-in readers with a role see what the browser shows them.

* A duty, its due date, the derivation of a calendar duty and its status are public
  from the start: they follow from the law, which is public.
* A document's title and dates become public once it has been forwarded to the Council,
  when the Council officially holds it. Before that, an obligation shows only that the
  duty exists, its due date and its status: no receipt or forwarding dates, no title.
* Files are public only when the Digital Policy Officer marked that file public (an
  audited change of `DocumentFile.is_public`), and only once its document is forwarded.
* No personal data: no user names, e-mail addresses or IP addresses, anywhere.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from .models import DocumentFile, ForwardingItem
from .roles import role_of

# Fields of the `obligations --json` contract that carry a document's dates.
_DATED_FIELDS = ("fulfilled_on", "days_late", "trigger_date")


def public_register_enabled() -> bool:
    """`WEGO_PUBLIC_REGISTER=0` turns the public page, feeds and anonymous API off."""
    return settings.WEGO_PUBLIC_REGISTER


def reads_as_public(user) -> bool:
    """Anonymous callers, and signed-in users without a role, see the public register."""
    return role_of(user) is None


def forwarded_document_ids(as_of: datetime.date) -> set[int]:
    """Documents the Council held on `as_of` (forwarded to it on or before that day)."""
    return set(
        ForwardingItem.objects.filter(forwarding__forwarded_on__lte=as_of, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )


def obligation_disclosed(obligation, forwarded_ids: set[int]) -> bool:
    """True when the obligation's document (if any) is one the Council holds.

    A committee report duty arises only from a forwarding, so it is always disclosed.
    """
    if obligation.document is None or obligation.spec.anchor == "forwarding":
        return True
    return obligation.document.id in forwarded_ids


def obligation_item(obligation, *, public: bool, forwarded_ids: set[int], url: str) -> dict:
    """The `obligations --json` fields, plus `key`, `url` and `disclosed`; dates of an
    undisclosed document are withheld from the public (null)."""
    data = obligation.as_json()
    disclosed = obligation_disclosed(obligation, forwarded_ids)
    if public and not disclosed:
        for name in _DATED_FIELDS:
            data[name] = None
        if obligation.spec.anchor == "receipt":
            # Counted from the receipt: its due date (and what follows from it) would tell
            # the receipt day. Published once the document is (DOMAIN.md "Status").
            for name in ("due_date", "days_overdue", "days_overdue_at_records_end"):
                data[name] = None
    data.update({"key": obligation.key, "url": url, "disclosed": disclosed})
    return data


def derivation_visible(obligation, *, public: bool, forwarded_ids: set[int]) -> bool:
    """A "without delay" derivation names the receipt date: public only once disclosed."""
    if not public or not obligation.spec.is_event_driven:
        return True
    return obligation_disclosed(obligation, forwarded_ids)


def public_files(document_ids) -> list[DocumentFile]:
    """Files marked public whose documents the Council holds today."""
    return list(DocumentFile.objects.filter(is_public=True, document_id__in=document_ids).order_by("document_id", "pk"))


def public_file(pk: int, today: datetime.date) -> DocumentFile | None:
    stored = DocumentFile.objects.filter(pk=pk, is_public=True).select_related("document").first()
    if stored is None or stored.document_id not in forwarded_document_ids(today):
        return None
    return stored


# Facts of the transparency log the public may read in full (the rest by leaf hash only).
PUBLIC_LEAF_KINDS = {"forwarding", "coverage", "provision", "key_rotation"}


def leaf_disclosed(kind: str, leaf_text: str, forwarded_ids: set[int]) -> bool:
    """May the public read what this log leaf states? Forwardings, coverage, the law and key
    rotations: yes. A receipt or committee report: once its documents are forwarded to the
    Council (as for the register's dates). Review outcomes and anything else: hash only."""
    import json

    if not public_register_enabled():
        return False
    if kind in PUBLIC_LEAF_KINDS:
        return True
    if kind == "receipt":
        return json.loads(leaf_text).get("document") in forwarded_ids
    if kind == "committee_report":
        return set(json.loads(leaf_text).get("documents", [])) <= forwarded_ids
    return False
