"""Fixtures shared by every test: the seed history and one user per role."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from compliance.roles import COUNCIL_STAFF, DPO, WEGO, ensure_groups
from tests import seed as seed_rows

# A test needing a missing tool skips, naming it; bin/test makes that a failure.
pytest_plugins = ["tests.tools"]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The production smoke test first (after pytest-django's order: rollback tests, then
    transactional ones, then those without the test database): it uses a database of its
    own, and is the longest, so under pytest-xdist one worker runs it while the other
    starts on the rest instead of it starting last."""
    items.sort(key=lambda item: item.get_closest_marker("smoke") is None)


# Every test user has this password, so browser tests can sign in through the form.
PASSWORD = "wego-test-password"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_heads_of_this_test(settings, tmp_path):
    """Each test publishes audit heads into its own folder, never into var/."""
    settings.WEGO_AUDIT_HEAD_DIR = tmp_path / "audit-heads"


@pytest.fixture(autouse=True)
def _transparency_log_of_this_test(settings, tmp_path):
    """Each test signs with its own log key (generated on first use) and mirrors its heads
    into its own folder, never into var/."""
    settings.WEGO_LOG_KEY_FILE = tmp_path / "log-key" / "log-signing-key.pem"
    settings.WEGO_LOG_DIR = tmp_path / "transparency-log"


@pytest.fixture(autouse=True)
def _mail_server_not_paused():
    """A test's failed send must not pause the mail server for the next test (compliance.emails)."""
    from compliance import emails

    emails._paused_until = None
    yield
    emails._paused_until = None


AUDIT_TABLE = "compliance_auditentry"
AUDIT_TRIGGERS = ("compliance_auditentry_append_only", "compliance_auditentry_no_truncate")
# The transparency log's leaves are append-only the same way (migration 0027).
APPEND_ONLY = {
    AUDIT_TABLE: AUDIT_TRIGGERS,
    "compliance_logleaf": ("compliance_logleaf_append_only", "compliance_logleaf_no_truncate"),
}


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_trigger():
    """Transactional tests end by truncating every table, which the audit trail's trigger
    refuses (migration 0013): lift it for that flush only, inside its transaction, as only
    a superuser can."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        for table, triggers in APPEND_ONLY.items():
            if any(table in sql for sql in sql_list):
                sql_list = [
                    f"ALTER TABLE {table} DISABLE TRIGGER USER",
                    *sql_list,
                    *(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}" for name in triggers),
                ]
        result = original(self, sql_list)
        seed_rows.restore_migrated(self.connection.alias)  # the database as migrated again
        return result

    DatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    DatabaseOperations.execute_sql_flush = original


@pytest.fixture
def audit_trigger_lifted(db):
    """What only a superuser can do to tamper with the audit trail: switch its trigger off
    (undone when the test's transaction rolls back)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER USER")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and the rows its migrations wrote kept (tests/seed.py)."""
    with django_db_blocker.unblock():
        seed_rows.remember_migrated()


@pytest.fixture(scope="session")
def _seed_snapshot(django_db_setup, django_db_blocker):
    """fixtures/*.json loaded once per run and kept as rows (tests/seed.py)."""
    with django_db_blocker.unblock():
        return seed_rows.take()


@pytest.fixture
def seed(db, _seed_snapshot):
    """The real history from fixtures/*.json (law, parties, duty rules, events, funding):
    the rows `loaddata` writes, copied in from the run's one load."""
    seed_rows.restore(_seed_snapshot)


@pytest.fixture
def live_records(seed):
    """Test data: the app is how receipts and forwardings are recorded from 2024-04-04 on,
    right after the seed's coverage ends, so the records cover every day up to "as of"."""
    from compliance.models import RecordCoverage

    for stream in ("receipts", "forwardings", "committee_reports"):
        RecordCoverage.objects.create(stream=stream, starts_on=datetime.date(2024, 4, 4), source="test data: live")


def make_user(username, role=None, **extra):
    """A user in the group of `role` (a `compliance.roles` constant), or a superuser if None."""
    User = get_user_model()
    if role is None:
        return User.objects.create_superuser(username, f"{username}@example.invalid", PASSWORD, **extra)
    user = User.objects.create_user(username, f"{username}@example.invalid", PASSWORD, **extra)
    user.groups.add(ensure_groups()[role])
    return user


@pytest.fixture
def council_user(db):
    return make_user("council", COUNCIL_STAFF, first_name="시의회 직원")


@pytest.fixture
def wego_user(db):
    return make_user("wego", WEGO, first_name="WeGO 사무국")


@pytest.fixture
def dpo_user(db):
    return make_user("dpo", DPO, first_name="디지털정책관")


@pytest.fixture
def admin_user(db):
    """A superuser (overrides pytest-django's fixture of the same name, same password as the others)."""
    return make_user("admin")


@pytest.fixture
def users(council_user, wego_user, dpo_user, admin_user):
    return {COUNCIL_STAFF: council_user, WEGO: wego_user, DPO: dpo_user, "admin": admin_user}


@pytest.fixture(autouse=True)
def _api_rate_limits(settings):
    """Each test starts with empty read-API throttle counters and generous rates
    (tests/views/api/test_tokens.py tightens them to see a 429)."""
    from django.core.cache import cache, caches

    cache.clear()
    if "locmem" in settings.CACHES["limits"]["BACKEND"]:  # never FLUSHDB on a Redis
        caches["limits"].clear()  # no API rate count of an earlier test
    settings.WEGO_API_RATES = {"anon": "10000/minute", "user": "10000/minute"}


@pytest.fixture
def eager_tasks():
    """Queued tasks run in-process, e.g. a receipt's e-mails, which the worker sends
    (tests/services/test_receipt_emails.py runs a real worker)."""
    from wego_tracker.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = old
