"""Races on PostgreSQL with real concurrent connections: two tabs sending the same file,
two officers recording the same forwarding or the same review outcome, many receipts
numbered at once.

Each thread has its own database connection and transaction; a barrier starts them
together. Before the checks held under concurrency, two tabs gave two receipts in 9 of
10 trials and two officers gave duplicate forwardings in 7 of 10; two identical review
outcomes (and two e-mails to every WeGO user) came in 12 of 12 trials of issue 25.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from compliance.dataio.uploads import CheckedFile
from compliance.models import Document, DocumentFile, ForwardingItem, ReviewOutcome, Submission
from compliance.roles import DPO
from compliance.services import DocSpec, do_forward_to_council, do_receive_submission
from compliance.services.review import do_record_review
from tests import workflow_samples as samples
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROUNDS = 5


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def race(*calls):
    """Run the calls at the same moment, each in its own thread and connection.

    Returns what each returned or raised, in order.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(10)
            with translation.override("en"):
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at what each call raised
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish (deadlock?)"
    return results


def test_two_tabs_sending_the_same_file_give_one_receipt(seed, wego_user):
    for round_ in range(ROUNDS):
        data = samples.pdf(f"synthetic plan, round {round_}")

        def tab(token, data=data):
            spec = DocSpec(
                "plan_draft", 2026, "2026 사업계획서(안)", [CheckedFile("plan.pdf", "pdf", "application/pdf", data)]
            )
            return do_receive_submission(by=wego_user, documents=[spec], token=token)

        results = race(lambda r=round_: tab(f"tab-a-{r}"), lambda r=round_: tab(f"tab-b-{r}"))

        received = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(received) == 1 and len(refused) == 1, f"round {round_}: {results}"
        assert "was already received" in str(refused[0].message_dict["files"])
    assert DocumentFile.objects.count() == ROUNDS
    assert Submission.objects.filter(submitted_by=wego_user).count() == ROUNDS


def test_two_officers_recording_the_same_forwarding_record_it_once(seed, dpo_user):
    other = make_user("dpo2", DPO)
    documents = list(Document.objects.filter(forwarding_items=None).order_by("pk")[:ROUNDS])
    assert len(documents) == ROUNDS
    for round_, doc in enumerate(documents):
        day = doc.submission.received_on + datetime.timedelta(days=3)

        def record(user, doc=doc, day=day):
            return do_forward_to_council(
                by=user,
                forwarded_on=day,
                documents=[doc.pk],
                document_number="디지털정책담당관-1",
                token=f"{user}-{doc.pk}",
            )

        results = race(lambda record=record: record(dpo_user), lambda record=record: record(other))

        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1, f"round {round_}: {results}"
        assert "already recorded as forwarded" in " ".join(refused[0].messages)
        assert ForwardingItem.objects.filter(document=doc, forwarding__forwarded_on=day).count() == 1


def test_receipts_numbered_at_the_same_moment_get_distinct_numbers(seed, wego_user):
    def submit(i):
        data = samples.pdf(f"synthetic settlement {i}")
        spec = DocSpec("settlement", 2025, f"정산서 {i}", [CheckedFile(f"s{i}.pdf", "pdf", "application/pdf", data)])
        return do_receive_submission(by=wego_user, documents=[spec], token=f"n-{i}")

    results = race(*[lambda i=i: submit(i) for i in range(4)])

    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(r.obj.receipt_number for r in results)
    assert len(set(numbers)) == 4
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == [1, 2, 3, 4]


def test_two_officers_recording_the_same_review_outcome_record_it_once(
    seed, dpo_user, wego_user, settings, eager_tasks
):
    # The notices run in-process (eager_tasks sets the Celery app's own setting: a Django
    # setting changed here is not read again once another test has configured the app).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    other = make_user("dpo2", DPO)
    for round_ in range(ROUNDS):
        spec = DocSpec(
            "plan_draft",
            2026,
            f"2026 사업계획서(안) {round_}",
            [CheckedFile(f"plan-{round_}.pdf", "pdf", "application/pdf", samples.pdf(f"synthetic plan {round_}"))],
        )
        doc = do_receive_submission(by=wego_user, documents=[spec], token=f"plan-{round_}").obj.documents.get()
        mail.outbox.clear()

        def record(user, doc=doc):
            return do_record_review(
                by=user, thread_document=doc, document=doc, decision="accepted", token=f"{user}-{doc.pk}"
            )

        results = race(lambda record=record: record(dpo_user), lambda record=record: record(other))

        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1, f"round {round_}: {results}"
        assert "already has the outcome" in " ".join(refused[0].messages)
        assert ReviewOutcome.objects.filter(document=doc).count() == 1
        # One notice per WeGO user, not two.
        assert [m.to for m in mail.outbox] == [[wego_user.email]]
