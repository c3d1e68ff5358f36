"""Strict query parameters: an unknown, repeated or malformed one is a 400, never ignored.

Each view declares what it accepts as {name: parser}; a parser returns the value or
raises `ValueError` with a message in the caller's language.
"""

import datetime
import re

from django.utils.translation import gettext as _

from ...rules.calculator import MIN_YEAR, max_year
from .problems import BadParameters

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only


def iso_date(value, today):
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(_("Enter a valid date (YYYY-MM-DD)."))
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Enter a valid date (YYYY-MM-DD).")) from None
    if not MIN_YEAR <= day.year <= max_year(today):
        raise ValueError(
            _("The date must be between %(first)s and %(last)s.")
            % {"first": f"{MIN_YEAR}-01-01", "last": f"{max_year(today)}-12-31"}
        )
    return day


def year(value, today):
    if not re.fullmatch(r"[0-9]{4}", value):
        raise ValueError(_("Enter a year as four digits, e.g. 2025."))
    number = int(value)
    if not MIN_YEAR <= number <= max_year(today):
        raise ValueError(
            _("The fiscal year must be between %(first)s and %(last)s.") % {"first": MIN_YEAR, "last": max_year(today)}
        )
    return number


def flag(value, today):
    if value not in {"0", "1", "true", "false"}:
        raise ValueError(_("Use 1 (yes) or 0 (no)."))
    return value in {"1", "true"}


def choice(*allowed):
    def parse(value, today):
        if value not in allowed:
            raise ValueError(
                _("Unknown value %(value)r; known: %(known)s.") % {"value": value, "known": ", ".join(allowed)}
            )
        return value

    return parse


def positive_int(value, today):
    if not re.fullmatch(r"[0-9]{1,6}", value) or int(value) < 1:
        raise ValueError(_("Enter a whole number of at least 1."))
    return int(value)


PAGINATION = {"page": positive_int, "page_size": positive_int}


def parse(query, spec, today):
    """{name: value} for the parameters of `query` (a QueryDict) that `spec` names; every
    unknown, repeated or malformed one is reported at once in `BadParameters`."""
    errors, values = [], {}
    for name in query:
        if name not in spec:
            known = ", ".join(sorted(spec)) or "-"
            errors.append(
                {"parameter": name, "detail": _("Unknown parameter. Known parameters: %(known)s.") % {"known": known}}
            )
            continue
        given = query.getlist(name)
        if len(given) > 1:
            errors.append({"parameter": name, "detail": _("Give this parameter once.")})
            continue
        try:
            values[name] = spec[name](given[0].strip(), today)
        except ValueError as exc:
            errors.append({"parameter": name, "detail": str(exc)})
    if errors:
        raise BadParameters(errors)
    return values
