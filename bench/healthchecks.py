"""Benchmark: our dashboard's first page against healthchecks' checks page, same machine, same run.

The issue's target: "the first page of the dashboard is at least 5× faster than healthchecks'
checks page at 10,000" items. healthchecks is not a package and not part of this project: set
HEALTHCHECKS_DIR to a checkout of it (see HOW below). Without one, this prints that
healthchecks was not measured, and no figure.

At about 100, 1,000 and 10,000 obligations (BENCH_SIZES; the same synthetic documents as
bench/pages.py), healthchecks gets exactly as many SYNTHETIC checks, made by
bench/healthchecks_driver.py, which runs in the checkout's own process with its own Python.

**The same number of rows on both sides, each after a write.** Our dashboard's first page
shows 50 obligations of N; healthchecks' checks page shows every check of its project,
so its project holds 50 checks and the other N - 50 are in a second project of the same
user (in its database, not on the page). Before each timed request each side makes a real
write: ours through a service in another process (bench/_writer.py: a submission, a
forwarding, a review comment, in turn), theirs a ping through its own /ping/<uuid>
endpoint. Both pages are requested signed in through Django's test client, alternately
(ours, then theirs), so load on the machine hits both alike; each side times its own
requests and the medians are compared. Ratio = ours / healthchecks: at most 0.20 is "5×
faster".

    HEALTHCHECKS_DIR=/path/to/healthchecks bench/run healthchecks
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HC_COMMIT = "bd64fab619b385274610f2c6cfe0c7c767559bb5"
HOW = f"""\
  To measure it, set HEALTHCHECKS_DIR to a checkout of healthchecks/healthchecks at commit
  {HC_COMMIT} (v3.4-dev, Django 5.0) with its requirements.txt installed into
  HEALTHCHECKS_DIR/.venv (python3 -m venv .venv && .venv/bin/pip install -r requirements.txt),
  and let it use a PostgreSQL database that this benchmark drops and recreates
  (HEALTHCHECKS_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/hc_bench)."""
TARGET = "≥5× faster (≤0.20×)"


class Driver:
    """healthchecks in its own process: one command a line in, one JSON line out."""

    def __init__(self, checkout):
        python = checkout / ".venv" / "bin" / "python"
        if not python.exists():
            raise SystemExit(f"HEALTHCHECKS_DIR={checkout} has no .venv/bin/python.\n{HOW}")
        script = Path(__file__).resolve().parent / "healthchecks_driver.py"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
        env["PYTHONWARNINGS"] = "ignore"
        self.proc = subprocess.Popen(
            [str(python), str(script)], cwd=checkout, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the healthchecks driver stopped (exit {self.proc.wait()}); see its output above")
        return json.loads(line)

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def main():
    checkout = os.environ.get("HEALTHCHECKS_DIR")
    if not checkout:
        print("  healthchecks was NOT measured: HEALTHCHECKS_DIR is not set (no figure is recorded).")
        print(HOW)
        return
    from _report import figure
    from _setup import setup
    from pages import AS_OF, LABEL, SIZES, add_documents

    setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from compliance import register
    from compliance.roles import COUNCIL_STAFF, ensure_groups

    user = get_user_model().objects.create_user("bench-council", "bench-council@example.invalid", "x")
    user.groups.add(ensure_groups()[COUNCIL_STAFF])
    client = Client()
    client.force_login(user)
    url = f"/?as_of={AS_OF.isoformat()}"
    from _writer import Writer

    driver = Driver(Path(checkout).resolve())
    writer = Writer()
    try:
        base, added = register.load().rows(AS_OF).count(), 0
        print(f"real seed: {base} obligations; ours adds synthetic documents, healthchecks as many checks ({LABEL})")
        for size in SIZES:
            if size > base + added:
                add_documents(size - base - added, added)
                added = size - base
            n = register.load().rows(AS_OF).count()
            theirs_page = driver.ask(f"size {n}")
            assert theirs_page["status"] == 200 and theirs_page["size"] == n, theirs_page
            rows = theirs_page["rows"]
            queries = []
            with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            repeat = 9 if n <= 1000 else 5
            writer.write()  # warm-up, both sides
            client.get(url)
            driver.ask("ping")
            driver.ask("get")
            ours, theirs = [], []
            for _ in range(repeat):
                writer.write()
                ours.append(timed(lambda: client.get(url)))
                assert driver.ask("ping")["status"] == 200
                answer = driver.ask("get")
                assert answer["status"] == 200, answer
                theirs.append(answer["seconds"])
            a, b = statistics.median(ours), statistics.median(theirs)
            figure(
                f"dashboard (first page) vs healthchecks' checks page, each after a write @ {n:,} items",
                a,
                b,
                target=TARGET,
                baseline_label="healthchecks",
                note=(
                    f"{b / a:.1f}× faster; both draw {min(rows, 50)} rows; "
                    f"ours {len(queries)} queries, {len(response.content) / 1024:.0f} KiB; "
                    f"healthchecks {theirs_page['queries']} queries, {theirs_page['bytes'] / 1024:.0f} KiB"
                ),
            )
    finally:
        writer.close()
        driver.close()


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
