"""Template helpers of agreed extensions: what the obligation page's extension section shows."""

from django import template

from ..models import Extension
from ..roles import ADMIN, DPO, role_of

register = template.Library()


@register.simple_tag(takes_context=True)
def obligation_extensions(context, obligation):
    """`{% obligation_extensions obligation as ext %}`: the obligation's extensions, newest
    grant first (`rows`, withdrawn ones included), the one in effect (`latest`) and whether
    the reader may record or withdraw one (`can_record`). One query."""
    request = context.get("request")
    rows = list(
        Extension.objects.filter(obligation_key=obligation.key)
        .select_related("document__submission")
        .order_by("-granted_on", "-created_at", "-pk")
    )
    user = getattr(request, "user", None)
    return {
        "rows": rows,
        "latest": next((row for row in rows if row.is_active), None),
        "can_record": user is not None and role_of(user) in (DPO, ADMIN),
    }
