"""Create the demo accounts for the three roles and print their passwords.

Demo data only: the accounts are labelled as such; the history comes from fixtures/.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from compliance.roles import COUNCIL_STAFF, DPO, WEGO, ensure_groups

DEMO_ACCOUNTS = [
    ("council", COUNCIL_STAFF, "Demo council staff (시의회 직원 데모)"),
    ("wego", WEGO, "Demo WeGO secretariat (WeGO 사무국 데모)"),
    ("dpo", DPO, "Demo Digital Policy Officer (디지털정책관 데모)"),
]


class Command(BaseCommand):
    help = "Create demo accounts (council, wego, dpo, admin) and print their passwords."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Use this password for every demo account (default: random).")

    def handle(self, *args, password=None, **options):
        groups = ensure_groups()
        User = get_user_model()
        rows = []
        for username, role, label in [*DEMO_ACCOUNTS, ("admin", None, "Demo administrator (관리자 데모)")]:
            pw = password or secrets.token_urlsafe(9)
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = label
            user.email = f"{username}@demo.invalid"
            user.is_staff = user.is_superuser = role is None
            user.set_password(pw)
            user.save()
            if role:
                user.groups.set([groups[role]])
            rows.append((username, pw, label))
        self.stdout.write("Demo accounts (데모 계정):")
        for username, pw, label in rows:
            self.stdout.write(f"  {username:<8} {pw:<16} {label}")
