"""Rotate the transparency log's signing key.

The current key (WEGO_LOG_KEY_FILE) signs a rotation leaf that names the new key and a
last head covering it; the new key then signs the next head. Heads and packets signed
before keep verifying with the old public key (kept at /public/log/keys/<id>.pem).

    manage.py rotate_log_key --new-key /secure/new-log-key.pem   # made with openssl genpkey -algorithm ed25519
    manage.py rotate_log_key --generate /secure/new-log-key.pem  # made here (the file must not exist)

Then point WEGO_LOG_KEY_FILE at the new file and restart the web app and the worker:
the retired key signs nothing more."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compliance import log_keys
from compliance.services import translog


class Command(BaseCommand):
    help = "Hand the transparency log over to a new Ed25519 signing key (a rotation entry signed by the old key)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--new-key", help="PEM file of the new private key (PKCS#8, Ed25519).")
        group.add_argument("--generate", help="Write a new key to this file (must not exist) and rotate to it.")

    def handle(self, *args, new_key=None, generate=None, **options):
        try:
            if generate:
                path = Path(generate)
                if path.exists():
                    raise CommandError(f"{path} exists; give another file name.", returncode=2)
                key = log_keys.generate(path)
            else:
                key = log_keys.read_private(Path(new_key))
            leaf, head = translog.do_rotate_key(key)
        except log_keys.LogKeyError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Rotated: leaf {leaf.index} hands over to key {log_keys.key_id(key)}; "
                f"head of {head.tree_size} leaves signed with it."
            )
        )
        self.stdout.write("Now set WEGO_LOG_KEY_FILE to the new key's file and restart the web app and the worker.")
