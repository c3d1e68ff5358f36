from django import template

register = template.Library()


@register.filter
def thousands(value):
    """1262000 -> "1,262,000" (the way the review report writes amounts)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
