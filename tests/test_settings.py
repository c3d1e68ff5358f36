"""Settings come from the environment: what docker-compose and the README pass is read."""

import os
import runpy
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
