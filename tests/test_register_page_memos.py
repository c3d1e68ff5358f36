"""What the obligation page and the inbox read from the register answers exactly like the
queries and the scans it replaces: trails through the register's index, the forwardings
and reports naming each document, document rows, and review threads (cached and not)."""

import datetime

import pytest

from compliance import register
from compliance.models import CommitteeReport, Document, Forwarding, ForwardingItem, Party, Submission
from compliance.register import Register
from compliance.reviews import distinct_threads, threads_for
from compliance.rules.obligations import document_trail
from compliance.services import review

D = datetime.date
SYNTHETIC = "synthetic test data"


def add_lineages(n, fy=2024):
    """Synthetic test data (not the seed): plan drafts, every third one revised, every
    other one forwarded (the revision with its draft), some reported to the committee."""
    docs = []
    for i in range(n):
        sub = Submission.objects.create(received_on=D(fy - 1, 5, 2 + i), source=SYNTHETIC)
        draft = Document.objects.create(
            submission=sub, kind="plan_draft", fiscal_year=fy, title=f"synthetic {i}", source=SYNTHETIC
        )
        docs.append(draft)
        if i % 3 == 0:
            later = Submission.objects.create(received_on=D(fy - 1, 6, 2 + i), source=SYNTHETIC)
            docs.append(
                Document.objects.create(
                    submission=later,
                    kind="plan_draft",
                    fiscal_year=fy,
                    title=f"synthetic {i} revised",
                    supersedes=draft,
                    source=SYNTHETIC,
                )
            )
        if i % 2:
            forwarding = Forwarding.objects.create(forwarded_on=D(fy - 1, 6, 20), source=SYNTHETIC)
            for doc in docs[-2:] if i % 3 == 0 else docs[-1:]:
                forwarding.items.create(document=doc, description=SYNTHETIC, kind="plan_draft", fiscal_year=fy)
            if i % 4 == 1:
                report = CommitteeReport.objects.create(
                    committee=Party.objects.filter(kind=Party.Kind.COMMITTEE).first(),
                    reported_on=D(fy - 1, 7, 1),
                    source=SYNTHETIC,
                )
                report.documents.add(*docs[-1:])
    return docs


def plain(thread):
    """A thread as plain values: what the pages show of it."""
    return (
        [v.pk for v in thread.versions],
        thread.state,
        [(i.kind, i.day, i.document.pk, i.obj.id if i.obj is not None else None) for i in thread.items],
        [o.pk for o in thread.outcomes],
        [c.pk for c in thread.comments],
    )


def test_indexed_trails_are_the_scanned_trails(seed):
    add_lineages(8)
    for day in (D(2022, 6, 30), D(2023, 5, 5), D(2023, 6, 30), D(2024, 6, 30), D(2026, 1, 1)):
        reg = Register.load()
        for o in reg.obligations(day):
            scanned = document_trail(o, reg.history, day)
            for _ in range(2):  # worked out, then from the register's memo of the day
                indexed = list(reg.trail(o, day))
                assert [{k: v for k, v in row.items() if k != "kind_label"} for row in indexed] == scanned


def test_forwardings_reports_and_rows_from_the_register_are_the_tables(seed):
    docs = add_lineages(8)
    ids = list(Document.objects.values_list("pk", flat=True))
    reg = register.load()
    forwarded = reg.forwardings_of(ids)
    for doc in Document.objects.all():
        items = ForwardingItem.objects.filter(document=doc).select_related("forwarding")
        assert [(f.id, f.forwarded_on, f.document_number) for f in forwarded.get(doc.pk, [])] == [
            (i.forwarding.id, i.forwarding.forwarded_on, i.forwarding.document_number) for i in items
        ]
        assert [(r.id, r.reported_on) for r in reg.reports_of([doc.pk]).get(doc.pk, [])] == [
            (r.id, r.reported_on) for r in doc.committee_reports.all()
        ]
    assert any(forwarded.values()) and any(reg.reports_of(ids).values())
    rows = reg.document_rows([d.pk for d in docs] + [0])
    assert sorted(rows) == sorted(d.pk for d in docs)
    for doc in docs:
        fresh = Document.objects.select_related("submission").get(pk=doc.pk)
        assert (rows[doc.pk].title, rows[doc.pk].submission.received_on) == (fresh.title, fresh.submission.received_on)


@pytest.mark.parametrize("reviewed", [False, True])
def test_threads_from_the_register_are_the_queried_threads(seed, dpo_user, wego_user, reviewed):
    docs = add_lineages(9)
    if reviewed:
        review.do_record_review(by=dpo_user, thread_document=docs[2], document=docs[2], decision="accepted")
        review.do_add_comment(by=wego_user, thread_document=docs[3], document=docs[3], body="a comment")
    queried = Document.objects.filter(pk__in=[d.pk for d in docs]).select_related("submission")
    expected = {pk: plain(t) for pk, t in threads_for(queried).items()}
    for _ in range(2):  # built, then the quiet lineages' threads kept with the register
        got = threads_for(list(queried), register=register.load())
        assert {pk: plain(t) for pk, t in got.items()} == expected
    ids = [d.pk for d in reversed(docs)]
    assert [plain(t) for t in distinct_threads(ids, register=register.load())] == [
        plain(t) for t in distinct_threads(ids)
    ]


def test_a_review_of_a_quiet_lineage_is_seen_at_once(seed, dpo_user, wego_user):
    """Reviews do not change the data version: a thread kept while its lineage had no
    outcome or comment is never shown once it has one."""
    docs = add_lineages(3)
    draft = docs[-1]
    ids = [draft.pk]
    assert [t.state for t in distinct_threads(ids, register=register.load())] == ["awaiting_review"]
    review.do_add_comment(by=wego_user, thread_document=draft, document=draft, body="a comment")
    review.do_record_review(by=dpo_user, thread_document=draft, document=draft, decision="accepted")
    (fresh,) = distinct_threads(ids)
    (cached,) = distinct_threads(ids, register=register.load())
    assert plain(cached) == plain(fresh)
    assert cached.state == "accepted" and len(cached.comments) == 1


def test_threads_kept_under_the_display_version_are_the_queried_threads(seed, dpo_user, wego_user):
    """A page views its threads again from the register while nothing was written; a
    review, a comment or a new version changes the display version (database triggers),
    so the next view reads them afresh."""
    docs = add_lineages(5)
    ids = [d.pk for d in docs]

    def both():
        reg, display = register.load_with_display_version()
        kept = [plain(t) for t in distinct_threads(ids, register=reg, display_version=display)]
        queried = [plain(t) for t in distinct_threads(ids)]
        return display, kept, queried

    first, kept, queried = both()
    assert first and kept == queried
    assert both() == (first, kept, queried)  # from what was kept
    review.do_add_comment(by=wego_user, thread_document=docs[1], document=docs[1], body="a comment")
    second, kept, queried = both()
    assert second != first and kept == queried
    review.do_record_review(by=dpo_user, thread_document=docs[1], document=docs[1], decision="accepted")
    third, kept, queried = both()
    assert third not in (first, second) and kept == queried
    assert [t.state for t in distinct_threads([docs[1].pk], register=register.load(), display_version=third)] == [
        "accepted"
    ]
    records = list(Document.objects.filter(pk__in=ids).select_related("submission"))
    reg, display = register.load_with_display_version()
    expected = {pk: plain(t) for pk, t in threads_for(records).items()}
    for _ in range(2):
        got = threads_for(records, register=reg, display_version=display)
        assert {pk: plain(t) for pk, t in got.items()} == expected
