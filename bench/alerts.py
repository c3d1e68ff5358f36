"""Benchmark: a wave of alert e-mails, each sent the way the worker sends it.

On the real seed plus SYNTHETIC recipients ("[synthetic benchmark data]" users with
example.invalid addresses), it records N pending alert deliveries for the obligations
still open today, then sends them with the worker's own service, in the batches the scan
queues (`alert_batches`, one `do_send_deliveries` call per batch, as
`compliance.tasks.deliver_alerts` does), with Django's locmem e-mail backend.
The **bare** send renders the same e-mail templates with a context computed once and
hands the message to the same backend: the floor of an alert e-mail.

    bench/run alerts                       BENCH_ALERT_SIZES=100,1000 bench/run alerts
"""

import os
import statistics
import sys
import time
from pathlib import Path

from _report import figure
from _setup import setup

LABEL = "[synthetic benchmark data]"
SIZES = [int(s) for s in os.environ.get("BENCH_ALERT_SIZES", "100,1000,10000").split(",")]
RECIPIENTS = 20


def open_obligations(as_of):
    from compliance import register

    return [o for o in register.load().obligations(as_of) if not o.is_fulfilled]


def make_wave(size, stage, users, obligations, first_occurrence):
    from django.utils import timezone

    from compliance.models import AlertDelivery

    now = timezone.now()
    rows = []
    for i in range(size):
        ob = obligations[i % len(obligations)]
        rows.append(
            AlertDelivery(
                obligation_key=ob.key,
                stage=stage,
                recipient=users[i % len(users)],
                occurrence=first_occurrence + i,
                due_date=ob.due_date,
                alert_date=ob.due_date,
                via_digest=False,
                status=AlertDelivery.Status.PENDING,
                next_attempt_at=now,
            )
        )
    return [d.pk for d in AlertDelivery.objects.bulk_create(rows)]


def main():
    setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core import mail
    from django.db import connection
    from django.utils import timezone

    from compliance import emails
    from compliance.alert_text import absolute_url, alert_title, obligation_context
    from compliance.models import AlertStage
    from compliance.roles import DPO, ensure_groups
    from compliance.services.alerts import alert_batches, do_send_deliveries

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    group = ensure_groups()[DPO]
    users = []
    for i in range(RECIPIENTS):
        user = get_user_model().objects.create_user(f"alert{i}", f"alert{i}@example.invalid", "x", first_name=LABEL)
        user.groups.add(group)
        users.append(user)
    stage = AlertStage.objects.filter(is_active=True, repeat_every_days__isnull=True).first()
    as_of = timezone.localdate()
    obligations = open_obligations(as_of)
    print(
        f"{len(obligations)} obligations open on {as_of} (real seed), {RECIPIENTS} synthetic recipients, "
        f"stage {stage.code}"
    )
    # The bare send: the same templates, a context computed once per obligation, the same backend.
    contexts = {}
    for ob in obligations:
        contexts[ob.key] = {
            "user": users[0],
            "stage": stage,
            "as_of": as_of,
            "obligation": obligation_context(ob, as_of, "ko"),
            "title": alert_title(ob, stage, as_of, "ko"),
            "inbox_url": absolute_url("/alerts/"),
            "preferences_url": absolute_url("/alerts/preferences/"),
        }
    occurrence = 1000
    for size in SIZES:
        ids = make_wave(size, stage, users, obligations, occurrence)
        occurrence += size
        mail.outbox = []
        per_email_queries = []
        batches = alert_batches(ids)
        started = time.perf_counter()
        for n, batch in enumerate(batches):
            if n < 2 or n >= len(batches) - 2:
                queries = []
                with connection.execute_wrapper(lambda ex, sql, *a, q=queries: q.append(sql) or ex(sql, *a)):
                    do_send_deliveries(batch)
                per_email_queries.append(len(queries) / len(batch))
            else:
                do_send_deliveries(batch)
        ours = time.perf_counter() - started
        sent = len(mail.outbox)
        mail.outbox = []
        started = time.perf_counter()
        for i in range(size):
            ob = obligations[i % len(obligations)]
            emails.send(
                "alert", [users[i % len(users)].email], contexts[ob.key], "ko", headers={"X-WeGO-Alert": ob.key}
            )
        bare = time.perf_counter() - started
        assert sent == size, (sent, size)
        first, last = per_email_queries[:2], per_email_queries[2:] or per_email_queries[-1:]
        figure(
            f"alert wave: {size:,} e-mails (locmem)",
            ours,
            bare,
            target="<60 s at 10,000" if size >= 10_000 else "",
            note=(
                f"{len(batches)} tasks of ≤{len(batches[0])}; queries per e-mail: "
                f"first batches {statistics.median(first):.2f}, last {statistics.median(last):.2f}"
            ),
        )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
