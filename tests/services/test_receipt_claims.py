"""Claiming and recording receipt e-mails on PostgreSQL, with real concurrent connections.

The fault replay of issue 25 saw 4 of 39 receipt e-mails claimed during a race wait for
the 5-minute sweep, and one sent twice when the database went away right after the
send. The claim was `SELECT ... FOR UPDATE SKIP LOCKED`, which returns nothing for a row
that any other transaction holds a lock on, even one that is not claiming it (a share
lock from a reader, a key share lock from a foreign-key check); the worker then did
nothing, and nobody else was going to. The claim is now one conditional UPDATE.
"""

import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.utils import timezone

from compliance.models import ReceiptEmail, Submission
from compliance.services import receipts

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row(wego_user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    submission = Submission.objects.create(
        received_on=timezone.localdate(), received_at=timezone.now(), receipt_number="TEST-0001", submitted_by=wego_user
    )
    return ReceiptEmail.objects.create(submission=submission, to="wego@example.invalid", next_attempt_at=timezone.now())


def in_other_connection(sql, params, hold, started):
    """Run `sql` in a transaction of another connection and keep it open `hold` seconds."""

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute(sql, params)
                started.set()
                time.sleep(hold)
                cursor.execute("COMMIT")
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    return thread


@pytest.mark.parametrize("lock", ["FOR KEY SHARE", "FOR SHARE"])
def test_a_row_another_transaction_holds_a_lock_on_is_still_claimed_and_sent(row, lock):
    started = threading.Event()
    holder = in_other_connection(f"SELECT id FROM compliance_receiptemail WHERE id = %s {lock}", [row.pk], 1, started)
    try:
        assert receipts.do_send_receipt_email(row.pk) is None
    finally:
        holder.join(10)
    row.refresh_from_db()
    assert row.status == ReceiptEmail.Status.SENT and row.attempts == 1
    assert len(mail.outbox) == 1


def test_of_many_workers_claiming_one_email_at_once_exactly_one_claims_it(row):
    barrier = threading.Barrier(8)
    results = []

    def claim():
        try:
            barrier.wait(10)
            results.append(receipts._claim(row.pk, timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False] * 7 + [True]
    assert ReceiptEmail.objects.get(pk=row.pk).attempts == 1


class DatabaseAwayAfterSend(EmailBackend):
    """locmem, except that right after the mail server takes the message the receipt
    e-mail table goes away for a second (as the database does when it restarts)."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        other = connections.create_connection("default")
        with other.cursor() as cursor:
            cursor.execute("ALTER TABLE compliance_receiptemail RENAME TO compliance_receiptemail_away")
        other.close()

        def back():
            time.sleep(1.5)
            again = connections.create_connection("default")
            with again.cursor() as cursor:
                cursor.execute("ALTER TABLE compliance_receiptemail_away RENAME TO compliance_receiptemail")
            again.close()

        threading.Thread(target=back, daemon=True).start()
        return sent


def test_a_database_gone_right_after_the_send_is_waited_for_and_the_email_is_not_sent_again(row, settings):
    settings.EMAIL_BACKEND = f"{__name__}.DatabaseAwayAfterSend"
    try:
        assert receipts.do_send_receipt_email(row.pk) is None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE IF EXISTS compliance_receiptemail_away RENAME TO compliance_receiptemail")
    row.refresh_from_db()
    assert row.status == ReceiptEmail.Status.SENT
    assert len(mail.outbox) == 1
    # Nothing is left for the sweep: no second e-mail, now or after the 15 minutes.
    later = timezone.now() + timezone.timedelta(minutes=ReceiptEmail.STUCK_MINUTES + 1)
    assert not ReceiptEmail.objects.sendable(later).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert receipts.do_send_receipt_email(row.pk, now=later) is None
    assert len(mail.outbox) == 1
