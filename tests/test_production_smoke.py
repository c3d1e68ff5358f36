"""The production topology as processes, and one of everything through it.

docker-compose cannot run here; this is the next best proof that it would: PostgreSQL
with the compose file's two non-superuser roles (deploy/postgres/roles.sql), migrations
run as the owner role, `collectstatic` with the production storage, then gunicorn with
WEGO_PRODUCTION=1, a Celery worker and Celery beat (DatabaseScheduler) on a Redis of the
test's own, and an SMTP listener. The web app, the worker and beat connect as the app
role, which can read and write rows and nothing else.

Through it, over HTTP as a browser behind the TLS proxy would (X-Forwarded-Proto): one
submission (its receipt e-mail arrives by SMTP from the worker), one forwarding, one
alert scan sent by beat and run by the worker, one packet built by the worker and
downloaded. About a minute on two idle cores, most of it starting processes and
collectstatic; several minutes on a busy machine.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urljoin

import psycopg
import pytest
import requests
from psycopg import sql

from tests import workflow_samples as samples
from tests.real_parts import PORT_OFFSET, REDIS_PORT, SMTP_PORT, RedisServer, SmtpListener

pytestmark = [pytest.mark.smoke, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WEB_PORT = int(os.environ.get("WEGO_TEST_WEB_PORT", "8400")) + PORT_OFFSET
ADMIN_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wego_tracker")
PASSWORD = "smoke-test-password-" + secrets.token_hex(4)


def _admin_conninfo(dbname="postgres"):
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_URL)
    info["dbname"] = dbname
    return psycopg.conninfo.make_conninfo(**info)


def _names():
    base = psycopg.conninfo.conninfo_to_dict(ADMIN_URL).get("dbname") or "wego_tracker"
    db = f"{base}_smoke{PORT_OFFSET or ''}"[:60]  # one per pytest-xdist worker
    return db, f"{db}_owner", f"{db}_app"


def _drop(db, owner, app):
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
        for role in (app, owner):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


class Browser:
    """requests, but every request looks as if it came through the TLS proxy.

    The cookies are `Secure`, so requests' jar would not send them over plain HTTP to
    the loopback: they are kept and sent by hand.
    """

    def __init__(self, base):
        self.base = base
        self.cookies = {}
        self.session = requests.Session()

    def request(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        headers.update(
            {
                "X-Forwarded-Proto": "https",
                "Origin": f"https://127.0.0.1:{WEB_PORT}",
                "Accept-Language": "ko",
            }
        )
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.session.request(
            method, urljoin(self.base, path), headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, files=None):
        data = dict(data, csrfmiddlewaretoken=self.cookies.get("csrftoken", ""))
        return self.request("POST", path, data=data, files=files)

    def login(self, username):
        assert self.get("/accounts/login/").status_code == 200
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:500]


def hidden(html, name):
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden input {name}"
    return match.group(1)


@pytest.fixture(scope="module")
def stack():
    db, owner, app = _names()
    _drop(db, owner, app)
    owner_pw, app_pw = secrets.token_hex(12), secrets.token_hex(12)
    subprocess.run(
        [
            "psql",
            _admin_conninfo(),
            "-q",
            "-v",
            f"owner={owner}",
            "-v",
            f"owner_password={owner_pw}",
            "-v",
            f"app={app}",
            "-v",
            f"app_password={app_pw}",
            "-v",
            f"db={db}",
            "-f",
            str(ROOT / "deploy" / "postgres" / "roles.sql"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    tmp = Path(tempfile.mkdtemp(prefix="wego-smoke-"))
    redis = RedisServer(REDIS_PORT + 1).start()
    smtp = SmtpListener(SMTP_PORT + 1).start()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "WEGO_", "CELERY", "EMAIL"))},
        "WEGO_PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "WEGO_AUDIT_KEY": secrets.token_urlsafe(40),
        "WEGO_API_ANON_RATE": "20/minute",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WEGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"postgres://{app}:{app_pw}@127.0.0.1:5432/{db}",
        "REDIS_URL": redis.url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "5",
        "DEFAULT_FROM_EMAIL": "wego-tracker@example.invalid",
        "WEGO_SITE_URL": f"https://127.0.0.1:{WEB_PORT}",
        # What the web app and the worker both read lives on shared volumes (compose:
        # uploads, import-pending); each has a working folder of its own (below).
        "WEGO_PRIVATE_STORAGE": str(tmp / "shared" / "private"),
        "WEGO_IMPORT_PENDING_DIR": str(tmp / "shared" / "import-pending"),
        # Every import check goes to the worker, as large files do.
        "WEGO_IMPORT_SYNC_MAX_BYTES": "0",
        "WEGO_LOG_KEY_FILE": _log_key(tmp),
        "WEGO_STATIC_ROOT": str(tmp / "static"),
        # Every packet goes to the worker, as large ones do.
        "WEGO_PACKET_SYNC_MAX_PAGES": "0",
        "LOG_LEVEL": "INFO",
    }
    env["WEGO_VAR_DIR"] = str(tmp / "setup-var")
    owner_env = dict(env, DATABASE_URL=f"postgres://{owner}:{owner_pw}@127.0.0.1:5432/{db}")
    # Separate working folders, as separate containers have.
    web_env, worker_env, beat_env = (
        dict(env, WEGO_VAR_DIR=str(tmp / f"{name}-var")) for name in ("web", "worker", "beat")
    )
    manage = [PYTHON, "manage.py"]
    processes = []
    logs = {}

    def spawn(name, args, environment=env):
        log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed at teardown
        logs[name] = tmp / f"{name}.log"
        process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
        processes.append((process, log))
        return process

    try:
        collect = spawn("collectstatic", [*manage, "collectstatic", "--no-input", "-v", "0"])
        # As the owner role, like the compose file's migrate service; then the seed and
        # the people in one process (each Django start-up costs seconds on a busy machine).
        fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
        setup = [
            [*manage, "migrate", "--no-input", "-v", "0"],
            [*manage, "shell", "-c", SETUP.replace("FIXTURES", repr(fixtures)).replace("PASSWORD", PASSWORD)],
        ]
        for args in setup:
            done = subprocess.run(args, cwd=ROOT, env=owner_env, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{args[2]}: {done.stdout}{done.stderr}"
        deploy = spawn("check-deploy", [*manage, "check", "--deploy", "--fail-level", "WARNING"])
        assert collect.wait(300) == 0, logs["collectstatic"].read_text()
        assert deploy.wait(300) == 0, logs["check-deploy"].read_text()
        bin_dir = Path(PYTHON).parent
        spawn(
            "gunicorn",
            [
                str(bin_dir / "gunicorn"),
                "wego_tracker.wsgi:application",
                "--bind",
                f"127.0.0.1:{WEB_PORT}",
                "--workers",
                "2",
                "--timeout",
                "30",
            ],
            web_env,
        )
        spawn(
            "worker",
            [str(bin_dir / "celery"), "-A", "wego_tracker", "worker", "--concurrency=1", "--loglevel=INFO"],
            worker_env,
        )
        spawn(
            "beat",
            [
                str(bin_dir / "celery"),
                "-A",
                "wego_tracker",
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile",
                str(tmp / "beat.pid"),
            ],
            beat_env,
        )
        base = f"http://127.0.0.1:{WEB_PORT}"
        # Booting gunicorn's workers imports the whole app; on a loaded 2-core machine that
        # has taken over 30 s, so the boot gets a generous limit (a hang still fails).
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(base + "/health/", timeout=10).status_code in (200, 503):
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, logs["gunicorn"].read_text()
            time.sleep(0.2)
        yield {"base": base, "smtp": smtp, "logs": logs, "db": db, "app_url": env["DATABASE_URL"]}
    finally:
        for process, _log in processes:
            if process.poll() is None:
                process.terminate()
        for process, log in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            log.close()
        smtp.stop()
        redis.close()
        _drop(db, owner, app)


# Run as the owner role after the migrations: the seed, the alert stages and schedule,
# the people, and the daily scan every few seconds so that beat sends it while we watch.
SETUP = """
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from compliance.roles import DPO, WEGO, ensure_groups
call_command("loaddata", *FIXTURES, verbosity=0)
call_command("setup_alerts", verbosity=0)
groups = ensure_groups()
User = get_user_model()
for name, role in (("wego", WEGO), ("dpo", DPO)):
    user = User.objects.create_user(name, f"{name}@example.invalid", "PASSWORD")
    user.groups.add(groups[role])
every = IntervalSchedule.objects.create(every=3, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.filter(task="compliance.tasks.scan_alerts").update(crontab=None, interval=every)
"""


def _wait(predicate, what, logs, timeout=90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.3)
    tails = "\n".join(f"--- {n}\n{p.read_text(errors='replace')[-3000:]}" for n, p in logs.items())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def test_production_stack_serves_a_submission_forwarding_scan_and_packet(stack):
    base, smtp, logs = stack["base"], stack["smtp"], stack["logs"]

    # The app's role: neither a superuser nor the owner of the tables.
    with psycopg.connect(stack["app_url"]) as conn:
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("TRUNCATE compliance_submission CASCADE")

    health = requests.get(base + "/health/", timeout=10).json()
    assert health["database"] == "ok" and health["broker"] == "ok" and health["storage"] == "ok", health

    # Plain HTTP (not from the proxy) is sent to HTTPS, with HSTS once there.
    assert requests.get(base + "/", allow_redirects=False, timeout=10).status_code == 301

    wego = Browser(base)
    wego.login("wego")
    page = wego.get("/submissions/new/")
    assert page.status_code == 200
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    response = wego.post(
        "/submissions/new/",
        {
            "kind": "plan_draft",
            "fiscal_year": 2027,
            "title": "",
            "note": "",
            "form_token": hidden(page.text, "form_token"),
        },
        files={"files": ("2027 사업계획서(안).pdf", samples.pdf("smoke test plan"), "application/pdf")},
    )
    assert response.status_code == 302, response.text[:2000]
    receipt = wego.get(response.headers["Location"])
    number = re.search(r"WEGO-\d{4}-\d{4}", receipt.text).group(0)

    # The receipt e-mail goes out from the worker, through EMAIL_HOST:EMAIL_PORT.
    messages = smtp.wait_for(1, timeout=90)
    assert any(number in m.message.get_body(("plain",)).get_content() for m in messages)

    dpo = Browser(base)
    dpo.login("dpo")
    with psycopg.connect(_admin_conninfo(stack["db"])) as conn:
        document_id = conn.execute(
            "SELECT d.id FROM compliance_document d JOIN compliance_submission s ON s.id = d.submission_id"
            " WHERE s.receipt_number = %s",
            [number],
        ).fetchone()[0]
    page = dpo.get(f"/forwardings/new/?document={document_id}")
    assert page.status_code == 200
    today = re.search(r'name="forwarded_on" value="([0-9-]+)"', page.text).group(1)
    response = dpo.post(
        "/forwardings/new/",
        {
            "forwarded_on": today,
            "document_number": "디지털정책담당관-1234",
            "documents": document_id,
            "note": "",
            "form_token": hidden(page.text, "form_token"),
        },
    )
    assert response.status_code == 302, response.text[:2000]

    # Beat sends the scan (every 3 s in this database), the worker runs it.
    _wait(lambda: requests.get(base + "/health/", timeout=10).json()["last_successful_scan"], "an alert scan", logs)
    assert "compliance.tasks.scan_alerts" in logs["beat"].read_text()

    page = dpo.get("/packets/")
    assert page.status_code == 200
    fields = {"scope": "plan", "fiscal_year": 2027, "language": "ko", "as_of": today}
    if 'name="form_token"' in page.text:
        fields["form_token"] = hidden(page.text, "form_token")
    response = dpo.post("/packets/new/", fields)
    assert response.status_code == 302, response.text[:2000]
    detail = response.headers["Location"]
    download = _wait(
        lambda: re.search(r'href="(/packets/\d+/download/)"', dpo.get(detail).text), "the packet from the worker", logs
    ).group(1)
    pdf = dpo.get(download)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def _log_key(tmp):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = tmp / "log-signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o400)
    return str(path)


def test_a_background_import_checked_by_the_worker_from_the_shared_folder(stack):
    """The web app keeps the file, the worker (another working folder) reads it: before
    issue 25 the file stayed in the web container's own folder and the job failed."""
    base, logs = stack["base"], stack["logs"]
    dpo = Browser(base)
    dpo.login("dpo")
    page = dpo.get("/data/import/")
    assert page.status_code == 200
    csv = "year,amount,seconded_staff,source\n2098,2098,,SYNTHETIC SMOKE TEST DATA\n2099,2099,,SYNTHETIC SMOKE TEST DATA\n"
    response = dpo.post(
        "/data/import/",
        {"step": "check", "resource": "seoul_support"},
        files={"file": ("smoke.csv", csv.encode(), "text/csv")},
    )
    assert response.status_code == 302 and "/data/import/jobs/" in response.headers["Location"], response.text[:2000]
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    def state():
        with psycopg.connect(_admin_conninfo(stack["db"])) as conn:
            row = conn.execute("SELECT state, error FROM compliance_importjob WHERE id = %s", [job_id]).fetchone()
        return row if row and row[0] in ("done", "failed") else None

    finished, error = _wait(state, "the import check by the worker", logs)
    assert finished == "done", error
    assert dpo.get(response.headers["Location"]).status_code == 200


def test_api_limits_hold_across_gunicorn_workers_whatever_x_forwarded_for_says(stack):
    codes = [
        requests.get(
            stack["base"] + "/api/v1/duty-rules/",
            headers={"X-Forwarded-For": f"198.51.100.{i}", "X-Forwarded-Proto": "https", "Connection": "close"},
            timeout=10,
        ).status_code
        for i in range(30)
    ]
    assert codes.count(200) == 20 and codes.count(429) == 10, codes
