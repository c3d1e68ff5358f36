"""No ISO date-time (2026-12-08 05:47, 2026-12-08T05:47) in any page, e-mail or PDF a role
reads: one format everywhere, 2026. 12. 8.(화) 14:47 (Tue 8 Dec 2026, 14:47 in English),
with "KST" said once. The pages are walked for every role from its own menu, in both
languages, after a submission, a review and a download have left date-times to show."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.emails import render_email
from compliance.models import Document, Submission
from compliance.pdf.build import build
from compliance.pdf.content import PacketRequest
from compliance.services import review
from tests import workflow_samples as samples
from tests.pdf.test_packets_build import text_of

pytestmark = pytest.mark.django_db

ISO_DATETIME = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}")
MENU_LINK = re.compile(r'<nav[^>]*id="app-menu".*?</nav>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)"')


def keep(name, pdf):
    """With WEGO_SHOTS_DIR set, keep the PDF to look at (pdftoppm -png)."""
    if os.environ.get("WEGO_SHOTS_DIR"):
        (Path(os.environ["WEGO_SHOTS_DIR"]) / name).write_bytes(pdf)


def iso_in(text):
    return sorted(set(ISO_DATETIME.findall(text)))


@pytest.fixture
def history(seed, wego_user, dpo_user, settings, tmp_path):
    """A received submission with a file, a revision request, a comment and a download."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    spec = services.DocSpec(
        "plan_draft", 2027, "합성 시험 2027년도 사업계획서(안)", [validate_upload("plan.pdf", samples.pdf("synthetic"))]
    )
    submission = services.do_receive_submission(by=wego_user, documents=[spec]).obj
    document = submission.documents.get()
    review.do_record_review(
        by=dpo_user,
        thread_document=document,
        document=document,
        decision="revision_requested",
        message="예산표를 보완해 주십시오.",
        target_date=datetime.date.today() + datetime.timedelta(days=20),
    )
    review.do_add_comment(by=wego_user, thread_document=document, document=document, body="합성 시험 의견")
    return submission


def _menu(client):
    html = client.get("/").content.decode()
    menu = MENU_LINK.search(html)
    return [h for h in HREF.findall(menu.group(0) if menu else html) if not h.startswith("/admin/")]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_page_of_any_role_prints_an_iso_date_time(history, users, lang):
    document = history.documents.get()
    file = document.files.get()
    found = {}
    for user in users.values():
        client = Client(HTTP_ACCEPT_LANGUAGE=lang)
        client.force_login(user)
        client.get(f"/files/{file.pk}/download/")  # leaves a line in the read log
        pages = _menu(client) + [
            f"/submissions/{history.pk}/",
            f"/documents/{document.pk}/review/",
            f"/documents/{document.pk}/read-log/",
            "/alerts/",
            "/reviews/",
            "/audit/",
        ]
        for url in dict.fromkeys(pages):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            hits = iso_in(response.content.decode())
            if hits:
                found[f"{user.get_username()} {url}"] = hits
    assert len(found) == 0, found


def test_the_receipt_pdf_says_kst_once_per_time_and_no_iso(history, wego_user):
    client = Client()
    client.force_login(wego_user)
    pdf = client.get(f"/submissions/{history.pk}/receipt.pdf").content
    keep("receipt.pdf", pdf)
    text = text_of(pdf)
    assert iso_in(text) == []
    # "접수 일시 2026. 12. 8.(화) 14:47 KST": the label no longer says "(KST)" as well.
    assert "접수 일시(KST)" not in text and re.search(r"접수 일시 \S+ \S+ \S+ \d{2}:\d{2} KST", text)
    page = client.get(f"/submissions/{history.pk}/").content.decode()
    row = re.search(r"<dt>([^<]*)</dt><dd data-testid=\"received-at\">(.*?)</dd>", page)
    assert (row.group(1) + row.group(2)).count("KST") == 1


def test_the_review_thread_writes_times_the_city_way(history, dpo_user):
    document = history.documents.get()
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(dpo_user)
    html = client.get(f"/documents/{document.pk}/review/").content.decode()
    assert re.search(r"\d{4}\. \d{1,2}\. \d{1,2}\.\([월화수목금토일]\) \d{2}:\d{2} KST", html)


def test_the_packet_pdf_review_table_has_no_iso_date_time(seed, dpo_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    review.do_record_review(
        by=dpo_user,
        thread_document=draft,
        document=draft,
        decision="revision_requested",
        message="보완 요청",
        target_date=datetime.date(2023, 9, 30),
        now=datetime.datetime(2023, 8, 1, 5, 47, tzinfo=datetime.UTC),
    )
    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=datetime.date(2024, 6, 1)))
    keep("packet-reviews.pdf", packet.pdf)
    text = text_of(packet.pdf)
    assert iso_in(text) == []
    assert "2023. 8. 1.(화) 14:47 KST" in text


def test_no_e_mail_prints_an_iso_date_time(history, wego_user, dpo_user, mailoutbox):
    submission = Submission.objects.get(pk=history.pk)
    for lang in ("ko", "en"):
        subject, text, html = render_email(
            "submission_received",
            {"submission": submission, "files": [], "site_url": "https://wego.example.invalid"},
            lang,
        )
        assert iso_in(subject + text + (html or "")) == []
    for message in mail.outbox:
        bodies = [message.subject, message.body] + [a[0] for a in message.alternatives]
        assert iso_in(" ".join(bodies)) == []
