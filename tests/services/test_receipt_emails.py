"""Receipt e-mails with real parts: a Celery worker in its own process on a Redis of the
test's own, configured only through the environment (EMAIL_HOST, EMAIL_PORT,
EMAIL_HOST_USER/PASSWORD, EMAIL_TIMEOUT), and a local SMTP listener that refuses or
hangs.

Before, the e-mail was sent inside the request: an SMTP outage lost it silently, and a
hung server held the request (a 500 after 31 s, no receipt number shown). Now the
receipt comes back at once, the e-mail is a row, and the worker sends and retries it.
"""

import datetime
import os
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from compliance.models import ReceiptEmail, Submission
from tests import workflow_samples as samples
from tests.real_parts import (
    SMTP_PORT,
    CeleryWorker,
    RedisServer,
    SmtpListener,
    database_url,
    wait_until,
)
from wego_tracker.celery import app as celery_app

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

RELAY_USER, RELAY_PASSWORD = "wego-relay", "relay-secret"


@pytest.fixture
def redis():
    """Our own redis-server, and the web side (this process) publishing to it."""
    server = RedisServer().start()
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options, conf.task_always_eager
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = server.url, {}, False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield server
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    server.close()


@pytest.fixture
def smtp():
    listener = SmtpListener(SMTP_PORT)
    yield listener
    listener.stop()


@pytest.fixture
def worker(redis, tmp_path):
    """Start (with `worker()`) a worker process that knows the mail server only from the
    environment; it is stopped at the end of the test."""
    started = []

    def start():
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "WEGO_", "CELERY_"))},
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": redis.url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(SMTP_PORT),
            "EMAIL_HOST_USER": RELAY_USER,
            "EMAIL_HOST_PASSWORD": RELAY_PASSWORD,
            "EMAIL_TIMEOUT": "2",
            "WEGO_EMAIL_RETRY_SECONDS": "1",
            # Each retry really talks to the server (the pause after a failure is tested elsewhere).
            "WEGO_MAIL_PAUSE_SECONDS": "0",
            "DEFAULT_FROM_EMAIL": "wego-tracker@example.invalid",
        }
        process = CeleryWorker(env, tmp_path / f"worker-{len(started)}.log").start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def submit(client, user):
    client.force_login(user)
    data = {
        "kind": "plan_draft",
        "fiscal_year": 2026,
        "title": "",
        "note": "",
        "form_token": "tok-1",
        "files": [SimpleUploadedFile("2026 사업계획서(안).pdf", samples.pdf("synthetic plan"))],
    }
    started = time.monotonic()
    response = client.post(reverse("submission_new"), data)
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    number = Submission.objects.get(submitted_by=user).receipt_number
    assert number in page
    return number, elapsed


def receipts_at(smtp):
    """The receipt e-mails the listener has: a worker that starts after 07:00 in Seoul also
    scans for alerts at once (the default stages), whose e-mails go to the same server."""
    return [m for m in smtp.messages if m.message["X-WeGO-Receipt"]]


def rows():
    return list(ReceiptEmail.objects.order_by("to").values("to", "status", "attempts", "last_error"))


def test_a_hung_then_refusing_smtp_server_never_touches_the_submission_and_the_worker_retries(
    client, seed, wego_user, dpo_user, smtp, worker, settings
):
    smtp.set_mode("hang")
    smtp.start()
    # Were the web process to send the e-mail itself, it would wait on the hung server.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", SMTP_PORT, 30
    process = worker()

    number, elapsed = submit(client, wego_user)

    assert elapsed < 15, f"the submission took {elapsed:.1f}s"  # sending itself would take 30 s at least
    assert re.fullmatch(r"WEGO-\d{4}-\d{4}", number)
    # The hung server: each send gives up after EMAIL_TIMEOUT (2 s) and is recorded.
    wait_until(
        lambda: len(rows()) == 2 and all(r["status"] == "failed" for r in rows()),
        "the hung sends to time out",
        log=process.log,
    )
    assert smtp.state.connections >= 1

    # The server goes away (connection refused): the retries fail too, and say why.
    smtp.stop()
    wait_until(lambda: all("refused" in r["last_error"].lower() for r in rows()), "a refused retry", log=process.log)

    # It comes back: the next retry sends, through EMAIL_HOST:EMAIL_PORT with the credentials.
    smtp.set_mode("accept")
    smtp.start()
    messages = wait_until(lambda: len(receipts_at(smtp)) == 2 and receipts_at(smtp), "the retries", log=process.log)
    wait_until(lambda: all(r["status"] == "sent" for r in rows()), "the rows marked sent", log=process.log)
    assert sorted(m.recipients[0] for m in messages) == sorted([wego_user.email, dpo_user.email])
    for m in messages:
        assert m.auth == (RELAY_USER, RELAY_PASSWORD)
        assert m.message["X-WeGO-Receipt"] == number
        assert number in m.message["Subject"]
    assert all(r["attempts"] >= 3 for r in rows())


def test_receipt_emails_recorded_while_the_broker_is_down_go_out_when_a_worker_starts(
    client, seed, wego_user, dpo_user, smtp, redis, worker
):
    smtp.start()
    redis.stop()

    number, elapsed = submit(client, wego_user)

    assert elapsed < 10
    assert [r["status"] for r in rows()] == ["pending", "pending"]

    redis.start()
    process = worker()
    messages = wait_until(
        lambda: len(receipts_at(smtp)) == 2 and receipts_at(smtp), "the waiting e-mails", log=process.log
    )
    assert all(m.message["X-WeGO-Receipt"] == number for m in messages)
    wait_until(lambda: all(r["status"] == "sent" for r in rows()), "the rows marked sent", log=process.log)


@pytest.mark.django_db
def test_a_row_left_sending_by_a_dead_worker_is_due_again_and_the_back_off_doubles(seed, wego_user):
    from compliance.services import receipts

    submission = Submission.objects.create(
        received_on=datetime.date(2025, 7, 15), receipt_number="WEGO-2025-0009", submitted_by=wego_user
    )
    now = datetime.datetime(2025, 7, 15, 10, 0, tzinfo=datetime.UTC)
    row = ReceiptEmail.objects.create(
        submission=submission, to="wego@example.invalid", status="sending", claimed_at=now, next_attempt_at=now
    )
    assert list(ReceiptEmail.objects.sendable(now + datetime.timedelta(minutes=14))) == []
    assert list(ReceiptEmail.objects.sendable(now + datetime.timedelta(minutes=16))) == [row]
    assert receipts.retry_delay(1) == datetime.timedelta(minutes=5)
    assert receipts.retry_delay(3) == datetime.timedelta(minutes=20)
    assert receipts.retry_delay(30) == datetime.timedelta(hours=6)
