"""Shared set-up for benchmarks: a separate database, migrated and loaded with the seed.

Benchmarks never touch the app's own database: each run drops and recreates
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/wego_bench).
"""

import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wego_tracker.settings")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/wego_bench")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
# Files, the filesystem broker's queue and the like of benchmark writes stay under bench/out.
os.environ.setdefault("WEGO_VAR_DIR", str(ROOT / "bench" / "out" / "var"))
for _sub in ("broker/queue", "broker/processed", "private"):
    (Path(os.environ["WEGO_VAR_DIR"]) / _sub).mkdir(parents=True, exist_ok=True)


warnings.filterwarnings("ignore", message="No directory at")


def setup():
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    # A fresh database every run: results never depend on what an earlier run left.
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("loaddata", *sorted(str(p) for p in (ROOT / "fixtures").glob("*.json")), verbosity=0)
