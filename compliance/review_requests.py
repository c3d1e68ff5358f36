"""Open revision requests: what WeGO still has to answer in the review loop.

For the dashboard's task list (and anything else that asks "what must this user do"):
one line per lineage whose last outcome asks for a revision and to which no newer
version has been received since. It stays open until WeGO answers with a new version.
Derived, never stored, like a lineage's review state (`compliance.reviews`).
"""

from dataclasses import dataclass

from .models import ReviewOutcome
from .reviews import ReviewState, threads_for
from .roles import WEGO, has_role


@dataclass(frozen=True)
class OpenRevisionRequest:
    document: object  # the version the city asked to revise (the lineage's latest)
    outcome: ReviewOutcome  # the request: its message, its internal target date
    thread: object

    @property
    def target_date(self):
        """The city's internal target for the revision (not a legal deadline)."""
        return self.outcome.target_date

    @property
    def url(self):
        """The document's review thread, where WeGO reads what must change."""
        from django.urls import reverse

        return reverse("document_review", args=[self.document.pk])

    def __str__(self):
        return str(self.document.title)


def open_revision_requests(user):
    """The revision requests `user` has to answer, soonest internal target first.

    Only the WeGO secretariat answers them (with a revised version), so for anyone else
    the list is empty. Two queries for the candidates, then the threads (`threads_for`)."""
    if not has_role(user, WEGO):
        return []
    asked = (
        ReviewOutcome.objects.filter(decision=ReviewOutcome.Decision.REVISION_REQUESTED)
        .select_related("document__submission")
        .order_by("pk")
    )
    documents = list({o.document_id: o.document for o in asked}.values())
    found, seen = [], set()
    for thread in threads_for(documents).values():
        lineage = tuple(v.pk for v in thread.versions)
        if lineage in seen or thread.state != ReviewState.REVISION_REQUESTED:
            continue
        seen.add(lineage)
        request = thread.open_request
        found.append(OpenRevisionRequest(document=request.document, outcome=request, thread=thread))
    return sorted(found, key=lambda r: (r.target_date is None, r.target_date, r.outcome.pk))
