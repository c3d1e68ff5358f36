"""Load benchmark: 50 signed-in users on the real seed data, against gunicorn on loopback.

Starts gunicorn with the repository's gunicorn.conf.py on 127.0.0.1 (BENCH_WEB_PORT,
default 8470) and the benchmark database, signs in 50 users (council staff, the Digital
Policy Officer's office, the WeGO secretariat), and has each of them request pages one
after another, with no think time, for BENCH_LOAD_SECONDS (default 20) after a short
warm-up. The mix: dashboard, filtered dashboard, an obligation page, alerts, lists, the
law page; the DPO's inbox for the city's users.

The **bare** run is the same 50 users against the same server, where every request gets
the dashboard's HTML as a stored string through Django's full middleware stack (session,
authentication, CSRF, locale): the floor of any page of that size on this machine.

    bench/run load
    BENCH_GUNICORN="gthread:3:4 sync:5:1" bench/run load    # compare worker models (class:workers:threads)
"""

import datetime
import http.client
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _report import figure
from _setup import ROOT, setup

OUT = ROOT / "bench" / "out"
PORT = int(os.environ.get("BENCH_WEB_PORT", "8470"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "20"))
WARMUP = 3.0
USERS = 50


def sign_in_users():
    """50 users in three roles; returns [(session cookie, [paths])]."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from compliance import register
    from compliance.roles import COUNCIL_STAFF, DPO, WEGO, ensure_groups

    groups = ensure_groups()
    keys = [o.key for o in register.load().obligations(datetime.date(2024, 6, 30))]
    common = ["/", "/?status=overdue", "/alerts/", "/law/", "/submissions/"]
    paths = {
        COUNCIL_STAFF: common + ["/forwardings/"],
        DPO: common + ["/inbox/", "/forwardings/"],
        WEGO: common,
    }
    result = []
    for i in range(USERS):
        role = (COUNCIL_STAFF, DPO, WEGO)[i % 3]
        user = get_user_model().objects.create_user(f"load{i}", f"load{i}@example.invalid", "x")
        user.groups.add(groups[role])
        client = Client()
        client.force_login(user)
        mine = paths[role] + [f"/obligations/{keys[i % len(keys)]}/"]
        result.append((client.cookies["sessionid"].value, mine))
    return result


class Gunicorn:
    def __init__(self, worker_class=None, workers=None, threads=None):
        env = dict(os.environ)
        env.update(
            {
                "PYTHONPATH": f"{ROOT / 'bench'}:{ROOT}",
                "DJANGO_SETTINGS_MODULE": "_settings",
                "GUNICORN_BIND": f"127.0.0.1:{PORT}",
                "GUNICORN_ACCESS_LOG": "",  # no access log: the bench measures the app, not the log
                "BENCH_BARE_HTML": str(OUT / "load-bare.html"),
            }
        )
        if worker_class:
            env["GUNICORN_WORKER_CLASS"], env["GUNICORN_WORKERS"], env["GUNICORN_THREADS"] = (
                worker_class,
                str(workers),
                str(threads),
            )
        self.label = f"{worker_class or 'repo config'}" + (
            f" ×{workers} workers ×{threads} threads" if worker_class else ""
        )
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "wego_tracker.wsgi:application",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(OUT / "load-gunicorn.log", "w"),  # noqa: SIM115 - closed with the process
        )
        deadline = time.time() + 120  # booting Django in each worker is slow on a loaded machine
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/health/")
                conn.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not start on port {PORT}; see bench/out/load-gunicorn.log")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def drive(users, path_for, seconds):
    """Each user requests pages back to back; returns (latencies of the measured window, errors, elapsed)."""
    start = time.perf_counter()
    measure_from = start + WARMUP
    stop_at = measure_from + seconds
    latencies, errors, lock = [], [], threading.Lock()

    def user_loop(n, cookie, paths):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        i = n
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            path = path_for(paths, i)
            i += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "localhost"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                response = exc
            t1 = time.perf_counter()
            if t0 >= measure_from and t1 <= stop_at:
                with lock:
                    latencies.append(t1 - t0)
                    if not ok:
                        errors.append((path, getattr(response, "status", repr(response))))
        conn.close()

    threads = [threading.Thread(target=user_loop, args=(n, c, p)) for n, (c, p) in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, seconds


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def main():
    setup()
    from django.test import Client

    users = sign_in_users()
    client = Client()
    client.cookies["sessionid"] = users[0][0]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "load-bare.html").write_bytes(client.get("/").content)
    configs = [None]
    if os.environ.get("BENCH_GUNICORN"):
        configs = [tuple(c.split(":")) for c in os.environ["BENCH_GUNICORN"].split()]
    print(f"{USERS} signed-in users, {SECONDS:.0f} s each run after {WARMUP:.0f} s warm-up, real seed data")
    for config in configs:
        server = Gunicorn(*config) if config else Gunicorn()
        try:
            ours, errors, elapsed = drive(users, lambda paths, i: paths[i % len(paths)], SECONDS)
            bare, bare_errors, _ = drive(users, lambda paths, i: "/__bare__/", SECONDS)
        finally:
            server.stop()
        print(
            f"gunicorn: {server.label}; {len(ours)} requests, {len(errors)} errors {errors[:3]}; "
            f"bare {len(bare)} requests, {len(bare_errors)} errors"
        )
        figure(f"load ({server.label}): throughput", len(ours) / elapsed, len(bare) / elapsed, unit="req/s")
        figure(f"load ({server.label}): p50", statistics.median(ours), statistics.median(bare))
        figure(f"load ({server.label}): p95", p95(ours), p95(bare), target="<500 ms")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
