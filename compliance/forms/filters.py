"""The filter forms of the list pages (django-filter): text search, fiscal year, kind,
status and dates. They render with the project's form renderer like every form; the
tables they filter are in compliance/views/tables.py."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..labels import fiscal_year_label
from ..models import AuditEntry, Document, DocumentKind, Evaluation, Forwarding, PacketBuild, Submission
from .base import DateInput


# --- Building blocks -------------------------------------------------------------------
class SearchFilterSet(django_filters.FilterSet):
    """Text search over `search_fields`, plus the filters each list declares."""

    search_fields = ()
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(query).distinct() if value.strip() else queryset


def fiscal_year_filter(field_name, model_field):
    def choices():
        # DISTINCT in the database: a handful of years, not one row per document.
        years = (
            model_field.model.objects.order_by(f"-{model_field.name}")
            .values_list(model_field.name, flat=True)
            .distinct()
        )
        return [(y, fiscal_year_label(y)) for y in years if y]

    return django_filters.ChoiceFilter(
        field_name=field_name, label=_("Fiscal year"), choices=choices, empty_label=_("All"), distinct=True
    )


def date_from(field_name, label):
    return django_filters.DateFilter(field_name=field_name, lookup_expr="gte", label=label, widget=DateInput)


def date_to(field_name, label):
    return django_filters.DateFilter(field_name=field_name, lookup_expr="lte", label=label, widget=DateInput)


# --- Submissions -----------------------------------------------------------------------


class SubmissionFilter(SearchFilterSet):
    search_fields = ("receipt_number", "documents__title", "documents__files__original_name")
    fiscal_year = fiscal_year_filter("documents__fiscal_year", Document._meta.get_field("fiscal_year"))
    kind = django_filters.ChoiceFilter(
        field_name="documents__kind",
        label=_("Document"),
        choices=DocumentKind.choices,
        empty_label=_("All"),
        distinct=True,
    )
    received_from = date_from("received_on", _("Received from"))
    received_to = date_to("received_on", _("Received until"))

    class Meta:
        model = Submission
        fields = []


# --- The Digital Policy Officer's inbox -------------------------------------------------


class InboxFilter(SearchFilterSet):
    search_fields = ("title", "submission__receipt_number", "forwarding_items__forwarding__document_number")
    fiscal_year = fiscal_year_filter("fiscal_year", Document._meta.get_field("fiscal_year"))
    kind = django_filters.ChoiceFilter(label=_("Document"), choices=DocumentKind.choices, empty_label=_("All"))
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        method="by_state",
        empty_label=_("All"),
        choices=[
            ("waiting", _("Not forwarded yet")),
            ("forwarded", _("Forwarded, not reported")),
            ("reported", _("Reported to the committee")),
        ],
    )
    received_from = date_from("submission__received_on", _("Received from"))
    received_to = date_to("submission__received_on", _("Received until"))

    class Meta:
        model = Document
        fields = []

    def by_state(self, queryset, name, value):
        if value == "waiting":
            return queryset.filter(forwarding_items__isnull=True)
        if value == "forwarded":
            return queryset.filter(forwarding_items__isnull=False, committee_reports__isnull=True).distinct()
        return queryset.filter(committee_reports__isnull=False).distinct()


# --- Forwardings and committee reports ------------------------------------------------


class ForwardingFilter(SearchFilterSet):
    search_fields = ("document_number", "items__description", "items__document__title")
    fiscal_year = fiscal_year_filter("items__fiscal_year", Document._meta.get_field("fiscal_year"))
    forwarded_from = date_from("forwarded_on", _("Forwarded from"))
    forwarded_to = date_to("forwarded_on", _("Forwarded until"))

    class Meta:
        model = Forwarding
        fields = []


# --- Evaluations and inspections ------------------------------------------------------


class EvaluationFilter(SearchFilterSet):
    search_fields = ("summary", "measures", "documents__title")
    fiscal_year = fiscal_year_filter("fiscal_year", Evaluation._meta.get_field("fiscal_year"))
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Evaluation.Outcome.choices, empty_label=_("All"))
    evaluated_from = date_from("evaluated_on", _("Evaluated from"))
    evaluated_to = date_to("evaluated_on", _("Evaluated until"))

    class Meta:
        model = Evaluation
        fields = []


# --- Council packets --------------------------------------------------------------------


class PacketFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(label=_("Scope"), choices=PacketBuild.Scope.choices, empty_label=_("All"))
    fiscal_year = fiscal_year_filter("fiscal_year", PacketBuild._meta.get_field("fiscal_year"))
    state = django_filters.ChoiceFilter(label=_("State"), choices=PacketBuild.State.choices, empty_label=_("All"))
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=[("ko", _("Korean")), ("en", _("English"))], empty_label=_("All")
    )

    class Meta:
        model = PacketBuild
        fields = []


LANGUAGE_NAMES = {"ko": _("Korean"), "en": _("English")}


# --- Audit trail --------------------------------------------------------------------------


class AuditFilter(SearchFilterSet):
    search_fields = ("object_repr", "actor_name")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditEntry.Action.choices, empty_label=_("All"))
    model = django_filters.ChoiceFilter(label=_("Record"), choices=lambda: record_kind_choices(), empty_label=_("All"))
    time_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("Recorded from"), widget=DateInput
    )
    time_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("Recorded until"), widget=DateInput
    )

    class Meta:
        model = AuditEntry
        fields = []


def record_kind_choices():
    """Kinds of record in the trail, named as the models name themselves."""
    from django.apps import apps

    from ..audit_text import RECORD_KINDS

    choices = []
    for label in RECORD_KINDS:
        try:
            name = str(apps.get_model(label)._meta.verbose_name)
        except LookupError:
            continue
        choices.append((label, name[:1].upper() + name[1:]))
    return sorted(choices, key=lambda c: c[1])


class ReviewFilter(SearchFilterSet):
    """/reviews/: search the titles and receipt numbers, a fiscal year, a review state
    (the state is worked out per lineage, so the view applies it: `state` filters nothing here)."""

    search_fields = ("title", "submission__receipt_number")
    fiscal_year = fiscal_year_filter("fiscal_year", Document._meta.get_field("fiscal_year"))
    state = django_filters.ChoiceFilter(
        label=_("Review state"), method="by_lineage_state", empty_label=_("All"), choices=[]
    )

    def __init__(self, *args, **kwargs):
        from ..reviews import ReviewState

        super().__init__(*args, **kwargs)
        self.filters["state"].extra["choices"] = list(ReviewState.LABELS.items())

    def by_lineage_state(self, queryset, name, value):
        return queryset
