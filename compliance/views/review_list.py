"""/reviews/: every lineage of received documents with its review state, searchable,
sortable and paginated like the other lists (django-filter + django-tables2). Open
revision requests come first unless the reader sorts otherwise."""

import django_tables2 as tables
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .. import display, register
from ..access import SUBMISSION_READERS, role_required
from ..forms.filters import ReviewFilter
from ..labels import fiscal_year_label
from ..models import Document
from ..reviews import ReviewState, threads_for
from .tables import PER_PAGE, _lang

# Open requests first, then what is waiting, then what is settled.
STATE_ORDER = {
    ReviewState.REVISION_REQUESTED: 0,
    ReviewState.REVISED: 1,
    ReviewState.AWAITING: 2,
    ReviewState.RETURNED: 3,
    ReviewState.FORWARDED_UNREVIEWED: 4,
    ReviewState.ACCEPTED: 5,
}


class ReviewTable(tables.Table):
    document = tables.Column(verbose_name=_("Document (latest version)"), accessor="title", order_by=("title",))
    fiscal_year = tables.Column(verbose_name=_("Fiscal year"))
    received = tables.Column(verbose_name=_("Received"))
    state = tables.Column(verbose_name=_("Review state"), order_by=("state_order", "-received"))

    class Meta:
        attrs = {"data_testid": "review-list"}
        empty_text = _("Nothing matches. Change the filters or clear them.")
        row_attrs = {"data-document": lambda record: record["thread"].latest.pk}
        orderable = True

    def render_document(self, record):
        thread = record["thread"]
        latest = thread.latest
        versions = len(thread.versions)
        more = _(" · %(n)s versions") % {"n": versions} if versions > 1 else ""
        return format_html(
            '<a href="{}">{}</a> <span class="app-muted">({}{})</span>',
            reverse("document_review", args=[latest.pk]),
            latest.title,
            latest.get_kind_display(),
            more,
        )

    def render_fiscal_year(self, value):
        return fiscal_year_label(value)

    def render_received(self, value):
        return display.format_date(value, _lang())

    def render_state(self, record):
        return render_to_string("compliance/review/_state.html", {"thread": record["thread"]})


@role_required(*SUBMISSION_READERS)
@require_GET
def review_list(request):
    reg = register.load()
    documents = Document.objects.select_related("submission").order_by("-submission__received_on", "-pk")
    filterset = ReviewFilter(request.GET or None, queryset=documents, request=request)
    chosen = documents
    if filterset.is_bound and filterset.is_valid():
        chosen = filterset.qs
    chosen = list(chosen)
    wanted = filterset.form.cleaned_data.get("state") if filterset.is_bound and filterset.is_valid() else ""
    threads = threads_for(chosen, reg.lineage_ids)
    rows, seen = [], set()
    for doc in chosen:
        thread = threads[doc.pk]
        if thread.latest.pk in seen or (wanted and thread.shown_state != wanted):
            continue
        seen.add(thread.latest.pk)
        latest = thread.latest
        rows.append(
            {
                "thread": thread,
                "title": latest.title,
                "fiscal_year": latest.fiscal_year,
                "received": latest.submission.received_on,
                "state": thread.shown_label,
                "state_order": STATE_ORDER.get(thread.shown_state, 9),
            }
        )
    rows.sort(key=lambda r: (r["state_order"], -r["received"].toordinal()))
    table = ReviewTable(rows)
    tables.RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    table.page_range = list(table.paginator.get_elided_page_range(table.page.number, on_each_side=2, on_ends=1))
    return render(request, "compliance/review/list.html", {"filter": filterset, "table": table})
