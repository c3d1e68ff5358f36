"""Resource of what the records cover (one row per stream and start day)."""

from django.utils.translation import gettext_lazy

from ... import models
from .base import ChoiceWidget, Col, DateWidget, NaturalKeyResource


class RecordCoverageResource(NaturalKeyResource):
    name = "records_coverage"
    verbose_name = gettext_lazy("Records coverage")
    key = ("stream", "starts_on")

    stream = Col("stream", ChoiceWidget(models.RecordStream), required=True, ko="기록 종류", column_name="stream")
    starts_on = Col("starts_on", DateWidget(), required=True, ko="기록 시작일", column_name="starts_on")
    # Empty: live (events are recorded in the app as they happen).
    ends_on = Col("ends_on", DateWidget(), ko="기록 종료일", column_name="ends_on")
    source = Col("source", required=True, ko="근거", column_name="source")
    note = Col("note", ko="비고", column_name="note")

    class Meta(NaturalKeyResource.Meta):
        model = models.RecordCoverage
        fields = ("stream", "starts_on", "ends_on", "source", "note")
        import_id_fields = ("stream", "starts_on")

    def get_queryset(self):
        return models.RecordCoverage.objects.order_by("stream", "starts_on")

    def natural_key(self, obj):
        return (obj.stream, obj.starts_on)

    def assign(self, instance, values):
        for name in ("stream", "starts_on", "ends_on", "source", "note"):
            setattr(instance, name, values[name])
