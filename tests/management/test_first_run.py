"""`manage.py first_run`: the one documented first-run step of a new installation,
idempotent (issue 25: the production stack started empty, with nothing saying how to
create the first administrator)."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from compliance.models import AuditEntry, DutyRule, RecordCoverage

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2026, 12, 8, 9, tzinfo=datetime.UTC)


def run(*args):
    out = io.StringIO()
    call_command("first_run", *args, stdout=out)
    return out.getvalue()


@time_machine.travel(TODAY, tick=False)
def test_first_run_loads_the_history_creates_the_administrator_and_records_live_coverage(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("a-password-the-operator-chose-7431\n")
    assert not DutyRule.objects.exists()

    output = run("--username", "it-admin", "--email", "it@example.invalid", "--password-file", str(secret))

    assert DutyRule.objects.exists()
    admin = get_user_model().objects.get(username="it-admin")
    assert admin.is_superuser and admin.check_password("a-password-the-operator-chose-7431")
    assert "a-password-the-operator-chose-7431" not in output
    live = RecordCoverage.objects.filter(ends_on__isnull=True)
    assert sorted(live.values_list("stream", flat=True)) == ["committee_reports", "forwardings", "receipts"]
    assert set(live.values_list("starts_on", flat=True)) == {datetime.date(2026, 12, 8)}
    recorded = AuditEntry.objects.filter(model="compliance.recordcoverage")
    assert recorded.count() == 3 and set(recorded.values_list("actor_name", flat=True)) == {"it-admin"}

    # Again: nothing new, nothing changed.
    before = (AuditEntry.objects.count(), RecordCoverage.objects.count(), get_user_model().objects.count())
    again = run("--username", "someone-else", "--password-file", str(secret))
    assert "already" in again
    assert (AuditEntry.objects.count(), RecordCoverage.objects.count(), get_user_model().objects.count()) == before


def test_a_stream_already_live_keeps_its_period(seed, tmp_path):
    RecordCoverage.objects.create(stream="receipts", starts_on=datetime.date(2024, 4, 4), source="test data: live")
    run("--no-admin")
    assert RecordCoverage.objects.filter(stream="receipts", ends_on__isnull=True).count() == 1
    assert RecordCoverage.objects.filter(stream="forwardings", ends_on__isnull=True).count() == 1
    assert not get_user_model().objects.exists()


def test_without_a_terminal_or_a_password_file_no_administrator_is_made(seed):
    with pytest.raises(CommandError, match="password"):
        run()
    assert not get_user_model().objects.exists()


def test_a_weak_password_is_refused(seed, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("1234")
    with pytest.raises(CommandError, match="refused"):
        run("--password-file", str(secret))
    assert not get_user_model().objects.exists()
