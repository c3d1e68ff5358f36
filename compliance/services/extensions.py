"""Agreed extensions ("stop the clock"): recorded and withdrawn by the Digital Policy
Officer or an administrator, in one transaction, audited (`compliance.audit`'s signals)
and logged: recording and withdrawing each append the extension's leaf to the
transparency log in the write's transaction (`compliance.services.translog`).

The checks (`compliance.rules.extensions`) run against the duty's facts as of today
(`compliance.extensions.duty_facts`, the one call to the register); a refusal is a
ValidationError or PermissionDenied in the reader's language and saves nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..access import can_record_city_actions
from ..display import date_label
from ..extensions import duty_facts, no_such_obligation, problems_for, refusals
from ..models import Document, Extension, LogLeaf
from . import translog
from .common import _once


def _check_role(by):
    if not can_record_city_actions(by):
        raise PermissionDenied(_("Only the Digital Policy Officer and administrators may record an agreed extension."))


def do_record_extension(
    *,
    by,
    obligation_key,
    extended_to,
    basis,
    granted_by,
    granted_on,
    document=None,
    token=None,
    ip=None,
    today=None,
):
    """Record that the deadline of `obligation_key` was moved to `extended_to` by agreement.

    Refused, with nothing saved: a role other than the Digital Policy Officer or an
    administrator; an unknown obligation; an agreed date on or before the statutory one or
    before the event the duty follows from; a duty already fulfilled; a grant dated in
    the future; a blank basis or grantor; the same grant recorded twice.
    """
    _check_role(by)
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):

        def create():
            errors = {}
            if not (basis or "").strip():
                errors["basis"] = [
                    _(
                        "Write the basis of the extension (for example a clause of the funding agreement, "
                        "or a Council decision)."
                    )
                ]
            if not (granted_by or "").strip():
                errors["granted_by"] = [_("Write who granted the extension.")]
            if document is not None and not isinstance(document, Document):
                errors["document"] = [_("Choose a received document.")]
            facts = duty_facts(obligation_key, today)
            if facts is None:
                errors["obligation_key"] = [no_such_obligation(obligation_key)]
            else:
                found = refusals(
                    problems_for(facts, extended_to=extended_to, granted_on=granted_on, today=today), facts, today
                )
                for field, messages in found.items():
                    errors.setdefault(field, []).extend(messages)
            if (
                not errors
                and Extension.objects.filter(
                    obligation_key=obligation_key, granted_on=granted_on, extended_to=extended_to
                ).exists()
            ):
                errors["extended_to"] = [_("This extension is already recorded.")]
            if errors:
                raise ValidationError(errors)
            row = Extension.objects.create(
                obligation_key=obligation_key,
                extended_to=extended_to,
                basis=basis.strip(),
                granted_by=granted_by.strip(),
                granted_on=granted_on,
                document=document,
                recorded_on=today,
                recorded_by=by,
            )
            # The agreed date is logged in the same transaction (`translog`).
            translog.log_record(LogLeaf.Kind.EXTENSION, row)
            return row

        return _once(by, token, "extension", Extension, create)


def do_withdraw_extension(*, by, extension, reason, ip=None, today=None):
    """Mark an extension withdrawn (it is kept, and no longer moves the date)."""
    _check_role(by)
    today = today or timezone.localdate()
    with transaction.atomic(), audit.acting(by, ip):
        row = Extension.objects.select_for_update().get(pk=getattr(extension, "pk", extension))
        if row.withdrawn_on is not None:
            raise ValidationError(
                _("This extension was already withdrawn on %(day)s.") % {"day": date_label(row.withdrawn_on)}
            )
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Write why the extension is withdrawn.")]})
        row.withdrawn_on, row.withdrawn_by, row.withdrawal_reason = today, by, reason.strip()
        row.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_reason"])
        translog.log_record(LogLeaf.Kind.EXTENSION, row)
    return row
