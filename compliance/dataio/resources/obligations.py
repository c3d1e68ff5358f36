"""Derived obligations with their status as of a date: exported, never imported."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources

from ... import register
from ...labels import status_label
from .base import (
    Col,
    DateWidget,
    ImportFileError,
    IntegerWidget,
)

# --- Obligations (export only) -------------------------------------------------------------------


class ObligationResource(resources.Resource):
    """Derived obligations with their status as of a date: exported, never imported."""

    name = "obligations"
    verbose_name = gettext_lazy("Obligations (status as of a date)")
    export_only = True

    key = Col("key", ko="의무 식별자", column_name="key")
    duty = Col("duty", ko="의무 코드", column_name="duty")
    duty_name = Col("rule__name", ko="의무", column_name="duty_name")
    fiscal_year = Col("fiscal_year", IntegerWidget(), ko="회계연도", column_name="fiscal_year")
    due_date = Col("due_date", DateWidget(), ko="기한", column_name="due_date")
    submit_by = Col("deadline__submit_by", DateWidget(), ko="권장 제출일", column_name="submit_by")
    status = Col("status", ko="상태 코드", column_name="status")
    status_label = Col(None, ko="상태", column_name="status_label", dehydrate_method="dehydrate_status_label")
    fulfilled_on = Col("fulfilled_on", DateWidget(), ko="이행일", column_name="fulfilled_on")
    days_late = Col("days_late", IntegerWidget(), ko="지연 일수", column_name="days_late")
    days_overdue = Col("days_overdue", IntegerWidget(), ko="기한 경과 일수", column_name="days_overdue")
    records_end = Col("records_end", DateWidget(), ko="기록 종료일", column_name="records_end")
    days_overdue_at_records_end = Col(
        "days_overdue_at_records_end",
        IntegerWidget(),
        ko="기록 종료일 기준 경과 일수",
        column_name="days_overdue_at_records_end",
    )
    extended_due_date = Col("extended_due_date", DateWidget(), ko="합의 연장 기한", column_name="extended_due_date")
    trigger_date = Col("trigger_date", DateWidget(), ko="접수일(기산일)", column_name="trigger_date")
    document = Col("document_kind", ko="문서 종류", column_name="document")
    document_title = Col("document__title", ko="문서 제목", column_name="document_title")
    as_of = Col("as_of", DateWidget(), ko="기준일", column_name="as_of")
    # A what-if export says so on every row (the proposed amendment assumed in force).
    what_if = Col(None, ko="가정(개정안 시행 가정)", column_name="what_if", dehydrate_method="dehydrate_what_if")

    class Meta:
        fields = (
            "key",
            "duty",
            "duty_name",
            "fiscal_year",
            "due_date",
            "submit_by",
            "status",
            "status_label",
            "fulfilled_on",
            "days_late",
            "days_overdue",
            "records_end",
            "days_overdue_at_records_end",
            "extended_due_date",
            "trigger_date",
            "document",
            "document_title",
            "as_of",
            "what_if",
        )

    def __init__(self, as_of=None, what_if=False, what_if_from=None, **kwargs):
        self.as_of = as_of
        self.what_if = what_if
        self.what_if_from = what_if_from
        super().__init__(**kwargs)

    def korean_headers(self):
        return {f.column_name: f.ko or f.column_name for f in self.get_export_fields()}

    def dehydrate_what_if(self, obligation):
        return "true" if obligation.what_if else "false"

    def dehydrate_status_label(self, obligation):
        return str(status_label(obligation))

    def get_queryset(self):
        from django.utils import timezone

        return register.load().obligations(
            self.as_of or timezone.localdate(), what_if=self.what_if, what_if_from=self.what_if_from
        )

    def import_data(self, *args, **kwargs):
        raise ImportFileError(_("Obligations are derived from the records; they cannot be imported."))
