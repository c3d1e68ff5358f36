import datetime

from django import template
from django.utils.translation import get_language

from ..rules.calendar import WEEKDAYS_KO

register = template.Library()


@register.filter
def kdate(value):
    """A date the way Seoul's documents write it: 2024. 2. 29.(목); English: Thu 29 Feb 2024."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if (get_language() or "ko").startswith("en"):
        return f"{value:%a} {value.day} {value:%b %Y}"
    return f"{value.year}. {value.month}. {value.day}.({WEEKDAYS_KO[value.weekday()]})"


@register.filter
def step_text(step):
    return step.text(get_language() or "ko")


@register.filter
def get_item(mapping, key):
    return mapping.get(key)


@register.filter
def status_label(obligation):
    """`{{ obligation|status_label }}`: the status in the reader's language."""
    from compliance.labels import status_label as label

    return label(obligation)


@register.filter
def plain_status_label(obligation):
    from ..labels import plain_status_label as label

    return label(obligation)


@register.filter
def plain_status(obligation):
    from ..labels import plain_status as code

    return code(obligation)
