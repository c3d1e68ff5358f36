"""Check the transparency log: every leaf hash, every signed head (in the database and in
the mirror directory) against the leaves as they are now, consistency between heads, and
the key rotations. Exit 0 if all hold, else name each problem and exit 1.

`--publish` then signs and publishes a head if the log moved (a worker does that after
each batch of writes and on beat's schedule)."""

from django.core.management.base import BaseCommand, CommandError

from compliance import log_heads
from compliance.services import translog


class Command(BaseCommand):
    help = "Verify the transparency log: leaves, signed heads, consistency, key rotations (exit 1 on a problem)."

    def add_arguments(self, parser):
        parser.add_argument("--publish", action="store_true", help="After a successful check, publish a new head.")
        parser.add_argument("--dir", help="Check the head files of this mirror directory (default WEGO_LOG_DIR).")

    def handle(self, *args, publish=False, dir=None, **options):
        result = log_heads.check_log(dir)
        if result["problems"]:
            for problem in result["problems"]:
                self.stderr.write(f"- {problem}")
            raise CommandError(
                f"Transparency log broken: {len(result['problems'])} problem(s), the first: {result['problems'][0]}.",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Transparency log intact: {result['tree_size']} leaves; {result['heads']} signed heads (database and mirror files), "
                "each consistent with every earlier one."
            )
        )
        if publish:
            head = translog.do_publish_head()
            self.stdout.write(
                f"Head published: {head.tree_size} leaves, root {head.root_hash}."
                if head
                else "The newest head already covers every leaf."
            )
