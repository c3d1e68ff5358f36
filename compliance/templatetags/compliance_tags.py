import datetime

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
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


@register.simple_tag
def log_entry(document):
    """The newest transparency-log leaf of a received document (its receipt), or None."""
    from ..models import LogLeaf

    return LogLeaf.objects.filter(ref=f"document:{document.pk}").order_by("-index").first()


@register.filter(is_safe=True)
def user_text(value):
    """Text a person wrote (a comment, a review message, a delay reason), escaped, each
    line in its own <bdi>: bidi controls in it (a right-to-left override…) reorder only
    that line, never the page's text around it or the next line. Replaces `linebreaksbr`."""
    lines = str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return mark_safe("<br>".join(f"<bdi>{escape(line)}</bdi>" for line in lines))  # noqa: S308 - escaped above


@register.filter
def has_hangul(text):
    """Whether a free text is written (at least partly) in Korean."""
    return any("\uac00" <= ch <= "\ud7a3" for ch in str(text or ""))


@register.filter
def plain_status_label(obligation):
    from ..labels import plain_status_label as label

    return label(obligation)


@register.filter
def plain_status(obligation):
    from ..labels import plain_status as code

    return code(obligation)
