"""The review list and a review page keep a flat query count as lineages and threads grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.services import review
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db


def add_lineages(wego, dpo, start, n):
    for i in range(start, start + n):
        spec = services.DocSpec(
            "plan_draft", 2026, f"synthetic {i}", [validate_upload(f"{i}.pdf", samples.pdf(f"q{i}"))]
        )
        doc = services.do_receive_submission(by=wego, documents=[spec]).obj.documents.get()
        review.do_add_comment(by=wego, thread_document=doc, document=doc, body=f"comment {i}")
        review.do_record_review(by=dpo, thread_document=doc, document=doc, decision="accepted")


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_review_list_and_page_do_not_query_per_document(client, seed, wego_user, dpo_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    client.force_login(dpo_user)
    add_lineages(wego_user, dpo_user, 0, 2)
    few = queries(client, reverse("review_list")), queries(client, reverse("inbox"))
    add_lineages(wego_user, dpo_user, 2, 6)
    many = queries(client, reverse("review_list")), queries(client, reverse("inbox"))
    assert many == few
