"""Review requests reach WeGO in the app (issue 24): an in-app alert in every WeGO user's
inbox and the header badge, and `open_revision_requests` for the dashboard's task list,
open until WeGO answers with a revised version."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from compliance import services
from compliance.dataio.uploads import validate_upload
from compliance.models import Notification, ReviewOutcome
from compliance.review_requests import open_revision_requests
from compliance.services import review
from tests import workflow_samples as samples
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 7, 15, 3, 0, tzinfo=datetime.UTC)
TARGET = datetime.date(2025, 7, 29)


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with time_machine.travel(NOW, tick=False):
        yield


def receive(user, title, kind="plan_draft", supersedes=None):
    spec = services.DocSpec(kind, 2026, title, [validate_upload(f"{title}.pdf", samples.pdf(title))], supersedes)
    return services.do_receive_submission(by=user, documents=[spec]).obj.documents.get()


@pytest.fixture
def draft(seed, wego_user):
    return receive(wego_user, "합성 시험 2026년도 사업계획서(안)")


def ask_for_revision(dpo_user, draft):
    return review.do_record_review(
        by=dpo_user,
        thread_document=draft,
        document=draft,
        decision=ReviewOutcome.Decision.REVISION_REQUESTED,
        message="예산표를 보완해 주십시오.",
        target_date=TARGET,
    ).obj


def test_every_wego_user_gets_an_in_app_alert_in_both_languages(draft, dpo_user, wego_user, council_user):
    colleague = make_user("wego2", "wego_secretariat")
    ask_for_revision(dpo_user, draft)
    alerts = Notification.objects.filter(link=f"/documents/{draft.pk}/review/")
    assert sorted(a.recipient_id for a in alerts) == sorted([wego_user.pk, colleague.pk])
    alert = alerts.get(recipient=wego_user)
    assert alert.title_ko == "“합성 시험 2026년도 사업계획서(안)” 검토 결과: 보완 요청 (내부 목표일 2025. 7. 29.(화))"
    assert alert.title_en.startswith("Review of “합성 시험 2026년도 사업계획서(안)”: Revision requested")
    assert not Notification.objects.filter(recipient__in=[dpo_user, council_user]).exists()


def test_the_inbox_and_the_badge_show_it(draft, dpo_user, wego_user):
    ask_for_revision(dpo_user, draft)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(wego_user)
    html = client.get("/alerts/").content.decode()
    assert f'href="/documents/{draft.pk}/review/"' in html and "보완 요청" in html
    assert client.get("/").context["unread_notifications"] == 1


def test_the_open_request_is_listed_until_wego_answers_with_a_new_version(draft, dpo_user, wego_user):
    outcome = ask_for_revision(dpo_user, draft)
    [request] = open_revision_requests(wego_user)
    assert (request.document, request.outcome, request.target_date) == (draft, outcome, TARGET)
    assert open_revision_requests(dpo_user) == []  # only WeGO answers a revision request
    with time_machine.travel(NOW + datetime.timedelta(hours=2), tick=False):
        receive(wego_user, "합성 시험 2026년도 사업계획서(안)_수정", kind="plan_revision", supersedes=draft)
    assert open_revision_requests(wego_user) == []


def test_an_accepted_document_is_no_open_request(draft, dpo_user, wego_user):
    review.do_record_review(
        by=dpo_user, thread_document=draft, document=draft, decision=ReviewOutcome.Decision.ACCEPTED
    )
    assert open_revision_requests(wego_user) == []
    with translation.override("en"):
        assert Notification.objects.get(recipient=wego_user).title.endswith("Review complete")
