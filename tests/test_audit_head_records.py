"""Published audit heads are themselves on record (issue 25): deleting them with the
trail is reported, and a changed or missing WEGO_AUDIT_KEY is a key problem, not
tampering.

Before: truncating the trail as the table owner and deleting the head files went
undetected (`verify_audit` read "no heads" as "nothing to compare"), and a changed key
read as a rewritten chain.
"""

import io
import os
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance import audit_heads
from compliance.models import AuditEntry, AuditHeadPublication, Party

from .test_audit_heads import run_verify, sql, trail, verify_fails  # noqa: F401 (fixture)
from .test_settings import PRODUCTION, load

pytestmark = pytest.mark.django_db


def more(n):
    for i in range(n):
        Party.objects.create(code=f"test-party-more-{AuditEntry.objects.count()}-{i}", kind="committee", name_ko="시험")


def test_each_head_is_numbered_chained_to_the_one_before_and_recorded(trail, settings):  # noqa: F811
    more(1)
    audit_heads.publish_head()
    heads = audit_heads.published_heads()
    assert [h["number"] for h in heads] == [1, 2]
    assert heads[1]["previous"] == heads[0]["digest"]
    assert heads[0]["key_id"] == audit_heads.key_id() and settings.WEGO_AUDIT_KEY not in str(heads)
    assert list(AuditHeadPublication.objects.values_list("number", "file_name")) == [
        (1, heads[0]["path"].name),
        (2, heads[1]["path"].name),
    ]
    assert "intact" in run_verify()


def test_deleted_head_files_are_reported_missing(trail, settings):  # noqa: F811
    shutil.rmtree(settings.WEGO_AUDIT_HEAD_DIR)
    message = verify_fails()
    assert "missing" in message and "head #1" in message and "deleted" in message


def test_a_truncated_trail_with_its_heads_deleted_is_reported(trail, settings, audit_trigger_lifted):  # noqa: F811
    sql("TRUNCATE compliance_auditentry")
    shutil.rmtree(settings.WEGO_AUDIT_HEAD_DIR)
    message = verify_fails()
    assert "missing" in message and "head #1" in message


def test_a_head_deleted_from_the_middle_is_reported_even_without_the_database_record(trail, settings):  # noqa: F811
    for _ in range(2):
        more(1)
        audit_heads.publish_head()
    middle = audit_heads.published_heads()[1]["path"]
    middle.unlink()
    AuditHeadPublication.objects.all().delete()  # the owner role emptied the record too
    message = verify_fails()
    assert "between head #1" in message and "head #3" in message


def key_problem():
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=io.StringIO())
    assert info.value.returncode == 2
    return str(info.value)


def test_a_changed_audit_key_is_a_key_problem_not_tampering(trail, settings):  # noqa: F811
    settings.WEGO_AUDIT_KEY = "another-key-" + "x" * 32
    settings.WEGO_AUDIT_KEY_DERIVED = False
    message = key_problem()
    assert "Audit key problem" in message and "WEGO_AUDIT_KEY changed" in message
    assert "nothing about tampering" in message and "altered" not in message


def test_a_missing_audit_key_is_a_key_problem_even_before_any_head(settings):
    more(3)
    settings.WEGO_AUDIT_KEY = "derived-from-a-new-secret-key-" + "y" * 20
    settings.WEGO_AUDIT_KEY_DERIVED = True
    message = key_problem()
    assert "not one entry is signed with this WEGO_AUDIT_KEY" in message and "not set" in message


def test_production_refuses_to_start_without_an_audit_key(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    env = {k: v for k, v in PRODUCTION.items() if k != "WEGO_AUDIT_KEY"}
    with pytest.raises(ImproperlyConfigured, match="WEGO_AUDIT_KEY"):
        load(monkeypatch, **env)
    assert load(monkeypatch, **PRODUCTION)["WEGO_AUDIT_KEY"] == PRODUCTION["WEGO_AUDIT_KEY"]


def test_check_deploy_warns_when_the_audit_key_is_not_set():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEGO_", "DJANGO_ALLOW"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "compliance.W001" in result.stdout + result.stderr


def test_the_publisher_command_publishes_once_per_change(trail, settings):  # noqa: F811
    out = io.StringIO()
    call_command("publish_audit_heads", stdout=out)
    assert "unchanged" in out.getvalue()
    more(1)
    call_command("publish_audit_heads", stdout=out)
    assert "published to" in out.getvalue()
    assert AuditHeadPublication.objects.count() == 2
