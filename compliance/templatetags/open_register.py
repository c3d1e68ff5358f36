from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def personal_feed_url(calendar_url):
    """The personal Atom feed behind the same secret as the personal calendar address."""
    base, _slash, last = calendar_url.rpartition("/")
    token = last.removesuffix(".ics")
    if not token:
        return ""
    origin = base[: base.index("/", base.index("//") + 2)] if "//" in base else ""
    return origin + reverse("user_feed", args=[token])
