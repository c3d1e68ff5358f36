"""The transparency log in public, /public/log/: no sign-in, Korean first, with English.

The signed heads, the public keys, the leaves (their hashes always; what they state as
`compliance.disclosure.leaf_disclosed` allows), inclusion and consistency proofs, the
offline verifier and a page on how to verify. Everything here is a read.
"""

from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .. import disclosure, log_heads
from ..models import LogHead, LogKey, LogLeaf
from ..pdf.proofs import VERIFIER

MAX_ENTRIES = 1000


def _problem(detail, status=400):
    body = {"type": "about:blank", "title": _("Bad request") if status == 400 else _("Not found"), "detail": detail}
    return JsonResponse(
        body, status=status, content_type="application/problem+json", json_dumps_params={"ensure_ascii": False}
    )


def _int(request, name, default=None, low=0):
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise ValueError(_("“%(name)s” is required.") % {"name": name})
        return default
    if not raw.isdigit() or int(raw) < low:
        raise ValueError(_("“%(name)s” must be a whole number of at least %(low)s.") % {"name": name, "low": low})
    return int(raw)


def _head_or_404():
    head = log_heads.latest_head()
    if head is None:
        raise Http404(_("The log has no signed head yet."))
    return head


def _leaf_rows(leaves, today):
    forwarded = disclosure.forwarded_document_ids(today)
    return [
        {
            "index": leaf.index,
            "kind": leaf.kind,
            "kind_label": leaf.get_kind_display(),
            "leaf_hash": leaf.leaf_hash,
            "logged_at": leaf.created_at,
            "leaf": leaf.leaf if disclosure.leaf_disclosed(leaf.kind, leaf.leaf, forwarded) else None,
        }
        for leaf in leaves
    ]


@require_GET
def log_page(request):
    head = log_heads.latest_head()
    data = log_heads.head_dict(head) if head else None
    recent = _leaf_rows(LogLeaf.objects.order_by("-index")[:30], timezone.localdate())
    return render(
        request,
        "compliance/public/log.html",
        {
            "head": data,
            "signed_at": parse_datetime(data["timestamp"]) if data else None,
            "recent": recent,
            "keys": LogKey.objects.order_by("created_at"),
            "heads": LogHead.objects.order_by("-tree_size", "-timestamp")[:10],
        },
    )


@require_GET
def verify_page(request):
    head = log_heads.latest_head()
    key = LogKey.objects.filter(key_id=head.key_id).first() if head else None
    return render(
        request,
        "compliance/public/verify.html",
        {
            "key": key,
            "keys": LogKey.objects.order_by("created_at"),
            "head": log_heads.head_dict(head) if head else None,
        },
    )


@require_GET
def head_json(request):
    """The newest signed head; `?since=N` adds the consistency proof from the head of N leaves."""
    head = log_heads.latest_head()
    if head is None:
        return _problem(_("The log has no signed head yet."), 404)
    data = log_heads.head_dict(head)
    if "since" in request.GET:
        try:
            since = _int(request, "since", low=1)
        except ValueError as exc:
            return _problem(str(exc))
        if since > head.tree_size:
            return _problem(_("The log's newest head has only %(n)s entries.") % {"n": head.tree_size})
        data["consistency"] = log_heads.consistency(since, head.tree_size)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})


@require_GET
def public_key(request):
    head = _head_or_404()
    key = LogKey.objects.filter(key_id=head.key_id).first()
    if key is None:
        raise Http404(_("No such key."))
    return HttpResponse(key.public_pem, content_type="application/x-pem-file; charset=ascii")


@require_GET
def key_pem(request, key_id):
    key = LogKey.objects.filter(key_id=key_id).first()
    if key is None:
        raise Http404(_("No such key."))
    return HttpResponse(key.public_pem, content_type="application/x-pem-file; charset=ascii")


@require_GET
def entries_json(request):
    """Leaves `start` … `start+limit-1` (at most 1000): index, kind, leaf hash, time, and the
    leaf itself where it may be published (else null: prove it with its hash)."""
    try:
        start = _int(request, "start", 0)
        limit = min(_int(request, "limit", 100, low=1), MAX_ENTRIES)
    except ValueError as exc:
        return _problem(str(exc))
    rows = _leaf_rows(LogLeaf.objects.filter(index__gte=start).order_by("index")[:limit], timezone.localdate())
    for row in rows:
        row["logged_at"] = row["logged_at"].isoformat()
        del row["kind_label"]
    return JsonResponse(
        {"tree_size": log_heads.tree_size(), "entries": rows}, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def inclusion_json(request):
    """The inclusion proof of leaf `index` (or of the leaf with hash `hash`) in the head of `size` leaves."""
    head = log_heads.latest_head()
    if head is None:
        return _problem(_("The log has no signed head yet."), 404)
    try:
        size = _int(request, "size", head.tree_size, low=1)
        if "hash" in request.GET:
            found = LogLeaf.objects.filter(leaf_hash=request.GET["hash"].lower()).order_by("index").first()
            if found is None:
                return _problem(_("No leaf has this hash."), 404)
            index = found.index
        else:
            index = _int(request, "index")
    except ValueError as exc:
        return _problem(str(exc))
    if size > log_heads.tree_size() or index >= size:
        return _problem(_("There is no leaf %(index)s in a tree of %(size)s.") % {"index": index, "size": size})
    proof = log_heads.inclusion(index, size)
    proof["leaf_hash"] = LogLeaf.objects.get(index=index).leaf_hash
    return JsonResponse(proof)


@require_GET
def consistency_json(request):
    try:
        first = _int(request, "first", low=1)
        second = _int(request, "second", low=1)
    except ValueError as exc:
        return _problem(str(exc))
    if not first <= second <= log_heads.tree_size():
        return _problem(_("Give first ≤ second ≤ the log's size."))
    return JsonResponse(log_heads.consistency(first, second))


@require_GET
def verifier(request):
    response = FileResponse(open(VERIFIER, "rb"), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_packet.py"'
    return response
