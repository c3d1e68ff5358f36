"""The plain-text part of a receipt e-mail shows text as text: no HTML entities."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance.emails import render_email
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db

TITLE = "2026 <초안> & \"계획\" '수정'"
NAME = "plan <v2> & 'final'.pdf"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def test_receipt_email_text_part_has_no_html_entities(
    client, seed, wego_user, dpo_user, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(wego_user)
    data = {
        "kind": "plan_draft",
        "fiscal_year": 2026,
        "title": TITLE,
        "note": "",
        "form_token": "tok-entities",
        "files": [SimpleUploadedFile(NAME, samples.pdf())],
    }
    with time_machine.travel(datetime.datetime(2025, 7, 15, 1, 0, tzinfo=datetime.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("submission_new"), data).status_code == 302
    assert mail.outbox
    for message in mail.outbox:
        assert TITLE in message.body
        assert NAME in message.body
        for entity in ("&lt;", "&gt;", "&amp;", "&quot;", "&#x27;", "&#39;"):
            assert entity not in message.body
            assert entity not in message.subject
        html = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
        assert all("<초안>" not in part for part in html)  # the HTML part, if any, still escapes


def test_text_parts_are_not_escaped_but_html_parts_are(seed):
    class Sub:
        receipt_number = "<&>"
        pk = 1
        received_at = None

    subject, text, html = render_email("submission_received", {"submission": Sub(), "files": [], "site_url": ""}, "en")
    assert "<&>" in subject and "<&>" in text
    assert html is None or "&lt;&amp;&gt;" in html
