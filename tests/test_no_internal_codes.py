"""No internal code and no ISO date reaches a Korean reader: the pages of every menu, the
forms after a refused submit, and the e-mails (alerts, digest, receipt, review outcome).

The check reads what a person reads: text and option labels, the page title and the
e-mail subject and bodies; attribute values (a date input's ISO value, links) are the
machine's and are left out.
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance import alert_text, emails, register
from compliance.models import AlertStage, DocumentKind, DutyRule, Evaluation, Submission
from compliance.services.receipts import receipt_context
from tests import workflow_samples as samples
from tests.services.test_alerts import eager, scan  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FY_CODE = re.compile(r"\bFY ?\d{4}\b")
UTC = re.compile(r"\bUTC\b|\+00:00")
# Codes of document kinds, duties and languages as words of their own.
CODE_WORDS = re.compile(r"(?<![\w./-])(%s)(?![\w/-])")


def _codes():
    codes = {c for c in DocumentKind.values if "_" in c} | set(DutyRule.objects.values_list("code", flat=True))
    return re.compile(CODE_WORDS.pattern % "|".join(sorted(map(re.escape, codes), key=len, reverse=True)))


class _Text(HTMLParser):
    """The text a reader sees: text nodes and the page title, not scripts, styles or attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks(text, codes):
    found = []
    for pattern in (ISO_DAY, FY_CODE, UTC, codes):
        found += [m.group(0) for m in pattern.finditer(text)]
    return found


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def records(seed, wego_user, dpo_user, client, django_capture_on_commit_callbacks):
    """Test data on top of the seed: a submission through the form, an evaluation and
    alerts from the daily scan."""
    client.force_login(wego_user)
    data = {
        "kind": "plan_draft",
        "fiscal_year": 2027,
        "title": "TEST 2027 사업계획서 초안",
        "note": "",
        "form_token": "tok-no-codes",
        "files": [SimpleUploadedFile("test-plan.pdf", samples.pdf())],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("submission_new"), data, HTTP_ACCEPT_LANGUAGE="ko").status_code == 302
    client.logout()
    Evaluation.objects.create(
        fiscal_year=2023,
        evaluated_on=datetime.date(2024, 5, 2),
        outcome=Evaluation.Outcome.choices[0][0],
        summary="TEST evaluation (synthetic)",
        recorded_by=dpo_user,
    )
    return Submission.objects.latest("pk")


def korean_get(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, url
    assert 'lang="ko"' in response.content.decode(), url
    return response.content.decode()


@pytest.mark.usefixtures("eager")
def test_korean_pages_of_every_role_show_no_code_and_no_iso_date(
    client, records, users, live_records, django_capture_on_commit_callbacks
):
    scan(datetime.date(2027, 3, 15), django_capture_on_commit_callbacks)  # alerts in every inbox
    codes = _codes()
    obligation = next(o for o in register.load().obligations(datetime.date(2027, 3, 15)) if o.document)
    problems = []
    for role, user in users.items():
        client.force_login(user)
        home = korean_get(client, "/")
        menu = re.findall(r'<nav id="app-menu".*?</nav>', home, re.S)[0]
        urls = [u for u in re.findall(r'href="(/[^"]*)"', menu) if not u.startswith("/admin/")]
        urls += ["/alerts/", "/alerts/preferences/", reverse("obligation_detail", args=[obligation.key])]
        urls += [reverse("submission_detail", args=[records.pk])]
        if role in ("digital_policy_officer", "admin"):
            urls += [
                reverse("forwarding_new"),
                reverse("committee_report_new"),
                reverse("evaluation_new"),
                reverse("document_review", args=[records.documents.first().pk]),
                reverse("import_records"),
            ]
        for url in dict.fromkeys(urls):
            problems += [f"{role} {url}: {leak}" for leak in leaks(visible_text(korean_get(client, url)), codes)]
    assert not problems, "\n".join(problems)


def test_a_refused_form_says_its_dates_in_korean(client, records, dpo_user):
    """The refusal names today and the day of receipt: written out, not ISO."""
    client.force_login(dpo_user)
    doc = records.documents.first()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(
        reverse("forwarding_new"),
        {"documents": [doc.pk], "forwarded_on": tomorrow.isoformat(), "document_number": "TEST-1"},
        HTTP_ACCEPT_LANGUAGE="ko",
    )
    text = visible_text(response.content.decode())
    assert "오류" in text
    assert leaks(text, _codes()) == []


@pytest.mark.usefixtures("eager")
def test_korean_emails_show_no_code_and_no_iso_date(
    records, users, live_records, mailoutbox, django_capture_on_commit_callbacks
):
    scan(datetime.date(2027, 3, 15), django_capture_on_commit_callbacks)
    codes = _codes()
    messages = [(m.subject, m.body, *[c for c, _t in m.alternatives]) for m in mailoutbox]
    assert any("X-WeGO-Digest" in m.extra_headers for m in mailoutbox)
    assert any("X-WeGO-Alert" in m.extra_headers for m in mailoutbox)
    # The receipt e-mail and the review outcome, rendered as the worker sends them.
    messages.append(emails.render_email("submission_received", receipt_context(records), "ko"))
    from compliance.services.review import do_record_review

    doc = records.documents.first()
    outcome = do_record_review(
        by=users["digital_policy_officer"],
        thread_document=doc,
        document=doc,
        decision="revision_requested",
        message="TEST: 예산표를 고쳐 주십시오.",
        target_date=datetime.date.today() + datetime.timedelta(days=30),
    )
    messages.append(
        emails.render_email("review_outcome", {"outcome": outcome, "document": doc, "site_url": "https://x"}, "ko")
    )
    # One alert of each stage kind, as titled in Korean.
    as_of = datetime.date(2027, 3, 15)
    for obligation in register.load().obligations(as_of)[:5]:
        for stage in AlertStage.objects.filter(duty_rule=None):
            messages.append((alert_text.alert_title(obligation, stage, as_of, "ko"),))
    problems = []
    for parts in messages:
        for part in filter(None, parts):
            text = visible_text(part) if part.lstrip().startswith(("<", "{")) else part
            text = re.sub(r"https?://\S+", "", text)  # addresses are the machine's
            problems += [f"{parts[0][:60]}: {leak}" for leak in leaks(text, codes)]
    assert not problems, "\n".join(problems)
