"""Template helpers of the review loop."""

from django import template

from ..roles import ROLE_LABELS

register = template.Library()


@register.filter
def role_label(code):
    """`{{ "digital_policy_officer"|role_label }}`: the role in the reader's language."""
    label = ROLE_LABELS.get(code)
    return str(label) if label else (code or "—")
