"""The workflow's writes: each `do_*` runs in one transaction and checks the domain rules.

Views call these with already-parsed values; every refusal is a ValidationError (with a
field where one applies) and leaves nothing behind. Obligations are never written:
they are derived from the events recorded here (`compliance.obligations`). Every row
written here is recorded in the audit trail by `compliance.audit`'s signals, attributed
to `by` at `ip`. Side effects (e-mail) run only after the commit.

`token` is the one-time token of the form that was posted: posting the same form twice
returns the first record (created=False) instead of making a second one.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from ..display import date_label
from ..models import (
    FormToken,
)
from ..rules import records

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    obj: object
    created: bool
    notes: list = field(default_factory=list)


def fiscal_year_range(today: datetime.date) -> range:
    """Fiscal years a record may concern (`compliance.rules.records`; imports obey it too)."""
    return records.fiscal_year_range(settings.WEGO_TRACKING_START, today)


def _check_fiscal_year(fiscal_year, today, field_name="fiscal_year"):
    years = fiscal_year_range(today)
    if fiscal_year not in years:
        raise ValidationError(
            {
                field_name: _("The fiscal year must be between %(first)s and %(last)s.")
                % {"first": years.start, "last": years.stop - 1}
            }
        )


def _check_not_future(day, today, field_name):
    if day > today:
        raise ValidationError(
            {
                field_name: _("The date cannot be in the future (today is %(today)s in Seoul).")
                % {"today": date_label(today)}
            }
        )


def _lock(name):
    """Serialise a numbering sequence until the transaction ends (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def _once(by, token, purpose, model, create):
    """Run `create()` unless this form token already produced a record."""
    if not token:
        return Outcome(create(), True)
    try:
        with transaction.atomic():
            claim = FormToken.objects.create(token=token, user=by, purpose=purpose)
    except IntegrityError:
        # A concurrent or earlier post of the same form: it committed, show its record.
        claim = FormToken.objects.filter(token=token).first()
        if claim is None or claim.user_id != by.pk or claim.purpose != purpose or claim.result_pk is None:
            raise ValidationError(_("This form was already submitted. Please reload the page.")) from None
        return Outcome(model.objects.get(pk=claim.result_pk), False)
    obj = create()
    FormToken.objects.filter(pk=claim.pk).update(result_pk=obj.pk)
    return Outcome(obj, True)
