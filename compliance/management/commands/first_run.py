"""The one first-run step of a new installation, safe to run again.

    python manage.py first_run --username admin --email it@example.org

1. the real history (fixtures/*.json) is loaded if the database has none;
2. the default alert stages and the daily scan are set up (`setup_alerts`);
3. the first administrator is created if there is no administrator yet, with the
   password the operator chooses (asked twice at the terminal, or read from the file
   named by --password-file; never printed, never generated);
4. from today on, the app is how receipts, forwardings and committee reports are
   recorded: one "live" records-coverage period per stream that has none
   (`compliance.services.coverage.do_record_live_coverage`, audited).

Each step says whether it did something or found it done. `--no-admin` skips step 3
(bin/setup, which has no operator to ask).
"""

import getpass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.models import DutyRule
from compliance.services.coverage import do_record_live_coverage

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
LIVE_SOURCE = "Recorded in this app from its first run on (manage.py first_run)."


class Command(BaseCommand):
    help = "First run of a new installation (idempotent): history, alerts, first administrator, live coverage."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="The first administrator's user name.")
        parser.add_argument("--email", default="", help="The first administrator's e-mail address.")
        parser.add_argument("--password-file", help="Read the password from this file (else it is asked for).")
        parser.add_argument("--no-admin", action="store_true", help="Do not create an administrator.")

    def handle(self, *args, username="admin", email="", password_file=None, no_admin=False, **options):
        say = self.stdout.write
        if DutyRule.objects.exists():
            say("History: already loaded.")
        else:
            call_command("loaddata", *sorted(str(p) for p in FIXTURES.glob("*.json")), verbosity=0)
            say(f"History: loaded {len(list(FIXTURES.glob('*.json')))} fixture files.")
        call_command("setup_alerts", verbosity=0)
        say("Alerts: default stages and the daily scan are set up.")
        admin = None
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if no_admin:
            say("Administrator: skipped (--no-admin).")
        elif existing is not None:
            admin = existing
            say(f"Administrator: {existing.get_username()} already exists; nothing changed.")
        else:
            password = self._password(password_file, username)
            admin = User.objects.create_superuser(username, email, password)
            say(f"Administrator: {username} created with the password you chose.")
        today = timezone.localdate()
        created = do_record_live_coverage(by=admin, starts_on=today, source=LIVE_SOURCE)
        if created:
            streams = ", ".join(c.stream for c in created)
            say(f"Records coverage: live from {today.isoformat()} for {streams}.")
        else:
            say("Records coverage: every stream is already live.")

    def _password(self, password_file, username):
        if password_file:
            password = Path(password_file).read_text("utf-8").strip()
        else:
            if not self.stdin_is_interactive():
                raise CommandError("Give the administrator's password with --password-file, or run this at a terminal.")
            password = getpass.getpass(f"Password for {username}: ")
            if password != getpass.getpass("The same password again: "):
                raise CommandError("The two passwords differ; nothing was created.")
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from None
        return password

    @staticmethod
    def stdin_is_interactive():
        import sys

        return sys.stdin.isatty()
