"""The register cached per data version answers exactly like a register read afresh."""

import datetime
import re
from operator import attrgetter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from compliance import register
from compliance.models import DelayReason, Document, Forwarding, Submission
from compliance.register import Register

D = datetime.date


def answers(reg, as_of, what_if=False):
    return [
        (o.key, o.as_json(), o.status, o.status_key, [r.pk for r in o.reasons], o.fulfilled_by)
        for o in reg.obligations(as_of, what_if=what_if)
    ]


def add_synthetic(n, fy=2024):
    """Synthetic test data (not the seed): plan drafts, every other one forwarded."""
    sub = Submission.objects.create(received_on=D(fy - 1, 5, 2), source="synthetic test data")
    for i in range(n):
        doc = Document.objects.create(
            submission=sub, kind="plan_draft", fiscal_year=fy, title=f"synthetic {i}", source="synthetic"
        )
        if i % 2:
            forwarding = Forwarding.objects.create(forwarded_on=D(fy - 1, 5, 30), source="synthetic")
            forwarding.items.create(document=doc, description="synthetic", kind="plan_draft", fiscal_year=fy)


def test_cached_and_uncached_answers_are_identical(seed):
    add_synthetic(6)
    days = [D(2022, 1, 1) + datetime.timedelta(days=37 * i) for i in range(40)]
    for what_if in (False, True):
        for day in days:
            assert answers(register.load(), day, what_if) == answers(Register.load(), day, what_if)
    # Once more from the register's memo of the same day.
    assert answers(register.load(), days[5]) == answers(Register.load(), days[5])


def trails(reg, as_of):
    """Every obligation's trail as plain values: documents, forwardings, reports, delays."""
    return {
        o.key: [
            (
                row["doc"].id,
                row["forwarding"] and row["forwarding"].id,
                row["forwarded_via_newer"],
                row["to_council_business_days"],
                row["waiting_business_days"],
                row["report"] and row["report"].id,
                row["to_committee_business_days"],
            )
            for row in reg.trail(o, as_of)
        ]
        for o in reg.obligations(as_of)
    }


def test_cached_trails_lineages_and_memos_are_identical(seed):
    """What the pages read besides the obligations: trails, review lineages and the
    memoised dashboard order, from the cached register and from a fresh one."""
    add_synthetic(6)
    first = Document.objects.filter(title="synthetic 0").get()
    Document.objects.create(
        submission=first.submission,
        kind="plan_revision",
        fiscal_year=2024,
        title="synthetic revision",
        supersedes=first,
        source="synthetic",
    )
    ids = list(Document.objects.values_list("pk", flat=True))
    for day in (D(2023, 6, 30), D(2024, 6, 30), D(2025, 3, 1)):
        cached, fresh = register.load(), Register.load()
        assert trails(cached, day) == trails(fresh, day)
        order = [o.key for o in cached.derived("dashboard-order", lambda obs: sorted(obs, key=attrgetter("key")), day)]
        assert order == sorted(o.key for o in fresh.obligations(day))
    cached, fresh = register.load(), Register.load()
    assert all(cached.lineage_ids([pk]) == fresh.lineage_ids([pk]) for pk in ids)
    assert cached.lineage_ids([first.pk]) == {first.pk} | {d.pk for d in Document.objects.filter(supersedes=first)}


def test_every_write_to_a_source_is_seen_at_once(seed, dpo_user):
    day = D(2023, 6, 30)
    before = register.load()
    count = len(before.obligations(day))
    add_synthetic(1)
    after = register.load()
    assert after is not before
    assert len(after.obligations(day)) == count + 1
    key = after.obligations(day)[0].key
    DelayReason.objects.create(obligation_key=key, reason="test", recorded_on=day, recorded_by=dpo_user)
    assert [r.reason for r in register.load().get(key, day).reasons] == ["test"]
    assert answers(register.load(), day) == answers(Register.load(), day)


def test_an_unchanged_register_costs_one_query(seed, django_assert_num_queries):
    register.load().obligations(D(2023, 6, 30))
    with django_assert_num_queries(1):
        register.load().obligations(D(2023, 6, 30))


def test_a_rolled_back_write_never_hands_its_version_on(seed):
    token = register.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        add_synthetic(1)
        inside = register.data_version()
        register.load()  # cached under the version of a write that will not happen
        raise RuntimeError
    assert register.data_version() == token
    add_synthetic(1)
    assert register.data_version() not in (token, inside)


def test_many_writes_in_one_block_change_the_version_once(seed):
    before = register.load()
    with CaptureQueriesContext(connection) as queries, register.one_change():
        add_synthetic(6)
    bumps = [q for q in queries if "compliance_dataversion" in q["sql"]]
    assert len(bumps) == 1
    after = register.load()
    assert after is not before
    assert answers(after, D(2023, 6, 30)) == answers(Register.load(), D(2023, 6, 30))


def test_the_register_reads_only_models_whose_writes_change_the_version(seed):
    tables = {m._meta.db_table for m in register.source_models()}
    with CaptureQueriesContext(connection) as queries:
        reg = Register.load()
        reg.committee_on(D(2024, 1, 1))
    read = set()
    for query in queries:
        read.update(re.findall(r'(?:FROM|JOIN) "([a-z_0-9]+)"', query["sql"]))
    assert read and read <= tables, read - tables


@pytest.fixture(autouse=True)
def _db(db):
    """Every test here uses the database."""
