"""The public deadline calculator, /calculator/: the same answer as /api/v1/calculate/."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .. import register
from ..rules import calculator
from .api.endpoints import run_calculation
from .api.problems import BadParameters


@require_GET
def calculator_page(request):
    reg = register.load()
    today = timezone.localdate()
    # The form sends every field; empty ones are simply not given.
    query = request.GET.copy()
    for name in list(query):
        if not any(v.strip() for v in query.getlist(name)):
            del query[name]
    result, errors, status = None, [], 200
    if query:
        try:
            result = run_calculation(query, reg, today, get_language() or "ko")
        except BadParameters as exc:
            errors, status = exc.errors, 400
    rules = [(r.row, calculator.needed_input(r)) for r in reg.history.rules]
    context = {"rules": rules, "result": result, "errors": errors, "query": query, "today": today}
    return render(request, "compliance/public/calculator.html", context, status=status)
