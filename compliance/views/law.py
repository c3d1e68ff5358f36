"""The law page: Article 17 as data, every version, which one is in force today, the bill."""

from django.shortcuts import render
from django.utils import timezone

from .. import register
from ..access import SUBMISSION_READERS, role_required
from ..models import Provision


@role_required(*SUBMISSION_READERS)
def provisions(request):
    today = timezone.localdate()

    def rows():
        in_force = {p.pk for p in register.load().law_in_force(today, article=None)}
        versions = (
            Provision.objects.select_related("instrument")
            .prefetch_related("duty_rules")
            .order_by("article", "paragraph", "pk")
        )
        return [
            {"provision": p, "in_force": p.pk in in_force, "rules": [r.name for r in p.duty_rules.all()]}
            for p in versions
        ]

    return render(request, "compliance/provisions.html", {"rows": rows(), "today": today})
