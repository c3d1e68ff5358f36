"""The public register, /public/: no sign-in, Korean first, with English.

What it shows is decided by `compliance.disclosure` (staged disclosure, no personal
data); obligations come from the register, as on the dashboard. `WEGO_PUBLIC_REGISTER=0`
turns it off (404, like any unknown address).
"""

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
from ..forms.public import PublicSearchForm
from ..models import Document, ReadLogEntry
from ..register import relay
from ..services import open_register, review
from .common import page_context
from .funding import funding_figures

RELAYS_PER_PAGE = 10


def _require_public_register():
    if not disclosure.public_register_enabled():
        raise Http404(_("The public register is turned off."))


def _law(reg, today):
    """Article 17 as in force today, and the proposed versions (bills, not law)."""
    in_force = sorted(reg.law_in_force(today), key=lambda p: int(p.paragraph) if p.paragraph.isdigit() else 0)
    return in_force, reg.bills()


def _hop_days(reg, ob):
    """Business days a "without delay" hop took (or has taken so far, when late)."""
    if not ob.is_grace_duty:
        return None
    if ob.delay_business_days is not None:
        return ob.delay_business_days
    if ob.fulfilled_on and ob.trigger_date:
        return reg.calendar.business_days_between(ob.trigger_date, ob.fulfilled_on)
    return None


@require_GET
def public_register(request):
    """A search page: the answer first (one row per duty and fiscal year, read across the
    relay WeGO → Mayor → Council → committee), then documents, the law and funding."""
    _require_public_register()
    today = timezone.localdate()
    reg = register.load()
    form = PublicSearchForm(request.GET or None, due_years=relay.due_years(reg, today))
    status = 200
    page, relays = None, []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        wanted = form.search() if form.is_bound else relay.Search()
        page, relays = relay.search(reg, today, wanted, request.GET.get("page"), RELAYS_PER_PAGE)
    language = get_language() or "ko"
    forwarded = disclosure.forwarded_document_ids(today)
    for r in relays:
        for ob in (*r.to_mayor, *r.to_council, *r.to_committee):
            ob.public = disclosure.obligation_disclosed(ob, forwarded)
            # A derivation that names an undisclosed receipt stays private, like its dates.
            visible = disclosure.derivation_visible(ob, public=True, forwarded_ids=forwarded)
            ob.public_derivation = ob.deadline.derivation(language) if visible else None
            ob.hop_business_days = _hop_days(reg, ob)
    documents = list(
        Document.objects.filter(pk__in=forwarded).select_related("submission").order_by("-submission__received_on")
    )
    files = {}
    for stored in disclosure.public_files([d.pk for d in documents]):
        files.setdefault(stored.document_id, []).append(stored)
    in_force, proposed = _law(reg, today)
    context = {
        "today": today,
        "form": form,
        "relays": relays,
        "searched": form.is_bound and status == 200,
        "documents": [(d, files.get(d.pk, [])) for d in documents],
        "law_in_force": in_force,
        "law_proposed": proposed,
        **funding_figures(),
    }
    if page is not None:
        context.update(page_context(request, page))
        context["result_count"] = page.paginator.count
    return render(request, "compliance/public/register.html", context, status=status)


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
