"""Load benchmark: 50 signed-in users against gunicorn, with a real write every 5 s.

Starts gunicorn with the repository's gunicorn.conf.py on 127.0.0.1 (BENCH_WEB_PORT,
default 8470) and the benchmark database, signs in 50 users (council staff, the Digital
Policy Officer's office, the WeGO secretariat), and has each of them request pages one
after another for BENCH_LOAD_SECONDS (default 20) after a short warm-up, twice: with **no
think time** (each user asks again the moment a page arrives: the server saturated, so the
latency is mostly queueing, and the hello-world ceiling shows how much) and with a
**think time** of BENCH_THINK_SECONDS (default 8) on average between a user's pages,
drawn uniformly from half to one and a half times it, seeded (people read a page before
they ask for the next; measured for twice as long, for enough requests). The mix: dashboard, filtered dashboard, an obligation page, alerts, lists, the
law page; the DPO's inbox for the city's users. Meanwhile ANOTHER process
(bench/_writer.py) makes one real write through a service every 5 s: in turn a
submission, the forwarding of that document, a review comment on it.

It runs at about 100 obligations, then at about 10,000 (BENCH_LOAD_SIZES; SYNTHETIC
documents as in bench/pages.py), each with a fresh server, and reports p50 / p95 / p99,
throughput and errors, and the resident memory (RSS) of the gunicorn workers after each
run: a worker that held the history would grow with it. The **ceiling**, measured in the
same run on the same server: the same 50 users requesting a hello-world page through
Django's full middleware stack (session, authentication, CSRF, locale).

    bench/run load
    BENCH_GUNICORN="gthread:3:4 sync:5:1" bench/run load    # compare worker models (class:workers:threads)
"""

import http.client
import os
import random
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
WRITE_EVERY = 5.0
SIZES = [int(s) for s in os.environ.get("BENCH_LOAD_SIZES", "100,10000").split(",")]
THINK = float(os.environ.get("BENCH_THINK_SECONDS", "8"))


def sign_in_users(tag):
    """50 users in three roles (named with `tag`); returns [(session cookie, [paths])]."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from compliance import register
    from compliance.roles import COUNCIL_STAFF, DPO, WEGO, ensure_groups

    groups = ensure_groups()
    # Obligations known today (the pages' default day), spread over the keys.
    keys = list(register.load().known(timezone.localdate()).order_by("key").values_list("key", flat=True))
    common = ["/", "/?status=overdue", "/alerts/", "/law/", "/submissions/"]
    paths = {
        COUNCIL_STAFF: common + ["/forwardings/"],
        DPO: common + ["/inbox/", "/forwardings/"],
        WEGO: common,
    }
    result = []
    for i in range(USERS):
        role = (COUNCIL_STAFF, DPO, WEGO)[i % 3]
        user = get_user_model().objects.create_user(f"load{tag}-{i}", f"load{tag}-{i}@example.invalid", "x")
        user.groups.add(groups[role])
        client = Client()
        client.force_login(user)
        mine = paths[role] + [f"/obligations/{keys[i * len(keys) // USERS]}/"]
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
                conn.request("GET", "/health/", headers={"Host": "localhost"})
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


def drive(users, path_for, seconds, writer=None, think=0.0):
    """Each user requests pages, back to back or `think` seconds apart on average (and
    `writer`, if given, writes every 5 s); returns (latencies of the measured window,
    errors, elapsed, write answers)."""
    start = time.perf_counter()
    measure_from = start + WARMUP
    stop_at = measure_from + seconds
    latencies, errors, lock = [], [], threading.Lock()

    def user_loop(n, cookie, paths):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        pause = random.Random(n)  # seeded: the same pauses in every run
        i = n
        if think:  # users arrive spread over one think time, not all at once
            time.sleep(pause.uniform(0, think))
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
            if think:
                time.sleep(min(pause.uniform(think / 2, think * 1.5), max(0.0, stop_at - time.perf_counter())))
        conn.close()

    writes = []

    def write_loop():
        next_at = start + 1.0
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.perf_counter()))
            writes.append(writer.write())
            next_at += WRITE_EVERY

    threads = [threading.Thread(target=user_loop, args=(n, c, p)) for n, (c, p) in enumerate(users)]
    if writer is not None:
        threads.append(threading.Thread(target=write_loop))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors, seconds, writes


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else float("nan")


def p99(values):
    return statistics.quantiles(values, n=100)[-1] if len(values) > 1 else float("nan")


def worker_rss(master_pid):
    """RSS in MiB of each gunicorn worker (the master's children), read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master_pid) and "VmRSS" in fields:
            found.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(found)


def main():
    setup()
    from _writer import Writer
    from pages import LABEL, add_documents, obligation_count

    base, added = obligation_count(), 0
    OUT.mkdir(parents=True, exist_ok=True)
    configs = [None]
    if os.environ.get("BENCH_GUNICORN"):
        configs = [tuple(c.split(":")) for c in os.environ["BENCH_GUNICORN"].split()]
    print(
        f"{USERS} signed-in users, {SECONDS:.0f} s each run after {WARMUP:.0f} s warm-up, one real write every "
        f"{WRITE_EVERY:.0f} s from another process; real seed ({base} obligations) + synthetic documents ({LABEL})"
    )
    rss = {}
    writer = Writer()
    try:
        for size in SIZES:
            if size > base + added:
                add_documents(size - base - added, added)
                added = size - base
            n = obligation_count()
            users = sign_in_users(n)
            for config in configs:
                for think in (0.0, THINK):
                    run_load(users, n, config, writer, think, rss)
    finally:
        writer.close()
    for label, points in rss.items():
        (n1, first), *rest = points
        figure(
            f"gunicorn worker RSS after the load ({label}) @ {n1:,} obligations",
            first,
            unit="MiB",
            note="the largest worker",
        )
        for n, value in rest:
            figure(
                f"gunicorn worker RSS after the load ({label}) @ {n:,} obligations",
                value,
                first,
                unit="MiB",
                baseline_label=f"@ {n1:,}",
                target="flat",
                note="the largest worker",
            )


def run_load(users, n, config, writer, think, rss):
    """One run of the load on a fresh server: ours, then the hello-world ceiling."""
    seconds = SECONDS * (2 if think else 1)
    server = Gunicorn(*config) if config else Gunicorn()
    try:
        ours, errors, elapsed, writes = drive(users, lambda paths, i: paths[i % len(paths)], seconds, writer, think)
        workers = worker_rss(server.proc.pid)
        hello, hello_errors, _, _ = drive(users, lambda paths, i: "/__hello__/", seconds, think=think)
    finally:
        server.stop()
    mode = f"think {think:.0f} s" if think else "no think time"
    at = f"({server.label}, {mode}) @ {n:,} obligations"
    write_ms = statistics.median(w["seconds"] for w in writes) * 1000 if writes else float("nan")
    print(
        f"gunicorn: {server.label}, {mode} @ {n:,}; {len(ours)} requests, {len(errors)} errors {errors[:3]}; "
        f"{len(writes)} writes (median {write_ms:.0f} ms); hello-world {len(hello)} requests, "
        f"{len(hello_errors)} errors; worker RSS {', '.join(f'{r:.0f}' for r in workers)} MiB"
    )
    if not ours or not hello:
        print("  no request completed within the measured window: no figure (raise BENCH_LOAD_SECONDS)")
        return
    label = "hello-world"
    note = f"{len(writes)} real writes, median {write_ms:.0f} ms"
    figure(
        f"load + a write every 5 s {at}: throughput",
        len(ours) / elapsed,
        len(hello) / elapsed,
        unit="req/s",
        baseline_label=label,
        note=note,
    )
    figure(
        f"load + a write every 5 s {at}: p50", statistics.median(ours), statistics.median(hello), baseline_label=label
    )
    figure(
        f"load + a write every 5 s {at}: p95",
        p95(ours),
        p95(hello),
        baseline_label=label,
        target="<500 ms" if n >= 5000 else "",
    )
    figure(f"load + a write every 5 s {at}: p99", p99(ours), p99(hello), baseline_label=label)
    figure(
        f"load + a write every 5 s {at}: errors",
        len(errors),
        unit="",
        target="0" if n >= 5000 else "",
        note=f"of {len(ours)} requests",
    )
    if workers and not think:
        rss.setdefault(server.label, []).append((n, max(workers)))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
