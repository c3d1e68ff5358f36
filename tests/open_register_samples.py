"""A received document with one file, forwarded or not: the cases of staged disclosure."""

from django.utils import timezone

from compliance import services
from compliance.dataio.uploads import validate_upload
from tests import workflow_samples as samples


def received_document(wego_user, fiscal_year=2026, title="2027년 WeGO 주요사업계획(안) [synthetic]"):
    spec = services.DocSpec("plan_draft", fiscal_year, title, [validate_upload("plan.pdf", samples.pdf())])
    submission = services.do_receive_submission(by=wego_user, documents=[spec]).obj
    return submission.documents.get()


def forward(dpo_user, document):
    return services.do_forward_to_council(
        by=dpo_user, forwarded_on=timezone.localdate(), documents=[document.pk], document_number="디지털정책관-1"
    ).obj
