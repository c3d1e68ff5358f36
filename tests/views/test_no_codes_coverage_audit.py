"""No raw codes (digital_policy_officer, revision_requested, receipts) and no mixed
languages on the coverage page and in the audit trail (issue 24)."""

import datetime
import re

import pytest
from django.test import Client

from compliance.models import Document, RecordCoverage, ReviewOutcome
from compliance.services import review
from compliance.services.coverage import do_save_coverage

pytestmark = pytest.mark.django_db

CODES = re.compile(
    r"\b(digital_policy_officer|council_staff|wego_secretariat|revision_requested|awaiting_review|"
    r"plan_draft|plan_final|plan_revision|committee_reports)\b"
)


def visible_text(html):
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<[^>]+>", " ", body)
    return body


@pytest.fixture
def history(seed, dpo_user):
    row = RecordCoverage.objects.get(stream="receipts")
    do_save_coverage(
        by=dpo_user,
        coverage=row,
        stream="receipts",
        starts_on=row.starts_on,
        ends_on=datetime.date(2024, 4, 5),
        source=row.source,
        note=row.note,
    )
    doc = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    review.do_record_review(
        by=dpo_user,
        thread_document=doc,
        document=doc,
        decision=ReviewOutcome.Decision.REVISION_REQUESTED,
        message="합성 시험",
        target_date=datetime.date.today() + datetime.timedelta(days=9),
    )


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("url", ["/records/coverage/", "/audit/"])
def test_no_raw_codes(history, dpo_user, url, lang):
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(dpo_user)
    text = visible_text(client.get(url).content.decode())
    assert CODES.findall(text) == []


def test_the_coverage_page_speaks_one_language(history, dpo_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(dpo_user)
    text = visible_text(client.get("/records/coverage/").content.decode())
    assert "검토보고서" not in text and "review report" in text
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(dpo_user)
    text = visible_text(client.get("/records/coverage/").content.decode())
    assert "The review report's table" not in text and "검토보고서" in text
