"""Writes of the open register: personal API tokens and the public marking of a file.

Each `do_*` runs in one transaction; the audit trail records every row written
(`compliance.audit` signals), attributed to `by`.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..access import can_record_city_actions
from ..models import ApiToken, DocumentFile, ForwardingItem

TOKEN_PREFIX = "wego_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def do_create_api_token(*, by, name, ip=None):
    """A new token for `by`; returns (token row, secret). The secret is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that will use it.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with audit.acting(by, ip), transaction.atomic():
        token = ApiToken.objects.create(
            user=by, name=name[:100], prefix=secret[:12], key_hash=hash_token(secret), created_at=timezone.now()
        )
    return token, secret


def do_revoke_api_token(*, by, token_id, ip=None):
    """Revoke one of `by`'s own tokens (idempotent: an already revoked token stays revoked)."""
    with audit.acting(by, ip), transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=by).first()
        if token is None:
            raise ValidationError(_("No such token."))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


def do_set_file_public(*, by, file_id, public: bool, ip=None):
    """The Digital Policy Officer marks one file public (or private again); audited.

    Only a file of a document already forwarded to the Council can be made public: until
    then even its document's title is not public.
    """
    if not can_record_city_actions(by):
        raise PermissionDenied
    with audit.acting(by, ip), transaction.atomic():
        stored = DocumentFile.objects.select_for_update().filter(pk=file_id).first()
        if stored is None:
            raise ValidationError(_("No such file."))
        if public and not ForwardingItem.objects.filter(document_id=stored.document_id).exists():
            raise ValidationError(
                _("Only a file of a document forwarded to the Council can be made public: forward it first.")
            )
        if stored.is_public != public:
            stored.is_public = public
            stored.save(update_fields=["is_public"])
    return stored
