"""gunicorn settings: `gunicorn wego_tracker.wsgi:application` reads this file from the
working directory (the Dockerfile, docker-compose and bench/load.py run it from the
repository root). Every value can be overridden from the environment.

Worker model (README "Scale and benchmarks"): **gthread, 3 processes × 4 threads** on
the 2 cores it was measured on. Pages are CPU-bound Python (templates, the register),
so more processes than cores only add memory and context switches; but each request also
waits on PostgreSQL, and with one thread per process (sync workers) that wait leaves a
core idle while 50 signed-in users queue. Threads fill those waits; keep-alive
connections are held by the gthread worker's poller, not by a busy thread. The register
cache is per process, so fewer, threaded processes also load it fewer times. Rule of
thumb for other machines: workers = cores + 1, threads = 4.

Measured (`BENCH_GUNICORN="gthread:3:4 gthread:2:4 gthread:2:8 sync:3:1" bench/run load`):
gthread 3×4 served 3× the requests of sync 3×1 and 6× those of sync 5×1; two processes
with 4 or 8 threads were no better. The p95 target (500 ms for 50 users without think
time) is not reached by any model on 2 shared cores: the users queue for the cores, and
about two thirds of each request is template rendering (README "Scale and benchmarks").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
# Requests that take longer belong in a background job (packets, imports).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then (a slow leak stays bounded).
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None

# Keep each thread's database connection between requests (settings read CONN_MAX_AGE):
# a new PostgreSQL connection per request costs more than most of our pages.
os.environ.setdefault("CONN_MAX_AGE", "60")
