"""Driver for healthchecks' checks page, run by bench/healthchecks.py inside a healthchecks checkout.

What it does: bench/healthchecks.py starts this file with the checkout's own Python
(HEALTHCHECKS_DIR/.venv/bin/python), in the checkout's directory, so healthchecks runs in its
own process with its own Django and its own packages. The driver drops and recreates its
PostgreSQL database (HEALTHCHECKS_DATABASE_URL, default .../hc_bench), migrates it, creates
one user who owns one project with two integrations, and then answers commands, one per line
on stdin, with one JSON line on stdout:

    size N   add SYNTHETIC checks (named "[synthetic benchmark data] check n") until the
             database holds N: the first ROWS (50, as many as our dashboard's page shows)
             in the project whose checks page is timed, the others in a second project of
             the same user (history the page does not show); answer {"size", "rows",
             "status", "bytes", "queries"} of one request
    ping     a real write through healthchecks' own ping endpoint (/ping/<uuid>), on the
             next check of the shown project; answer {"seconds", "status"}
    get      request /projects/<uuid>/checks/ once, signed in, through Django's test client;
             answer {"seconds"}: the wall time of that request, timed here
    quit     stop

Checks: 9 in 10 are simple (periods of 1 hour to 1 day), 1 in 10 cron (so statuses are
computed both ways); most are up with a recent ping, some down, new, paused or running; each
has two or three tags and both integrations. It imports nothing from this project.
"""

import json
import os
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit

LABEL = "[synthetic benchmark data]"
ROWS = int(os.environ.get("BENCH_HC_ROWS", "50"))


def configure():
    """Point healthchecks' own settings at the benchmark database (its settings read DB_*)."""
    url = urlsplit(os.environ.get("HEALTHCHECKS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hc_bench"))
    os.environ.update(
        DB="postgres",
        DB_HOST=url.hostname or "127.0.0.1",
        DB_PORT=str(url.port or 5432),
        DB_USER=url.username or "postgres",
        DB_PASSWORD=url.password or "",
        DB_NAME=url.path.lstrip("/"),
        DEBUG="False",
        SECRET_KEY="benchmark-only-secret",
        ALLOWED_HOSTS="testserver",
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")
    import psycopg2

    conn = psycopg2.connect(
        host=os.environ["DB_HOST"],
        port=os.environ["DB_PORT"],
        user=os.environ["DB_USER"],
        password=os.environ["DB_PASSWORD"],
        dbname="postgres",
    )
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{os.environ["DB_NAME"]}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{os.environ["DB_NAME"]}"')
    conn.close()
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.conf import settings

    # Static bundles are not built for a benchmark, so django-compressor's offline mode
    # would refuse to render; with compression off each block renders its tags as they are.
    settings.COMPRESS_ENABLED = False
    settings.COMPRESS_OFFLINE = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_project():
    from django.contrib.auth.models import User
    from hc.accounts.models import Profile, Project
    from hc.api.models import Channel

    user = User.objects.create_user("bench", "bench@example.invalid", "x")
    profile = Profile.objects.for_user(user)
    profile.check_limit = 100_000  # a self-hosted instance: no plan limit in the way
    profile.save()
    project = Project.objects.create(owner=user, name=f"{LABEL} project", badge_key="bench-badge")
    history = Project.objects.create(owner=user, name=f"{LABEL} history", badge_key="bench-history")
    channels = [
        Channel.objects.create(project=project, kind="email", value="alerts@example.invalid", email_verified=True),
        Channel.objects.create(project=project, kind="webhook", name=f"{LABEL} webhook", value="{}"),
    ]
    return user, project, history, channels


def add_checks(project, channels, start, stop):
    from django.utils.timezone import now
    from hc.api.models import Channel, Check

    t = now()
    tags = ["prod", "staging", "backup", "db", "web", "cron", "reports"]
    checks = []
    for n in range(start, stop):
        check = Check(
            project=project,
            name=f"{LABEL} check {n}",
            slug=f"synthetic-check-{n}",
            tags=f"{tags[n % 7]} {tags[(n // 7) % 7]} synthetic",
            desc=LABEL,
            created=t - timedelta(days=400) + timedelta(minutes=n),
            timeout=timedelta(hours=1 + n % 24),
            grace=timedelta(minutes=30),
        )
        if n % 10 == 9:
            check.kind, check.schedule, check.tz = "cron", "*/15 * * * *", "Asia/Seoul"
        state = n % 20
        if state == 0:
            check.status = "new"
        elif state == 1:
            check.status, check.last_ping = "paused", t - timedelta(days=3)
        elif state == 2:
            check.status, check.last_ping = "down", t - timedelta(days=2)
        else:
            check.status, check.last_ping = "up", t - timedelta(minutes=n % 50)
            check.n_pings = 1 + n % 300
            if state == 3:
                check.last_start = t - timedelta(minutes=1)
            elif state % 4 == 0:
                check.last_duration = timedelta(seconds=5 + n % 120)
        checks.append(check)
    Check.objects.bulk_create(checks, batch_size=2000)
    through = Channel.checks.through
    through.objects.bulk_create(
        [through(channel_id=ch.id, check_id=c.id) for c in checks for ch in channels], batch_size=5000
    )


def main():
    configure()
    from django.db import connection
    from django.test import Client
    from hc.api.models import Check

    user, project, history, channels = make_project()
    client = Client()
    client.force_login(user)
    url = f"/projects/{project.code}/checks/"
    count, pings = 0, 0
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "size":
            size = int(command[1])
            if size > count:
                shown = max(0, min(size, ROWS) - count)
                if shown:
                    add_checks(project, channels, count, count + shown)
                if size > count + shown:
                    add_checks(history, channels, count + shown, size)
                count = size
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                response = client.get(url)
            answer = {"size": count, "status": response.status_code, "bytes": len(response.content)}
            answer["queries"] = len(queries)
            answer["rows"] = Check.objects.filter(project=project).count()
        elif command[0] == "ping":
            shown = list(Check.objects.filter(project=project).order_by("id").values_list("code", flat=True))
            code = shown[pings % len(shown)]
            pings += 1
            start = time.perf_counter()
            response = client.get(f"/ping/{code}")
            answer = {"seconds": time.perf_counter() - start, "status": response.status_code}
        elif command[0] == "get":
            start = time.perf_counter()
            response = client.get(url)
            answer = {"seconds": time.perf_counter() - start, "status": response.status_code}
        else:
            answer = {"error": f"unknown command {command[0]!r}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
