"""Groups of document kinds, declared once (the values of `models.DocumentKind`)."""

PLAN_KINDS = ("plan_draft", "plan_final", "plan_revision")
RESULTS_KINDS = ("results", "settlement")
ALL_KINDS = (*PLAN_KINDS, *RESULTS_KINDS)
