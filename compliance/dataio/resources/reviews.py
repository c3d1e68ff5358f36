"""The city's review of received documents (outcomes and comments): exported, never imported.

Texts are written as they were typed: a comment holding HTML stays text in the file
(the table writer guards cells a spreadsheet would read as a formula). The read log is
never exported: it is for the Digital Policy Officer and administrators only.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources

from ...models import ReviewComment, ReviewOutcome
from .base import Col, DateWidget, ImportFileError, IntegerWidget


@dataclass
class ReviewRow:
    at: str
    fiscal_year: int
    document_kind: str
    document_title: str
    entry: str  # outcome / comment
    decision: str
    decision_label: str
    target_date: object
    text: str
    by: str
    role: str


class ReviewResource(resources.Resource):
    name = "reviews"
    verbose_name = gettext_lazy("Review outcomes and comments")
    export_only = True

    at = Col("at", ko="일시(한국 시간)", column_name="at")
    fiscal_year = Col("fiscal_year", IntegerWidget(), ko="회계연도", column_name="fiscal_year")
    document_kind = Col("document_kind", ko="문서 종류", column_name="document_kind")
    document_title = Col("document_title", ko="문서 제목", column_name="document_title")
    entry = Col("entry", ko="구분", column_name="entry")
    decision = Col("decision", ko="검토 결과 코드", column_name="decision")
    decision_label = Col("decision_label", ko="검토 결과", column_name="decision_label")
    target_date = Col("target_date", DateWidget(), ko="내부 목표일", column_name="target_date")
    text = Col("text", ko="내용", column_name="text")
    by = Col("by", ko="작성자", column_name="by")
    role = Col("role", ko="역할", column_name="role")

    class Meta:
        fields = (
            "at",
            "fiscal_year",
            "document_kind",
            "document_title",
            "entry",
            "decision",
            "decision_label",
            "target_date",
            "text",
            "by",
            "role",
        )

    def korean_headers(self):
        return {f.column_name: f.ko or f.column_name for f in self.get_export_fields()}

    def get_queryset(self):
        rows = []
        for o in ReviewOutcome.objects.select_related("document", "recorded_by"):
            rows.append(self._row(o, o.created_at, "outcome", o.decision, str(o.get_decision_display())))
            rows[-1].target_date, rows[-1].text = o.target_date, o.message
            rows[-1].by, rows[-1].role = o.recorded_by.get_username(), o.recorded_by_role
        for c in ReviewComment.objects.select_related("document", "author"):
            rows.append(self._row(c, c.created_at, "comment", "", ""))
            rows[-1].text, rows[-1].by, rows[-1].role = c.body, c.author.get_username(), c.author_role
        rows.sort(key=lambda r: r.at)
        return rows

    @staticmethod
    def _row(obj, at, entry, decision, label):
        doc = obj.document
        return ReviewRow(
            at=timezone.localtime(at).isoformat(timespec="seconds"),
            fiscal_year=doc.fiscal_year,
            document_kind=doc.kind,
            document_title=doc.title,
            entry=entry,
            decision=decision,
            decision_label=label,
            target_date=None,
            text="",
            by="",
            role="",
        )

    def import_data(self, *args, **kwargs):
        raise ImportFileError(
            _("Review outcomes and comments are recorded on the review pages; they are not imported.")
        )
