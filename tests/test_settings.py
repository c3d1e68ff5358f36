"""Settings come from the environment: what docker-compose and the README pass is read."""

import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "wego_tracker" / "settings.py"


def load(monkeypatch, **env):
    """The settings module as it would be with exactly these WEGO_/EMAIL_/SECURE_ variables."""
    for name in list(os.environ):
        if name.startswith(("WEGO_", "EMAIL_", "SECURE_", "SECRET_KEY", "DEFAULT_FROM_EMAIL")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_the_smtp_server_and_its_credentials_are_read_from_the_environment(monkeypatch):
    settings = load(
        monkeypatch,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.seoul.example",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="wego-tracker",
        EMAIL_HOST_PASSWORD="s3cret",
        EMAIL_USE_TLS="1",
        EMAIL_TIMEOUT="7.5",
        DEFAULT_FROM_EMAIL="wego@seoul.example",
    )
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.seoul.example", 587)
    assert (settings["EMAIL_HOST_USER"], settings["EMAIL_HOST_PASSWORD"]) == ("wego-tracker", "s3cret")
    assert (settings["EMAIL_USE_TLS"], settings["EMAIL_USE_SSL"]) == (True, False)
    assert settings["EMAIL_TIMEOUT"] == 7.5
    assert settings["DEFAULT_FROM_EMAIL"] == "wego@seoul.example"


def test_an_smtp_timeout_is_set_even_when_nothing_is_configured(monkeypatch):
    settings = load(monkeypatch)
    assert settings["EMAIL_TIMEOUT"] == 15
    assert settings["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_starttls_and_implicit_tls_together_are_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="not both"):
        load(monkeypatch, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")


def _log_key_file():
    """A real Ed25519 key file (production refuses to start without one)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(tempfile.mkdtemp(prefix="wego-log-key-")) / "log-signing-key.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(path)


PRODUCTION = {
    "WEGO_PRODUCTION": "1",
    "SECRET_KEY": "k" * 20 + "-production-test-key-with-enough-characters-0123456789",
    "WEGO_LOG_KEY_FILE": _log_key_file(),
    "WEGO_AUDIT_KEY": "a" * 16 + "-synthetic-audit-key-for-tests-0123456789",
}


def test_production_refuses_to_start_without_the_log_signing_key(monkeypatch):
    without = {k: v for k, v in PRODUCTION.items() if k != "WEGO_LOG_KEY_FILE"}
    with pytest.raises(ImproperlyConfigured, match="WEGO_LOG_KEY_FILE"):
        load(monkeypatch, **without)
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        load(monkeypatch, **without, WEGO_LOG_KEY_FILE="/nonexistent/log-key.pem")


def test_production_redirects_to_https_behind_the_proxy_and_sends_hsts(monkeypatch):
    settings = load(monkeypatch, **PRODUCTION, WEGO_BEHIND_TLS_PROXY="1")
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_REDIRECT_EXEMPT"] == [r"^health/$"]
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]


def test_production_without_a_tls_proxy_answers_plain_http(monkeypatch):
    """The compose stack at http://localhost:8000/: nothing serves HTTPS, so nothing
    redirects there or sets cookies only HTTPS may carry."""
    settings = load(monkeypatch, **PRODUCTION)
    assert settings["SECURE_SSL_REDIRECT"] is False and settings["SECURE_HSTS_SECONDS"] == 0
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_the_proxy_header_is_trusted_only_when_said_so(monkeypatch):
    assert "SECURE_PROXY_SSL_HEADER" not in load(monkeypatch, **PRODUCTION)
    local = load(monkeypatch)
    assert (local["SECURE_SSL_REDIRECT"], local["SECURE_HSTS_SECONDS"]) == (False, 0)


def test_check_deploy_is_clean_under_production_settings():
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a deployment never does.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEGO_", "SECURE_", "EMAIL_", "DJANGO_ALLOW"))}
    env.update(PRODUCTION, WEGO_BEHIND_TLS_PROXY="1", ALLOWED_HOSTS="wego.example.invalid")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=SETTINGS.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
