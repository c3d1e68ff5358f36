"""The stored register equals a full recomputation after any sequence of writes, and its
statuses in SQL equal the pure rules' as of any day (hypothesis, PostgreSQL).

Each example runs in a transaction that is rolled back, on the seed history plus
synthetic events made through the services (receipts, revisions, forwardings, committee
reports, reviews, coverage) and through the admin's path, model saves (rules, holidays,
sessions). Synthetic data is labelled "synthetic".
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance import register, services
from compliance.dataio.uploads import validate_upload
from compliance.models import CouncilSession, Document, DutyRule, HolidayOverride, Party, StoredObligation
from compliance.rules.obligations import generate
from tests import workflow_samples as samples

D = datetime.date
TODAY = D(2026, 12, 31)
KINDS = ["plan_draft", "plan_final", "plan_revision", "results", "settlement"]
DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 1))
AS_OF = [D(2024, 3, 1), D(2024, 4, 4), D(2025, 6, 30), D(2026, 12, 7)]

pytestmark = pytest.mark.django_db

receive = st.tuples(st.just("receive"), st.sampled_from(KINDS), st.integers(2024, 2027), DAYS, st.booleans())
forward = st.tuples(st.just("forward"), st.integers(0, 30), st.integers(1, 3), DAYS)
report = st.tuples(st.just("report"), st.integers(0, 30), DAYS)
review = st.tuples(st.just("review"), st.integers(0, 30))
coverage = st.tuples(st.just("coverage"), st.sampled_from(["receipts", "forwardings", "committee_reports"]), DAYS)
rule = st.tuples(st.just("rule"), st.integers(1, 40))
holiday = st.tuples(st.just("holiday"), DAYS)
session = st.tuples(st.just("session"), DAYS, st.integers(1, 20))
STEPS = st.lists(st.one_of(receive, forward, report, review, coverage, rule, holiday, session), min_size=1, max_size=6)


def _apply(step, users, tmp):
    kind = step[0]
    docs = list(Document.objects.order_by("pk"))
    if kind == "receive":
        _, doc_kind, fy, day, revise = step
        older = next((d for d in reversed(docs) if d.fiscal_year == fy and d.kind.startswith("plan")), None)
        supersedes = older if revise and doc_kind.startswith("plan") else None
        spec = services.DocSpec(
            doc_kind, fy, "synthetic", [validate_upload("synthetic.pdf", samples.pdf("synthetic"))], supersedes
        )
        now = datetime.datetime.combine(day, datetime.time(3, 0), tzinfo=datetime.UTC)
        services.do_receive_submission(by=users["wego"], documents=[spec], now=now)
    elif kind == "forward":
        _, first, count, day = step
        chosen = [d for d in docs[first : first + count] if d.submission.received_on <= day]
        if chosen:
            services.do_forward_to_council(
                by=users["dpo"], forwarded_on=day, documents=chosen, document_number="synthetic", today=TODAY
            )
    elif kind == "report":
        _, first, day = step
        committee = Party.objects.filter(kind=Party.Kind.COMMITTEE).first()
        chosen = docs[first : first + 1]
        if chosen and committee:
            services.do_report_to_committee(
                by=users["dpo"], committee=committee, reported_on=day, documents=chosen, today=TODAY
            )
    elif kind == "review":
        if docs:
            doc = docs[step[1] % len(docs)]
            services.do_record_review(by=users["dpo"], thread_document=doc, document=doc, decision="accepted")
    elif kind == "coverage":
        _, stream, day = step
        services.do_save_coverage(by=users["dpo"], stream=stream, starts_on=day, source="synthetic")
    elif kind == "rule":
        found = DutyRule.objects.filter(anchor="receipt").first()
        found.grace_business_days = step[1]
        found.save()
    elif kind == "holiday":
        HolidayOverride.objects.create(date=step[1], kind="add", name_ko="합성 휴일", name_en="synthetic holiday")
    elif kind == "session":
        _, day, length = step
        number = 900 + CouncilSession.objects.count()
        CouncilSession.objects.create(
            number=number, kind="extraordinary", starts_on=day, ends_on=day + datetime.timedelta(days=length)
        )


def _assert_register_agrees():
    found = register.verify(TODAY)
    assert found["ok"], found
    history = register.load_history()
    reg = register.load()
    for as_of in AS_OF:
        pure = {o.key: (o.status, o.status_key) for o in generate(history, as_of)}
        stored = {key: (status, badge) for key, status, badge in reg.rows(as_of).values_list("key", "status", "badge")}
        assert stored == pure, as_of
        made = {o.key: o.as_json() for o in reg.obligations(as_of)}
        assert made == {o.key: o.as_json() for o in generate(history, as_of)}, as_of


@pytest.fixture
def users(seed, wego_user, dpo_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    return {"wego": wego_user, "dpo": dpo_user}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_after_any_writes_the_stored_register_is_what_the_rules_give(users, tmp_path, steps):
    with transaction.atomic():
        for step in steps:
            try:
                with transaction.atomic():
                    _apply(step, users, tmp_path)
            except ValidationError:
                pass  # a write the services refuse (e.g. a report of a document never forwarded)
            _assert_register_agrees()
        transaction.set_rollback(True)


def test_a_rolled_back_write_leaves_the_register_as_it_was(users):
    before = list(StoredObligation.objects.order_by("key").values())
    doc = Document.objects.filter(forwarding_items__isnull=True).order_by("pk").first()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.do_forward_to_council(
            by=users["dpo"], forwarded_on=D(2024, 3, 1), documents=[doc], document_number="synthetic", today=TODAY
        )
        assert list(StoredObligation.objects.order_by("key").values()) != before  # the write did refresh it
        raise RuntimeError("rolled back")
    assert list(StoredObligation.objects.order_by("key").values()) == before


def test_a_submission_refreshes_only_the_rows_it_can_touch(users, django_assert_max_num_queries):
    """The refresh reads the lineage and its year, never the history: its queries do not
    grow with the number of documents of other years (synthetic ones here)."""
    from compliance.models import Submission

    for i in range(40):
        sub = Submission.objects.create(received_on=D(2023, 5, 1), source="synthetic")
        Document.objects.create(submission=sub, kind="results", fiscal_year=2022, title=f"synthetic {i}")
    spec = services.DocSpec("settlement", 2026, "synthetic", [validate_upload("s.pdf", samples.pdf("synthetic"))])
    with django_assert_max_num_queries(60):
        services.do_receive_submission(by=users["wego"], documents=[spec])
    assert register.verify(TODAY)["ok"]
