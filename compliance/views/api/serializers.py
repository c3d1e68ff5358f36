"""Response shapes of the read API (they also make the OpenAPI schema).

The views build plain dicts from the register and the records; these serializers only
declare and render the fields. No field carries personal data.
"""

from rest_framework import serializers


class ObligationSerializer(serializers.Serializer):
    """The fields of `manage.py obligations --json`, plus `key`, `url` and `disclosed`."""

    key = serializers.CharField()
    duty = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    due_date = serializers.DateField(
        allow_null=True,
        help_text="Null for the public while it is counted from a receipt not yet disclosed (set once received).",
    )
    status = serializers.CharField()
    fulfilled_on = serializers.DateField(allow_null=True)
    days_late = serializers.IntegerField(allow_null=True)
    trigger_date = serializers.DateField(allow_null=True)
    document = serializers.CharField(allow_null=True)
    # In the command's contract (DOMAIN.md); present whenever the register provides them.
    days_overdue = serializers.IntegerField(required=False, help_text="Days past due so far, for overdue only.")
    what_if = serializers.BooleanField(required=False, help_text="True when computed as if the bill were law.")
    records_end = serializers.DateField(
        allow_null=True,
        required=False,
        help_text="For an open duty: the last day its stream's records cover before a day the claim needs; "
        "null when the records cover every such day (live).",
    )
    days_overdue_at_records_end = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="Overdue on the records' last day, nothing recorded since: by how much.",
    )
    extended_due_date = serializers.DateField(
        allow_null=True, required=False, help_text="An agreed extension's date; the statutory due date never changes."
    )
    extension_basis = serializers.CharField(allow_null=True, required=False, help_text="The extension's basis.")
    url = serializers.URLField(help_text="The obligation's page (the public register for anonymous callers).")
    disclosed = serializers.BooleanField(
        help_text="False while its document has not been forwarded to the Council: the public sees no dates then."
    )


class HopSerializer(serializers.Serializer):
    document = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    forwarded_on = serializers.DateField(allow_null=True)
    to_council_business_days = serializers.IntegerField(allow_null=True)
    reported_on = serializers.DateField(allow_null=True)
    to_committee_business_days = serializers.IntegerField(allow_null=True)


class ObligationDetailSerializer(ObligationSerializer):
    status_label = serializers.CharField()
    derivation = serializers.ListField(child=serializers.CharField(), allow_null=True)
    submit_by = serializers.DateField(allow_null=True, help_text="Advisory only; never the legal due date.")
    trail = HopSerializer(many=True)


class FileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField()
    public = serializers.BooleanField()
    download_url = serializers.URLField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    title = serializers.CharField()
    received_on = serializers.DateField()
    receipt_number = serializers.CharField(allow_null=True)
    supersedes = serializers.IntegerField(allow_null=True)
    forwarded_on = serializers.DateField(allow_null=True)
    files = FileSerializer(many=True)


class ForwardingItemSerializer(serializers.Serializer):
    description = serializers.CharField()
    kind = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    document = serializers.IntegerField(allow_null=True)


class ForwardingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    forwarded_on = serializers.DateField()
    document_number = serializers.CharField()
    items = ForwardingItemSerializer(many=True)


class CommitteeReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reported_on = serializers.DateField()
    committee = serializers.CharField()
    session = serializers.CharField(allow_null=True)
    documents = serializers.ListField(child=serializers.IntegerField())


class ProvisionVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version_label = serializers.CharField()
    text_ko = serializers.CharField()
    text_en = serializers.CharField()
    is_proposed = serializers.BooleanField()
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)
    in_force = serializers.BooleanField(help_text="In force on the day of the request (Asia/Seoul).")
    state = serializers.ChoiceField(choices=["in_force", "proposed", "scheduled", "superseded"])
    source = serializers.CharField()


class ProvisionSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    article = serializers.CharField()
    paragraph = serializers.CharField()
    citation = serializers.CharField()
    versions = ProvisionVersionSerializer(many=True)


class DutyRuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ko = serializers.CharField()
    name_en = serializers.CharField()
    actor = serializers.CharField()
    recipient = serializers.CharField()
    document_kinds = serializers.ListField(child=serializers.CharField())
    anchor = serializers.CharField()
    direction = serializers.CharField()
    offset_months = serializers.IntegerField()
    anchor_month = serializers.IntegerField(allow_null=True)
    anchor_year_offset = serializers.IntegerField()
    holiday_rule = serializers.CharField()
    grace_business_days = serializers.IntegerField()
    provisions = serializers.ListField(child=serializers.IntegerField())
    calculate_with = serializers.CharField(help_text="The parameter /api/v1/calculate/ needs for this duty.")


class FundingYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    total_budget = serializers.IntegerField(help_text="Thousand won.")
    seoul_support = serializers.IntegerField(help_text="Thousand won.")
    membership_dues = serializers.IntegerField(help_text="Thousand won.")
    dues_share = serializers.CharField(allow_null=True, help_text="Percent, computed here from the figures.")
    dues_ratio_as_stated = serializers.CharField(allow_null=True)
    source = serializers.CharField()


class SeoulSupportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Thousand won.")
    seconded_staff = serializers.CharField()
    source = serializers.CharField()


class DuesCollectionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    targets = serializers.IntegerField()
    payers = serializers.IntegerField()
    rate_as_stated = serializers.CharField()
    amount = serializers.IntegerField(help_text="Thousand won.")
    source = serializers.CharField()


class FundingSerializer(serializers.Serializer):
    unit = serializers.CharField()
    budget = FundingYearSerializer(many=True)
    seoul_support = SeoulSupportSerializer(many=True)
    dues_collection = DuesCollectionSerializer(many=True)


class CrossedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    why = serializers.CharField()


class CalculationSerializer(serializers.Serializer):
    duty = serializers.CharField()
    fiscal_year = serializers.IntegerField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    forwarded_on = serializers.DateField(allow_null=True)
    due_date = serializers.DateField()
    submit_by = serializers.DateField(
        allow_null=True, help_text="Advisory: the business day before a backward deadline on a non-business day."
    )
    derivation = serializers.ListField(child=serializers.CharField())
    non_business_days_crossed = CrossedDaySerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)


def paginated(item_serializer):
    """The page envelope of a list (count, next, previous, results), for the schema."""
    name = item_serializer.__name__.removesuffix("Serializer")
    return type(
        f"Paginated{name}List",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
