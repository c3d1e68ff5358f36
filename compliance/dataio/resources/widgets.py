"""The import widgets: cell <-> value. They accept what Korean offices type
(``2023.01.16``, ``1,262,000``) and refuse the rest with a row-level message."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from import_export import widgets

from ..writer import strip_neutraliser


def _blank(value):
    return value is None or (isinstance(value, str) and value.strip() == "")


class TextWidget(widgets.Widget):
    def __init__(self, null=False, **kwargs):
        self.null = null
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None if self.null else ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return strip_neutraliser(str(value).strip())

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class DateWidget(widgets.Widget):
    """ISO dates, and the dotted/slashed forms Korean offices use (2023.01.16, 2023. 1. 16.)."""

    PATTERN = re.compile(r"(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})\.?")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if " 00:00:00" in text:
            text = text.replace(" 00:00:00", "")
        match = self.PATTERN.fullmatch(text)
        if not match:
            raise ValueError(_("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text})
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise ValueError(_("“%(value)s” is not a real calendar date.") % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return value


class IntegerWidget(widgets.Widget):
    """Whole numbers; thousands separators allowed; negative only where `min_value` allows."""

    def __init__(self, min_value=0, max_value=None, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
            number = int(value)
        elif isinstance(value, int):
            number = value
        else:
            text = str(value).strip().replace(",", "").replace(" ", "")
            if text[:2] in ("'-", "'+"):  # a number that went through our formula escaping as text
                text = text[1:]
            if re.fullmatch(r"[-+]?\d+(\.0+)?", text) is None:
                raise ValueError(_("“%(value)s” is not a whole number.") % {"value": str(value).strip()})
            number = int(Decimal(text))
        if self.min_value is not None and number < self.min_value:
            raise ValueError(
                _("%(value)s is below the smallest allowed value, %(min)s.") % {"value": number, "min": self.min_value}
            )
        if self.max_value is not None and number > self.max_value:
            raise ValueError(
                _("%(value)s is above the largest allowed value, %(max)s.") % {"value": number, "max": self.max_value}
            )
        return number

    def render(self, value, obj=None, **kwargs):
        return value


class DecimalWidget(widgets.Widget):
    """A percentage as stated in the source (e.g. 12.6); a trailing % is accepted."""

    def __init__(self, places=1, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip().rstrip("%").replace(",", "").strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": str(value).strip()}) from None
        if not number.is_finite() or number < 0:
            raise ValueError(_("“%(value)s” must be zero or more.") % {"value": str(value).strip()})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def render(self, value, obj=None, **kwargs):
        return value


class ChoiceWidget(TextWidget):
    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return text
        values = [str(v) for v in self.choices.values]
        if text not in values:
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": ", ".join(values)}
            )
        return text


class ListWidget(TextWidget):
    """Several values in one cell: separated by commas, or one per line."""

    def __init__(self, separator=",", **kwargs):
        self.separator = separator
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if not text:
            return []
        parts = (
            text.splitlines() if self.separator == "\n" else text.replace("\n", self.separator).split(self.separator)
        )
        return [p.strip() for p in parts if p.strip()]

    def render(self, value, obj=None, **kwargs):
        return self.separator.join(value or [])
