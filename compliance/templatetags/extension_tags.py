"""Template helpers of agreed extensions: what the obligation page's extension section shows."""

from django import template

from ..models import Extension
from ..roles import ADMIN, DPO, role_of

register = template.Library()


@register.simple_tag(takes_context=True)
def obligation_extensions(context, obligation, as_of):
    """`{% obligation_extensions obligation as_of as ext %}`: the obligation's extensions as
    known on `as_of` (like the rest of the page), newest grant first (`rows`, each with
    `in_force_then`; one recorded after `as_of` is left out, one withdrawn after it is shown
    in force), the one in effect that day (`latest`) and whether the reader may record or
    withdraw one (`can_record`). One query."""
    request = context.get("request")
    rows = list(
        Extension.objects.filter(obligation_key=obligation.key)
        .as_known_on(as_of)
        .select_related("document__submission")
        .order_by("-granted_on", "-created_at", "-pk")
    )
    user = getattr(request, "user", None)
    return {
        "rows": rows,
        "latest": next((row for row in rows if row.in_force_then), None),
        "can_record": user is not None and role_of(user) in (DPO, ADMIN),
    }
