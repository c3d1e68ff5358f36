"""Resources of reference data: council sessions, holiday overrides, duty rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import models
from .base import (
    REF_SEPARATOR,
    ChoiceWidget,
    Col,
    DateWidget,
    IntegerWidget,
    ListWidget,
    NaturalKeyResource,
)

# --- Council sessions, holiday overrides -------------------------------------------------------


class CouncilSessionResource(NaturalKeyResource):
    name = "council_sessions"
    verbose_name = gettext_lazy("Council sessions")
    key = ("number",)

    number = Col("number", IntegerWidget(1), required=True, ko="회기", column_name="number")
    kind = Col("kind", ChoiceWidget(models.CouncilSession.Kind), required=True, ko="종류", column_name="kind")
    starts_on = Col("starts_on", DateWidget(), required=True, ko="시작일", column_name="starts_on")
    ends_on = Col("ends_on", DateWidget(), required=True, ko="종료일", column_name="ends_on")
    source = Col("source", ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.CouncilSession
        fields = ("number", "kind", "starts_on", "ends_on", "source")
        import_id_fields = ("number",)

    def get_queryset(self):
        return models.CouncilSession.objects.order_by("starts_on", "number")

    def natural_key(self, obj):
        return (obj.number,)

    def assign(self, instance, values):
        self.set_present(instance, values, ("number", "kind", "starts_on", "ends_on", "source"))


class HolidayOverrideResource(NaturalKeyResource):
    name = "holiday_overrides"
    verbose_name = gettext_lazy("Holiday overrides")
    key = ("date",)
    unique_by_key = True  # `date` is the model's one unique field

    date = Col("date", DateWidget(), required=True, ko="날짜", column_name="date")
    kind = Col("kind", ChoiceWidget(models.HolidayOverride.Kind), required=True, ko="구분", column_name="kind")
    name_ko = Col("name_ko", required=True, ko="명칭(국문)", column_name="name_ko")
    name_en = Col("name_en", ko="명칭(영문)", column_name="name_en")
    source = Col("source", ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.HolidayOverride
        fields = ("date", "kind", "name_ko", "name_en", "source")
        import_id_fields = ("date",)
        use_bulk = True  # new overrides are written in batches (NaturalKeyResource)

    def natural_key(self, obj):
        return (obj.date,)

    def assign(self, instance, values):
        self.set_present(instance, values, ("date", "kind", "name_ko", "name_en", "source"))


# --- Duty rules (update only) ---------------------------------------------------------------------


def _provision_text(p):
    return REF_SEPARATOR.join([p.instrument.code, p.article, p.paragraph, p.version_label])


class DutyRuleResource(NaturalKeyResource):
    """Duty rules are the law as data: an import may adjust a rule, never invent a duty."""

    name = "duty_rules"
    verbose_name = gettext_lazy("Duty rules")
    key = ("code",)
    allow_create = False

    code = Col("code", required=True, ko="의무 코드", column_name="code")
    name_ko = Col("name_ko", required=True, ko="명칭(국문)", column_name="name_ko")
    name_en = Col("name_en", ko="명칭(영문)", column_name="name_en")
    actor = Col("actor__code", required=True, ko="이행 주체 코드", column_name="actor")
    recipient = Col("recipient__code", required=True, ko="상대방 코드", column_name="recipient")
    document_kinds = Col(
        None, ListWidget(","), ko="문서 종류", column_name="document_kinds", dehydrate_method="dehydrate_document_kinds"
    )
    anchor = Col("anchor", ChoiceWidget(models.DutyRule.Anchor), required=True, ko="기산점", column_name="anchor")
    direction = Col(
        "direction", ChoiceWidget(models.DutyRule.Direction), required=True, ko="계산 방향", column_name="direction"
    )
    offset_months = Col("offset_months", IntegerWidget(-60, 60), ko="개월 수", column_name="offset_months")
    anchor_month = Col("anchor_month", IntegerWidget(1, 12), ko="기준 월", column_name="anchor_month")
    anchor_year_offset = Col(
        "anchor_year_offset", IntegerWidget(-5, 5), ko="회계연도 후 연수", column_name="anchor_year_offset"
    )
    holiday_rule = Col(
        "holiday_rule",
        ChoiceWidget(models.DutyRule.HolidayRule),
        required=True,
        ko="공휴일 규칙",
        column_name="holiday_rule",
    )
    grace_business_days = Col(
        "grace_business_days", IntegerWidget(0, 365), ko="유예 영업일", column_name="grace_business_days"
    )
    # The committee report's timing is rule data too (issue: "whatever form the amendment
    # passes in can then be entered without code"): the end of the next session, a fixed
    # yearly date (month, day), or the business-day grace above.
    report_timing = Col(
        "report_timing",
        ChoiceWidget(models.DutyRule.ReportTiming),
        ko="보고 시기",
        column_name="report_timing",
    )
    report_month = Col("report_month", IntegerWidget(1, 12), ko="연간 보고일(월)", column_name="report_month")
    report_day = Col("report_day", IntegerWidget(1, 31), ko="연간 보고일(일)", column_name="report_day")
    provisions = Col(
        None,
        ListWidget("\n"),
        ko="근거 조항 (법규 코드 | 조 | 항 | 판)",
        column_name="provisions",
        dehydrate_method="dehydrate_provisions",
    )
    ordering = Col("ordering", IntegerWidget(0, 32767), ko="순서", column_name="ordering")
    note = Col("note", ko="비고", column_name="note")

    class Meta(NaturalKeyResource.Meta):
        model = models.DutyRule
        fields = (
            "code",
            "name_ko",
            "name_en",
            "actor",
            "recipient",
            "document_kinds",
            "anchor",
            "direction",
            "offset_months",
            "anchor_month",
            "anchor_year_offset",
            "holiday_rule",
            "grace_business_days",
            "report_timing",
            "report_month",
            "report_day",
            "provisions",
            "ordering",
            "note",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return models.DutyRule.objects.select_related("actor", "recipient").prefetch_related("provisions__instrument")

    def natural_key(self, obj):
        return (obj.code,)

    def unknown_key_message(self, key):
        return _(
            "Unknown duty code “%(code)s”. Known codes: %(known)s. New duties are added by an administrator, not by import."
        ) % {
            "code": key[0],
            "known": ", ".join(sorted(k[0] for k in self._existing)),
        }

    def dehydrate_document_kinds(self, obj):
        return ",".join(obj.document_kinds or [])

    def dehydrate_provisions(self, obj):
        provs = getattr(obj, "_pending_m2m", {}).get("provisions")
        if provs is None:
            provs = obj.provisions.all() if obj.pk else []
        return "\n".join(sorted(_provision_text(p) for p in provs))

    def prepare(self):
        self._parties = {p.code: p for p in models.Party.objects.all()}
        self._provisions = {_provision_text(p): p for p in models.Provision.objects.select_related("instrument")}

    def assign(self, instance, values):
        errors = {}
        for column in ("actor", "recipient"):
            party = self._parties.get(values[column])
            if party is None:
                errors[column] = [
                    _("Unknown party code “%(code)s”. Known: %(known)s.")
                    % {"code": values[column], "known": ", ".join(sorted(self._parties))}
                ]
            else:
                setattr(instance, column, party)
        bad_kinds = [k for k in values.get("document_kinds", []) if k not in models.DocumentKind.values]
        if bad_kinds:
            errors["document_kinds"] = [
                _("Unknown document kind(s): %(kinds)s. Known: %(known)s.")
                % {"kinds": ", ".join(bad_kinds), "known": ", ".join(models.DocumentKind.values)}
            ]
        provs, missing = [], []
        for line in values.get("provisions", []):
            text = REF_SEPARATOR.join(part.strip() for part in line.split("|"))
            if text in self._provisions:
                provs.append(self._provisions[text])
            else:
                missing.append(line)
        if missing:
            errors["provisions"] = [
                _("Unknown provision version(s): %(lines)s (write: instrument code | article | paragraph | version).")
                % {"lines": "; ".join(missing)}
            ]
        if errors:
            raise ValidationError(errors)
        # Columns the file leaves out stay as they are; an empty cell takes the default.
        self.set_present(instance, values, ("name_ko", "name_en", "anchor", "direction", "holiday_rule", "note"))
        for name, default in (
            ("offset_months", 0),
            ("anchor_year_offset", 0),
            ("grace_business_days", 10),
            ("ordering", 0),
        ):
            if name in values:
                setattr(instance, name, default if values[name] is None else values[name])
        if "report_timing" in values:
            instance.report_timing = values["report_timing"] or models.DutyRule.ReportTiming.NEXT_SESSION
        self.set_present(instance, values, ("anchor_month", "document_kinds", "report_month", "report_day"))
        if "provisions" in values:
            instance._pending_m2m = {"provisions": provs}
