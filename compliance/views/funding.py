"""The funding page: Seoul's support versus membership dues, as the review report shows them.

Every figure is shown with its `source`. Where two tables of the source disagree (the
2020 Seoul support is 1,262,000 in the budget table and 1,262,500 in 붙임3), both are
shown with their sources; nothing is reconciled here.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _

from ..access import SUBMISSION_READERS, role_required
from ..charts import Series, bar_chart
from ..models import DuesCollection, FundingYear, SeoulSupport


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def funding_figures():
    """Rows for the page, from three queries."""
    budget = list(FundingYear.objects.order_by("year"))
    support = {s.year: s for s in SeoulSupport.objects.order_by("year")}
    dues = list(DuesCollection.objects.order_by("year"))
    budget_rows = []
    for row in budget:
        other = support.get(row.year)
        budget_rows.append(
            {
                "obj": row,
                "dues_share": _percent(row.membership_dues, row.total_budget),
                "support_share": _percent(row.seoul_support, row.total_budget),
                "other_support": other if other and other.amount != row.seoul_support else None,
            }
        )
    dues_rows = [{"obj": d, "computed_rate": _percent(d.payers, d.targets)} for d in dues]
    discrepancies = [
        {"year": r["obj"].year, "budget": r["obj"], "support": r["other_support"]}
        for r in budget_rows
        if r["other_support"]
    ]
    return {
        "budget_rows": budget_rows,
        "support_rows": [support[y] for y in sorted(support)],
        "dues_rows": dues_rows,
        "discrepancies": discrepancies,
    }


@role_required(*SUBMISSION_READERS)
def funding(request):
    figures = funding_figures()
    charts = []
    if figures["budget_rows"]:
        years = [r["obj"].year for r in figures["budget_rows"]]
        charts.append(
            bar_chart(
                _("Seoul support and membership dues"),
                years,
                [
                    Series(_("Seoul support (budget table)"), [r["obj"].seoul_support for r in figures["budget_rows"]]),
                    Series(_("Membership dues"), [r["obj"].membership_dues for r in figures["budget_rows"]]),
                ],
                unit=_("thousand won"),
            )
        )
        charts.append(
            bar_chart(
                _("Dues share of the total budget"),
                years,
                [
                    Series(
                        _("Dues share (%)"),
                        [
                            float(r["dues_share"]) if r["dues_share"] is not None else None
                            for r in figures["budget_rows"]
                        ],
                    )
                ],
                unit="%",
            )
        )
    if figures["dues_rows"]:
        charts.append(
            bar_chart(
                _("Membership dues collection"),
                [r["obj"].year for r in figures["dues_rows"]],
                [
                    Series(_("Members billed"), [r["obj"].targets for r in figures["dues_rows"]]),
                    Series(_("Members who paid"), [r["obj"].payers for r in figures["dues_rows"]]),
                ],
                unit=_("members"),
            )
        )
    return render(request, "compliance/funding/funding.html", {**figures, "charts": charts})
