"""The public deadline calculator, /calculator/, in two steps (the way the UK Parliament's
calculator asks): first the duty in plain words, then only the input that duty is counted
from; the answer is the same as /api/v1/calculate/'s, with its derivation.

The page is forgiving where the API is strict: inputs the chosen duty does not need are
ignored, not refused, and errors are tied to their field in words.
"""

from django.http import QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .. import register
from ..forms.calculator import ANCHOR_HINTS, DutyForm, InputForm
from ..rules import calculator
from .api.endpoints import run_calculation


@require_GET
def calculator_page(request):
    reg = register.load()
    today = timezone.localdate()
    rules = list(reg.history.rules)
    # "Change the duty" comes back to step 1 with the duty chosen before still marked.
    asked = "duty" in request.GET and "change" not in request.GET
    duty_form = DutyForm(request.GET if asked else None, rules=rules, initial={"duty": request.GET.get("duty")})
    context = {"duty_form": duty_form, "today": today, "step": 1}
    status = 200
    if asked and not duty_form.is_valid():
        status = 400
    elif asked:
        rule = duty_form.rules[duty_form.cleaned_data["duty"]]
        needed = calculator.needed_input(rule)
        given = needed in request.GET
        form = InputForm(request.GET if given else None, needed=needed, today=today)
        context.update(step=2, rule=rule.row, hint=ANCHOR_HINTS[rule.anchor], input_form=form)
        if given and not form.is_valid():
            status = 400
        elif given:
            value = form.cleaned_data[needed]
            query = QueryDict(mutable=True)
            query.update(
                {"duty": rule.code, needed: str(value) if needed == calculator.FISCAL_YEAR else value.isoformat()}
            )
            context.update(step=3, result=run_calculation(query, reg, today, get_language() or "ko"), query=query)
    return render(request, "compliance/public/calculator.html", context, status=status)


@require_GET
def calculator_assumptions(request):
    """What the calculator assumes, in words: the legal readings it applies and where it may differ."""
    return render(request, "compliance/public/calculator_assumptions.html", {})
