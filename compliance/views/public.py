"""The public register, /public/: no sign-in, Korean first, with English.

What it shows is decided by `compliance.disclosure` (staged disclosure, no personal
data); obligations come from the register, as on the dashboard. `WEGO_PUBLIC_REGISTER=0`
turns it off (404, like any unknown address).
"""

import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import disclosure, register
from ..access import CITY, role_required
from ..audit import client_ip
from ..models import Document, ReadLogEntry
from ..services import open_register, review
from .api import params
from .api.problems import BadParameters
from .funding import funding_figures


def _require_public_register():
    if not disclosure.public_register_enabled():
        raise Http404(_("The public register is turned off."))


def _law(reg, today):
    """Article 17 as in force today, and the proposed versions (bills, not law)."""
    in_force = sorted(reg.law_in_force(today), key=lambda p: int(p.paragraph) if p.paragraph.isdigit() else 0)
    return in_force, reg.bills()


def _row(ob, trail, public, forwarded):
    disclosed = disclosure.obligation_disclosed(ob, forwarded)
    hops = [row for row in trail if not public or row["doc"].id in forwarded]
    return {
        "ob": ob,
        "disclosed": disclosed or not public,
        "derivation": ob.deadline.derivation(get_language() or "ko")
        if disclosure.derivation_visible(ob, public=public, forwarded_ids=forwarded)
        else None,
        "hops": hops,
        "hidden_hops": len(trail) - len(hops),
    }


@require_GET
def public_register(request):
    _require_public_register()
    today = timezone.localdate()
    try:
        wanted = params.parse(request.GET, {"fiscal_year": params.year}, today).get("fiscal_year")
    except BadParameters as exc:
        return render(request, "compliance/public/bad_request.html", {"errors": exc.errors}, status=400)
    reg = register.load()
    forwarded = disclosure.forwarded_document_ids(today)
    obligations = reg.obligations(today)
    years = sorted({ob.fiscal_year for ob in obligations}, reverse=True)
    if wanted is not None:
        obligations = [ob for ob in obligations if ob.fiscal_year == wanted]
    rows = [_row(ob, reg.trail(ob, today), True, forwarded) for ob in obligations]
    rows.sort(key=lambda r: (-r["ob"].fiscal_year, r["ob"].spec.ordering, r["ob"].due_date, r["ob"].key))
    by_year = [(fy, list(group)) for fy, group in itertools.groupby(rows, key=lambda r: r["ob"].fiscal_year)]
    documents = list(
        Document.objects.filter(pk__in=forwarded).select_related("submission").order_by("-submission__received_on")
    )
    files = {}
    for stored in disclosure.public_files([d.pk for d in documents]):
        files.setdefault(stored.document_id, []).append(stored)
    in_force, proposed = _law(reg, today)
    context = {
        "today": today,
        "years": years,
        "fiscal_year": wanted,
        "by_year": by_year,
        "documents": [(d, files.get(d.pk, [])) for d in documents],
        "law_in_force": in_force,
        "law_proposed": proposed,
        **funding_figures(),
    }
    return render(request, "compliance/public/register.html", context)


@require_GET
def public_file(request, pk):
    """A file the Digital Policy Officer marked public, once its document is forwarded."""
    _require_public_register()
    stored = disclosure.public_file(pk, timezone.localdate())
    if stored is None:
        raise Http404(_("No such public file."))
    try:
        handle = stored.open()
    except FileNotFoundError:
        raise Http404(_("No such public file.")) from None
    review.do_log_read(
        by=request.user,
        ip=client_ip(request),
        kind=ReadLogEntry.Kind.PUBLIC_FILE,
        name=stored.original_name,
        file=stored,
    )
    response = FileResponse(handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*CITY)
@require_POST
def file_publish(request, pk):
    """The Digital Policy Officer makes one file public on the register, or private again."""
    action = request.POST.get("action")
    if action not in {"publish", "unpublish"}:
        return render(request, "compliance/error.html", {"message": _("Unknown action.")}, status=400)
    try:
        stored = open_register.do_set_file_public(
            by=request.user, file_id=pk, public=action == "publish", ip=client_ip(request)
        )
    except ValidationError as exc:
        return render(request, "compliance/error.html", {"message": " ".join(exc.messages)}, status=400)
    messages.success(
        request,
        _("The file is now public on the register.") if stored.is_public else _("The file is no longer public."),
    )
    return redirect("submission_detail", stored.document.submission_id)
