"""The Digital Policy Officer's actions, through the views, and the rules they enforce."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from compliance import register, services
from compliance.dataio.uploads import validate_upload
from compliance.models import (
    CommitteeReport,
    CouncilSession,
    DelayReason,
    Document,
    Evaluation,
    FormToken,
    Forwarding,
    InspectionRequest,
    Party,
    Submission,
)
from tests import workflow_samples as samples

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; Korean is checked in test_refusals_are_in_korean_by_default."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


TODAY = datetime.date(2025, 7, 15)


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2025, 7, 15, 3, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def received(seed, wego_user):
    """A FY2026 plan received today through the service."""
    spec = services.DocSpec("plan_draft", 2026, "2026년도 사업계획서(안)", [validate_upload("p.pdf", samples.pdf())])
    return services.do_receive_submission(by=wego_user, documents=[spec]).obj.documents.get()


def obligation(key, as_of=TODAY):
    return next(o for o in register.load().obligations(as_of) if o.key == key)


def forward(client, **data):
    payload = {"forwarded_on": "2025-07-15", "document_number": "디지털정책담당관-4880", "form_token": "f1"}
    payload.update(data)
    return client.post(reverse("forwarding_new"), payload)


def test_forwarding_fulfils_the_forwarding_duty(client, received, dpo_user):
    key = f"forward_plan_to_council-2026-d{received.pk}"
    assert obligation(key).fulfilled_on is None
    client.force_login(dpo_user)
    response = forward(client, documents=[received.pk])
    assert response.status_code == 302
    forwarding = Forwarding.objects.get(document_number="디지털정책담당관-4880")
    assert forwarding.recorded_by == dpo_user
    assert [i.document for i in forwarding.items.all()] == [received]
    assert obligation(key).status == "on_time"
    assert obligation(key).fulfilled_on == TODAY


def test_past_forwarding_can_be_entered_with_its_real_date(client, seed, dpo_user):
    doc = Document.objects.get(fiscal_year=2024, kind="plan_draft", supersedes__isnull=True)
    client.force_login(dpo_user)
    assert forward(client, documents=[doc.pk], forwarded_on="2023-08-01").status_code == 302
    assert obligation(f"forward_plan_to_council-2024-d{doc.pk}").fulfilled_on == datetime.date(2023, 8, 1)


@pytest.mark.parametrize(
    ("day", "message"),
    [("2025-07-14", "cannot be forwarded before that"), ("2025-07-16", "cannot be in the future")],
)
def test_forwarding_date_must_be_between_receipt_and_today(client, received, dpo_user, day, message):
    client.force_login(dpo_user)
    response = forward(client, documents=[received.pk], forwarded_on=day)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Forwarding.objects.filter(items__document=received).exists()
    assert not FormToken.objects.exists()


def test_forwarding_a_document_never_received_is_refused(client, seed, dpo_user):
    client.force_login(dpo_user)
    count = Forwarding.objects.count()
    response = forward(client, documents=[999999])
    assert response.status_code == 400
    assert "No document was received with the id 999999" in response.content.decode()
    assert Forwarding.objects.count() == count


def test_forwarding_needs_a_document_and_a_valid_number(client, seed, dpo_user):
    client.force_login(dpo_user)
    count = Forwarding.objects.count()
    response = forward(client, document_number="4880 그냥")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose at least one received document" in text
    assert "디지털정책담당관-4880" in text
    assert Forwarding.objects.count() == count


def test_double_submit_of_a_forwarding_records_it_once(client, received, dpo_user):
    client.force_login(dpo_user)
    forward(client, documents=[received.pk], form_token="same")
    forward(client, documents=[received.pk], form_token="same")
    assert Forwarding.objects.filter(items__document=received).count() == 1


def test_the_same_forwarding_with_a_new_form_is_detected(client, received, dpo_user):
    client.force_login(dpo_user)
    forward(client, documents=[received.pk], form_token="one")
    response = forward(client, documents=[received.pk], form_token="two")
    assert response.status_code == 400
    assert "already recorded as forwarded" in response.content.decode()
    assert Forwarding.objects.filter(items__document=received).count() == 1


def test_wego_cannot_record_city_actions(client, received, wego_user):
    client.force_login(wego_user)
    count = Forwarding.objects.count()
    assert forward(client, documents=[received.pk]).status_code == 403
    for name in ("committee_report_new", "delay_reason_new", "evaluation_new", "inspection_new", "inbox"):
        assert client.post(reverse(name), {"form_token": "x"}).status_code == 403
    assert Forwarding.objects.count() == count
    assert not FormToken.objects.exists()


def test_committee_report_needs_a_forwarded_document(client, received, dpo_user):
    committee = Party.objects.filter(kind="committee").first()
    session = CouncilSession.objects.create(
        number=999, kind="extraordinary", starts_on=TODAY, ends_on=TODAY, source="synthetic test session"
    )
    client.force_login(dpo_user)
    data = {"committee": committee.pk, "session": session.pk, "reported_on": "2025-07-15", "documents": [received.pk]}
    response = client.post(reverse("committee_report_new"), {**data, "form_token": "r1"})
    assert response.status_code == 400  # not forwarded yet: not even offered
    forward(client, documents=[received.pk])
    response = client.post(reverse("committee_report_new"), {**data, "form_token": "r2"})
    assert response.status_code == 302
    assert CommitteeReport.objects.get().documents.get() == received


def test_committee_report_date_must_fall_in_its_session(seed, received, dpo_user):
    services.do_forward_to_council(by=dpo_user, forwarded_on=TODAY, documents=[received])
    session = CouncilSession.objects.create(
        number=998, kind="extraordinary", starts_on=datetime.date(2025, 6, 1), ends_on=datetime.date(2025, 6, 10)
    )
    committee = Party.objects.filter(kind="committee").first()
    with pytest.raises(Exception, match="not within the chosen session"):
        services.do_report_to_committee(
            by=dpo_user, committee=committee, session=session, reported_on=TODAY, documents=[received]
        )
    assert not CommitteeReport.objects.exists()


def test_delay_reason_only_for_a_delayed_duty(client, seed, received, dpo_user):
    client.force_login(dpo_user)
    on_time = f"forward_plan_to_council-2026-d{received.pk}"
    response = client.post(reverse("delay_reason_new"), {"obligation_key": on_time, "reason": "x", "form_token": "1"})
    assert response.status_code == 400
    assert "delayed beyond its grace period" in response.content.decode()
    delayed = next(o for o in register.load().obligations(TODAY) if o.needs_reason)
    response = client.post(
        reverse("delay_reason_new"),
        {"obligation_key": delayed.key, "reason": "의회 일정 (synthetic)", "form_token": "2"},
    )
    assert response.status_code == 302
    assert DelayReason.objects.get().obligation_key == delayed.key
    assert obligation(delayed.key).reasons


def test_evaluation_of_results_and_settlement(client, seed, dpo_user):
    results = Document.objects.filter(fiscal_year=2023, kind__in=["results", "settlement"])
    client.force_login(dpo_user)
    data = {
        "fiscal_year": 2023,
        "evaluated_on": "2024-03-15",
        "outcome": "improvement",
        "summary": "synthetic test evaluation",
        "measures": "",
        "documents": [d.pk for d in results],
        "form_token": "e1",
    }
    assert client.post(reverse("evaluation_new"), data).status_code == 302
    assert Evaluation.objects.get().documents.count() == results.count()
    plan = Document.objects.filter(kind="plan_draft").first()
    bad = {**data, "documents": [plan.pk], "form_token": "e2"}
    response = client.post(reverse("evaluation_new"), bad)
    assert response.status_code == 400
    assert Evaluation.objects.count() == 1


def test_inspection_answer_cannot_precede_request(client, seed, dpo_user):
    client.force_login(dpo_user)
    data = {"kind": "report", "requested_on": "2025-05-01", "answered_on": "2025-04-01", "subject": "synthetic"}
    response = client.post(reverse("inspection_new"), {**data, "form_token": "i1"})
    assert response.status_code == 400
    assert not InspectionRequest.objects.exists()
    data["answered_on"] = "2025-05-20"
    assert client.post(reverse("inspection_new"), {**data, "form_token": "i2"}).status_code == 302
    assert InspectionRequest.objects.get().recorded_by == dpo_user


def test_inbox_lists_every_document_in_few_queries(client, seed, dpo_user, django_assert_max_num_queries):
    client.force_login(dpo_user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("inbox"))
    assert response.status_code == 200
    assert response.content.decode().count("data-document=") == Document.objects.count()


def test_lists_query_counts(client, seed, council_user, django_assert_max_num_queries):
    client.force_login(council_user)
    for name in ("forwarding_list", "evaluation_list"):
        with django_assert_max_num_queries(10):
            assert client.get(reverse(name)).status_code == 200


def test_inbox_pages_by_50_and_counts_from_the_register_only_unfiltered(client, seed, dpo_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from compliance.views.city import INBOX_PAGE_SIZE

    client.force_login(dpo_user)
    client.get(reverse("inbox"))  # warm the session and auth caches
    sub = Submission.objects.create(received_on=datetime.date(2024, 3, 4), source="synthetic test data")

    def add(n, start):
        for i in range(start, start + n):
            Document.objects.create(
                submission=sub, kind="settlement", fiscal_year=2023, title=f"synthetic {i}", source="synthetic"
            )

    def get(params=None):
        client.get(reverse("inbox"), params or {})  # the register is loaded once per change
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("inbox"), params or {})
        return len(ctx.captured_queries), response

    add(5, 0)
    few, _ = get()
    add(60, 5)
    many, response = get()
    assert many == few
    total = Document.objects.count()
    table = response.context["table"]
    assert INBOX_PAGE_SIZE == 50 and len(table.page.object_list) == 50 and table.paginator.count == total
    assert len(get({"page": 2})[1].context["table"].page.object_list) == total - 50
    filtered = get({"kind": "settlement"})[1].context["table"]
    assert filtered.paginator.count == Document.objects.filter(kind="settlement").count() < total
