"""The review history in council packets: as of the packet's date, HTML printed as text."""

import datetime

import pytest

from compliance.models import Document
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from compliance.services import review
from tests.pdf.test_packets_build import text_of

pytestmark = pytest.mark.django_db

HTML = "<b>예산</b> & <i>표</i>"


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour - 9, tzinfo=datetime.UTC)  # hour in Seoul


def test_the_fy2024_plan_packet_shows_the_review_loop_as_of_its_date(seed, dpo_user, wego_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    revision = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    review.do_record_review(
        by=dpo_user,
        thread_document=draft,
        document=draft,
        decision="revision_requested",
        message=f"{HTML} 보완 요청",
        target_date=datetime.date(2023, 9, 30),
        now=at(datetime.date(2023, 8, 1)),
    )
    review.do_add_comment(
        by=wego_user,
        thread_document=draft,
        document=draft,
        body="<script>x</script> 의견",
        now=at(datetime.date(2023, 8, 2)),
    )
    review.do_record_review(
        by=dpo_user, thread_document=draft, document=revision, decision="accepted", now=at(datetime.date(2023, 11, 1))
    )
    review.do_add_comment(
        by=dpo_user,
        thread_document=draft,
        document=revision,
        body="after the packet date",
        now=at(datetime.date(2024, 7, 1)),
    )

    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=datetime.date(2024, 6, 1)))
    text = text_of(packet.pdf, range(packet.generated_pages))
    assert "시의 검토" in text or "The city's review" in text
    assert "<b>예산</b> & <i>표</i> 보완 요청" in text  # as written, not as markup
    assert "<script>x</script> 의견" in text
    assert "법정 기한이 아닙니다" in text
    assert "after the packet date" not in text
    [thread] = packet.manifest["reviews"]
    assert thread["versions"] == [draft.pk, revision.pk] and thread["state"] == "accepted"
    assert [i["kind"] for i in thread["items"]] == [
        "received",
        "outcome",
        "comment",
        "received",
        "outcome",
        "forwarded",
    ]
