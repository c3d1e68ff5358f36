"""Read-API rate limits: per client address that no caller can choose, shared by every
gunicorn process through Redis.

Before (issue 25): anonymous callers bypassed the 60/min limit by sending any
X-Forwarded-For (150 of 150 answered), and each gunicorn process counted on its own, so
4 workers allowed 4x.
"""

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import RequestFactory

from compliance import audit
from tests.real_parts import REDIS_PORT, RedisServer, database_url, wait_until

ROOT = Path(__file__).resolve().parents[3]
URL = "/api/v1/duty-rules/"


@pytest.mark.django_db
def test_a_forged_x_forwarded_for_does_not_buy_a_fresh_limit(client, settings):
    settings.WEGO_API_RATES = {"anon": "3/minute", "user": "3/minute"}
    codes = [client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_behind_one_trusted_proxy_the_address_the_proxy_saw_is_limited(client, settings):
    settings.WEGO_API_RATES = {"anon": "2/minute", "user": "2/minute"}
    settings.WEGO_TRUST_X_FORWARDED_FOR = 1
    # The proxy appends the address it saw; whatever the caller wrote before it is ignored.
    codes = [client.get(URL, HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.7").status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


@pytest.mark.parametrize(
    ("trusted", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.1"),  # no proxy: the header is the caller's own words
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "203.0.113.9"),  # fewer hops than proxies: the outermost one given
        (1, "not-an-address", None),
        (1, "", "192.0.2.1"),
    ],
)
def test_the_client_address_is_the_one_the_outermost_trusted_proxy_saw(settings, trusted, forwarded, expected):
    settings.WEGO_TRUST_X_FORWARDED_FOR = trusted
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert audit.client_ip(request) == expected


@pytest.mark.django_db
def test_a_stopped_redis_lifts_the_limit_instead_of_answering_500(client, settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.WEGO_API_RATES = {"anon": "1/minute", "user": "1/minute"}
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    assert "API rate limit not checked" in caplog.text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_across_gunicorn_workers_on_a_shared_redis(tmp_path):
    redis = RedisServer(REDIS_PORT + 2).start()
    port = int(os.environ.get("WEGO_TEST_WEB_PORT", "8400")) + 2
    access = tmp_path / "access.log"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "WEGO_", "CELERY", "EMAIL"))},
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": redis.url,
        "WEGO_API_ANON_RATE": "10/minute",
        "WEGO_VAR_DIR": str(tmp_path / "var"),
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    gunicorn = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "wego_tracker.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--access-logfile",
            str(access),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def up():
            try:
                return requests.get(base + "/health/", timeout=5).status_code in (200, 503)
            except requests.RequestException:
                return False

        wait_until(up, "gunicorn", timeout=120, interval=0.3, log=lambda: (tmp_path / "gunicorn.log").read_text())
        # Let every worker boot, so that the requests below are shared between them.
        time.sleep(3)
        codes = []
        for i in range(40):
            # A new connection each time (gunicorn's sync workers take them in turn) and a
            # new forged address each time.
            response = requests.get(
                base + URL, headers={"X-Forwarded-For": f"198.51.100.{i}", "Connection": "close"}, timeout=10
            )
            codes.append(response.status_code)
    finally:
        gunicorn.terminate()
        gunicorn.wait(20)
        log.close()
        redis.close()
    assert collections.Counter(codes) == {200: 10, 429: 30}, codes
    served_by = {line.split()[0] for line in access.read_text().splitlines() if line.endswith((" 200", " 429"))}
    assert len(served_by) >= 2, "every request went to one worker: the test proves nothing"
