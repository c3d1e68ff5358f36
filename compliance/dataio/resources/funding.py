"""Resources of the funding figures."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ... import models
from .base import (
    Col,
    DecimalWidget,
    IntegerWidget,
    NaturalKeyResource,
    _ref_error,
)

# --- Funding -------------------------------------------------------------------------------------


class _YearResource(NaturalKeyResource):
    key = ("year",)
    value_columns = ()

    def get_queryset(self):
        return self._meta.model.objects.order_by("year")

    def natural_key(self, obj):
        return (obj.year,)

    def assign(self, instance, values):
        self.set_present(instance, values, ("year", *self.value_columns, "source"))


def _amount(attribute, ko, required=True):
    return Col(attribute, IntegerWidget(0), required=required, ko=ko, column_name=attribute)


class FundingYearResource(_YearResource):
    name = "funding_years"
    verbose_name = gettext_lazy("Budget and dues per year")
    value_columns = ("total_budget", "seoul_support", "membership_dues", "dues_ratio")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    total_budget = _amount("total_budget", "총예산(천원)")
    seoul_support = _amount("seoul_support", "서울시 국제부담금(천원)")
    membership_dues = _amount("membership_dues", "회비(천원)")
    dues_ratio = Col("dues_ratio", DecimalWidget(1), ko="회비 비율(%)", column_name="dues_ratio")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.FundingYear
        fields = ("year", "total_budget", "seoul_support", "membership_dues", "dues_ratio", "source")
        import_id_fields = ("year",)


class SeoulSupportResource(_YearResource):
    name = "seoul_support"
    verbose_name = gettext_lazy("Seoul support per year")
    value_columns = ("amount", "seconded_staff")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    amount = _amount("amount", "국제부담금(천원)")
    seconded_staff = Col("seconded_staff", ko="파견 인력", column_name="seconded_staff")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.SeoulSupport
        fields = ("year", "amount", "seconded_staff", "source")
        import_id_fields = ("year",)


class DuesCollectionResource(_YearResource):
    name = "dues_collection"
    verbose_name = gettext_lazy("Membership dues collection")
    value_columns = ("targets", "payers", "rate", "amount")

    year = Col("year", IntegerWidget(1900, 2200), required=True, ko="연도", column_name="year")
    targets = _amount("targets", "징수 대상(회원)")
    payers = _amount("payers", "납부 회원")
    rate = Col("rate", DecimalWidget(1), required=True, ko="징수율(%)", column_name="rate")
    amount = _amount("amount", "징수액(천원)")
    source = Col("source", required=True, ko="출처", column_name="source")

    class Meta(NaturalKeyResource.Meta):
        model = models.DuesCollection
        fields = ("year", "targets", "payers", "rate", "amount", "source")
        import_id_fields = ("year",)

    def assign(self, instance, values):
        payers, targets = values.get("payers", instance.payers), values.get("targets", instance.targets)
        if payers is not None and targets is not None and payers > targets:
            raise _ref_error("payers", _("More members paid than were billed."))
        super().assign(instance, values)
