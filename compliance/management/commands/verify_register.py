"""Is the stored register what the events give? `manage.py verify_register` exits 1 if not."""

import json

from django.core.management.base import BaseCommand, CommandError

from ... import register


class Command(BaseCommand):
    help = "Compare the stored obligations with a full recomputation from the events."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the comparison as JSON")

    def handle(self, *args, **options):
        result = register.verify()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"stored {result['stored']}, expected {result['expected']}")
            for name in ("missing", "extra", "different"):
                if result[name]:
                    self.stdout.write(f"{name}: {', '.join(result[name])}")
        if not result["ok"]:
            raise CommandError("the stored register differs from the events; run rebuild_register")
        self.stdout.write("register verified: stored rows equal a full recomputation")
