"""gunicorn settings: `gunicorn wego_tracker.wsgi:application` reads this file from the
working directory (the Dockerfile, docker-compose and bench/load.py run it from the
repository root). Every value can be overridden from the environment.

Worker model (README "Scale and benchmarks"): **sync, 4 processes** on the 2 cores it
was measured on. A page now costs a few milliseconds of Python (its fragments are
cached, compliance/views/fragments.py) and a few short queries, so a request holds its
worker briefly. Sync workers take the next connection from the one listening socket
only when free, so 50 users are served in turn; gthread workers each keep their own
connections (keep-alive) and queue them on their threads, and the users who land on a
busy process wait longest: more throughput, a worse tail. Four processes, twice the
cores, cover the short waits on PostgreSQL. Rule of thumb for other machines: workers =
2 × cores.

Measured (`BENCH_GUNICORN="sync:3:1 sync:4:1 sync:5:1 gthread:3:4" bench/run load`, 50
signed-in users without think time, on an otherwise idle machine): sync 4 served
183 req/s at p95 365 ms; sync 3 and 5 were within 15 % of it; gthread 3×4 served 186
req/s but at p95 705 ms (647 ms without keep-alive), gthread 2×4 and 4×2 about 150
req/s at p95 610-700 ms.

Sync workers expect a buffering reverse proxy in front (gunicorn's own advice): a client
that sends or reads slowly holds a whole worker, for at most `timeout` seconds. Serve
the app behind the city's proxy or load balancer; docker-compose publishes gunicorn
directly only to try the stack. GUNICORN_WORKER_CLASS=gthread (with GUNICORN_THREADS)
is the choice where no such proxy can be had.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
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
