"""The tables of the list pages (django-tables2): sortable columns, pages of 25 (the
inbox's of 50), cells written for a reader (dates, sizes, links). They render with
templates/tables/krds_table.html (settings.DJANGO_TABLES2_TEMPLATE); `list_page()` pairs
a table with its filter form (compliance/forms/filters.py)."""

import django_tables2 as tables
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import display
from ..labels import fiscal_year_label, fiscal_years_label, language_label
from ..models import (
    AuditEntry,
    CommitteeReport,
    Document,
    Evaluation,
    Forwarding,
    InspectionRequest,
    PacketBuild,
    Submission,
)

PER_PAGE = 25
BR = mark_safe("<br>")


def _lang():
    return get_language() or "ko"


# --- Columns ---------------------------------------------------------------------------


class DateColumn(tables.Column):
    """A date (or the KST day of a datetime) the way the interface writes dates."""

    def render(self, value):
        return display.format_date(value, _lang())


class DateTimeColumn(tables.Column):
    def render(self, value):
        return display.format_datetime(value, _lang())


class FiscalYearColumn(tables.Column):
    def render(self, value):
        return fiscal_year_label(value)


# --- Submissions -----------------------------------------------------------------------


class SubmissionTable(tables.Table):
    received_on = DateColumn(verbose_name=_("Received"))
    receipt_number = tables.Column(verbose_name=_("Receipt number"), empty_values=())
    documents = tables.Column(verbose_name=_("Documents"), empty_values=(), orderable=False)
    files = tables.Column(verbose_name=_("Files"), empty_values=(), orderable=False)

    class Meta:
        model = Submission
        fields = ("received_on", "receipt_number", "documents", "files")
        order_by = ("-received_on",)
        empty_text = _("Nothing matches. Change the filters or clear them.")

    def render_receipt_number(self, record):
        text = record.receipt_number or _("(from the city's records)")
        return format_html('<a href="{}">{}</a>', reverse("submission_detail", args=[record.pk]), text)

    def render_documents(self, record):
        return format_html_join(
            BR,
            '{} <span class="app-muted">({}, {})</span>',
            ((d.title, d.get_kind_display(), fiscal_year_label(d.fiscal_year)) for d in record.documents.all()),
        )

    def render_files(self, record):
        lang = _lang()
        return (
            format_html_join(
                BR,
                '<a href="{}">{}</a> <span class="app-muted">({})</span>',
                (
                    (reverse("file_download", args=[f.pk]), f.original_name, display.format_size(f.size, lang))
                    for d in record.documents.all()
                    for f in d.files.all()
                ),
            )
            or "—"
        )


# --- The Digital Policy Officer's inbox -------------------------------------------------


class InboxTable(tables.Table):
    # Set by the view for the page's documents, from the register: document pk -> review
    # thread (compliance.reviews.threads_for), -> forwardings, -> committee reports.
    reviews = {}
    forwardings = {}
    reports = {}

    received = DateColumn(accessor="submission__received_on", verbose_name=_("Received"))
    title = tables.Column(verbose_name=_("Document"))
    fiscal_year = FiscalYearColumn(verbose_name=_("Fiscal year"))
    forwarded = tables.Column(verbose_name=_("Forwarded to the Council"), empty_values=(), orderable=False)
    reported = tables.Column(verbose_name=_("Reported to the committee"), empty_values=(), orderable=False)
    actions = tables.Column(verbose_name=_("Actions"), empty_values=(), orderable=False)

    class Meta:
        model = Document
        fields = ("received", "title", "fiscal_year", "forwarded", "reported", "actions")
        order_by = ("-received",)
        empty_text = _("Nothing matches. Change the filters or clear them.")
        row_attrs = {"data-document": lambda record: record.pk}

    def render_title(self, record):
        html = format_html(
            '<a href="{}">{}</a> <span class="app-muted">({})</span>',
            reverse("submission_detail", args=[record.submission_id]),
            record.title,
            record.get_kind_display(),
        )
        if record.supersedes:
            html += format_html(
                '<br><span class="app-muted">{}</span>', _("replaces %(t)s") % {"t": record.supersedes.title}
            )
        return html

    def render_forwarded(self, record):
        lang = _lang()
        forwardings = self.forwardings.get(record.pk)
        if not forwardings:
            return format_html("<strong>{}</strong>", _("Not forwarded"))
        return format_html_join(
            BR,
            '<span data-testid="forwarded-{}">{} {}{}</span>',
            (
                (
                    record.pk,
                    _("Forwarded"),
                    display.format_date(f.forwarded_on, lang),
                    f" · {f.document_number}" if f.document_number else "",
                )
                for f in forwardings
            ),
        )

    def render_reported(self, record):
        lang = _lang()
        reports = self.reports.get(record.pk, ())
        return format_html_join(BR, "{}", ((display.format_date(r.reported_on, lang),) for r in reports)) or "—"

    def render_actions(self, record):
        review = format_html(
            '<a href="{}" data-testid="review-{}">{}</a> {}',
            reverse("document_review", args=[record.pk]),
            record.pk,
            _("Review"),
            render_to_string("compliance/review/_state.html", {"thread": self.reviews.get(record.pk)}),
        )
        links = [
            review,
            format_html(
                '<a href="{}?document={}" data-testid="forward-{}">{}</a>',
                reverse("forwarding_new"),
                record.pk,
                record.pk,
                # Already forwarded (the column before says when, with its number): a
                # second forwarding is an explicit choice, never the obvious next step.
                _("Forward again") if self.forwardings.get(record.pk) else _("Forward"),
            ),
        ]
        if self.forwardings.get(record.pk):
            links.append(
                format_html('<a href="{}?document={}">{}</a>', reverse("committee_report_new"), record.pk, _("Report"))
            )
        return format_html_join(BR, "{}", ((link,) for link in links))


# --- Forwardings and committee reports ------------------------------------------------


class ForwardingTable(tables.Table):
    forwarded_on = DateColumn(verbose_name=_("Forwarded on"))
    document_number = tables.Column(verbose_name=_("Official document number"), default="—")
    documents = tables.Column(verbose_name=_("Documents"), empty_values=(), orderable=False)

    class Meta:
        model = Forwarding
        fields = ("forwarded_on", "document_number", "documents")
        order_by = ("-forwarded_on",)
        empty_text = _("Nothing matches. Change the filters or clear them.")

    def render_documents(self, record):
        rows = []
        for item in record.items.all():
            if item.document_id:
                rows.append(
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("submission_detail", args=[item.document.submission_id]),
                        item.description,
                    )
                )
            else:
                rows.append(
                    format_html('{} <span class="app-muted">({})</span>', item.description, _("no receipt on record"))
                )
        return format_html("<br>".join(["{}"] * len(rows)), *rows) if rows else "—"


class CommitteeReportTable(tables.Table):
    reported_on = DateColumn(verbose_name=_("Reported on"))
    committee = tables.Column(accessor="committee__name", verbose_name=_("Committee"))
    session = tables.Column(verbose_name=_("Session"), default="—", orderable=False)
    documents = tables.Column(verbose_name=_("Documents"), empty_values=(), orderable=False)

    class Meta:
        model = CommitteeReport
        fields = ("reported_on", "committee", "session", "documents")
        order_by = ("-reported_on",)
        empty_text = _("None recorded.")

    def render_documents(self, record):
        return format_html_join(BR, "{}", ((d.title,) for d in record.documents.all())) or "—"


# --- Evaluations and inspections ------------------------------------------------------


class EvaluationTable(tables.Table):
    fiscal_year = FiscalYearColumn(verbose_name=_("Fiscal year"))
    evaluated_on = DateColumn(verbose_name=_("Evaluated on"))
    outcome = tables.Column(verbose_name=_("Outcome"))
    summary = tables.Column(verbose_name=_("Summary"), orderable=False)
    measures = tables.Column(verbose_name=_("Measures"), orderable=False, default="—")
    documents = tables.Column(verbose_name=_("Documents"), empty_values=(), orderable=False)

    class Meta:
        model = Evaluation
        fields = ("fiscal_year", "evaluated_on", "outcome", "summary", "measures", "documents")
        order_by = ("-evaluated_on",)
        empty_text = _("Nothing matches. Change the filters or clear them.")

    def render_documents(self, record):
        return format_html_join(BR, "{}", ((d.title,) for d in record.documents.all())) or "—"


class InspectionTable(tables.Table):
    requested_on = DateColumn(verbose_name=_("Requested on"))
    kind = tables.Column(verbose_name=_("Kind"))
    fiscal_year = FiscalYearColumn(verbose_name=_("Fiscal year"), default="—")
    subject = tables.Column(verbose_name=_("Subject"), orderable=False)
    answered_on = DateColumn(verbose_name=_("Answered on"), default="—")

    class Meta:
        model = InspectionRequest
        fields = ("requested_on", "kind", "fiscal_year", "subject", "answered_on")
        order_by = ("-requested_on",)
        empty_text = _("None recorded.")


# --- Council packets --------------------------------------------------------------------


class PacketTable(tables.Table):
    packet = tables.Column(verbose_name=_("Packet"), accessor="scope", empty_values=())
    version = tables.Column(verbose_name=_("Version"))
    language = tables.Column(verbose_name=_("Language"))
    requested_by = tables.Column(verbose_name=_("Built by"), default="—", orderable=False)
    created_at = DateTimeColumn(verbose_name=_("Requested at"))
    state = tables.Column(verbose_name=_("State"))
    page_count = tables.Column(verbose_name=_("Pages"), default="—")

    class Meta:
        model = PacketBuild
        fields = ("packet", "version", "language", "requested_by", "created_at", "state", "page_count")
        order_by = ("-created_at",)
        empty_text = _("No packet has been built yet.")

    def render_packet(self, record):
        lang = _lang()
        parts = [record.get_scope_display()]
        if record.fiscal_year:
            parts.append(str(fiscal_year_label(record.fiscal_year)))
        if record.date_from:
            parts.append(f"{display.format_date(record.date_from, lang)}–{display.format_date(record.date_to, lang)}")
        if record.scope == PacketBuild.Scope.REPORT:
            parts.append(str(fiscal_years_label(record.from_fiscal_year, record.to_fiscal_year)))
        html = format_html(
            '<a href="{}">{}</a> <span class="app-muted">({})</span>',
            reverse("packet_detail", args=[record.pk]),
            " · ".join(parts),
            _("as of %(day)s") % {"day": display.format_date(record.as_of, lang)},
        )
        if record.what_if:
            # A what-if packet never passes as the official one, in the list either.
            html += format_html(
                ' <span class="krds-badge bg-light-warning app-what-if-badge" data-what-if>{}</span>',
                _("What-if packet")
                + " · "
                + (_("from %(day)s") % {"day": display.format_date(record.what_if_from, lang)}),
            )
        return html

    def render_version(self, value):
        return _("Version %(n)s") % {"n": value}

    def render_language(self, value):
        return language_label(value)

    def render_requested_by(self, value):
        return value.get_full_name() or value.get_username()


# --- Audit trail --------------------------------------------------------------------------


class AuditTable(tables.Table):
    created_at = DateTimeColumn(verbose_name=_("Time (KST)"), order_by=("seq",))
    event = tables.Column(verbose_name=_("What happened"), empty_values=(), orderable=False)
    ip_address = tables.Column(verbose_name=_("Address"), default="—", orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("created_at", "event", "ip_address")
        order_by = ("-created_at",)
        empty_text = _("Nothing matches. Change the filters or clear them.")

    sentences = {}

    def render_event(self, record):
        sentence = self.sentences.get(record.pk)
        if sentence is None:
            return "—"
        return render_to_string("compliance/workflow/_audit_sentence.html", {"s": sentence})


# --- The page -------------------------------------------------------------------------------


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (`count`), so it does not count them."""

    def __init__(self, object_list, per_page, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count  # replaces the cached property


def list_page(
    request, queryset, filterset_class, table_class, *, per_page=PER_PAGE, prefix=None, count=None, **table_kwargs
):
    """The filter form (bound to the query string) and the table of one list page.

    `count`: how many rows `queryset` holds, when the caller knows it without a query;
    used only while no filter narrows the rows."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request, prefix=prefix)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    table = table_class(rows, **table_kwargs)
    paginate = {"per_page": per_page}
    if count is not None and not rows.query.has_filters() and not rows.query.distinct:
        paginate.update(paginator_class=CountedPaginator, count=count)
    tables.RequestConfig(request, paginate=paginate).configure(table)
    # Page numbers to link: the ends and two either side of this one, "…" between.
    table.page_range = list(table.paginator.get_elided_page_range(table.page.number, on_each_side=2, on_ends=1))
    return filterset, table
