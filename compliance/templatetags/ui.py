"""Template filters for how things read on screen (see compliance/display.py), and the
error prefix of the page title."""

from django import template
from django.forms import BaseForm
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .. import display

register = template.Library()


def _lang():
    return get_language() or "ko"


@register.filter
def kdate(value):
    return display.format_date(value, _lang())


@register.filter
def kdatetime(value):
    return display.format_datetime(value, _lang())


@register.filter
def kdatetime_kst(value):
    """The date and time followed by the one "KST" (where no label says it)."""
    return display.format_datetime(value, _lang(), zone=True)


@register.filter
def ktime(value):
    return display.format_time(value, _lang())


@register.filter
def filesize(value):
    return display.format_size(value, _lang())


@register.filter
def number(value):
    return display.format_number(value)


@register.filter
def fiscal_year(value):
    """2024 -> 2024회계연도 / FY 2024."""
    from ..labels import fiscal_year_label

    return fiscal_year_label(value)


@register.filter
def report_years(build):
    """An annual report build's fiscal years: "FY 2023 onwards", "All years", ..."""
    from ..labels import fiscal_years_label

    return fiscal_years_label(build.from_fiscal_year, build.to_fiscal_year)


@register.filter
def language_label(code):
    """ko -> 한국어 / Korean: never the code itself."""
    from ..labels import language_label as label

    return label(code)


@register.simple_tag(takes_context=True)
def error_title_prefix(context):
    """'오류: ' / 'Error: ' when the page shows a form that failed validation (or a
    `form_error` that is not one field's)."""
    if context.get("form_error"):
        return _("Error") + ": "
    for value in context.flatten().values():
        # type(), not isinstance(): isinstance() would evaluate the context's lazy values
        # (the unread count, a page's rows) only to learn they are not forms.
        if issubclass(type(value), BaseForm) and value.is_bound and value.errors:
            return _("Error") + ": "
    return ""
