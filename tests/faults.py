"""Real parts for fault tests: a Redis server of our own, Celery workers as processes,
an SMTP listener that hangs. Ports come from WEGO_FAULT_REDIS_PORTS / WEGO_FAULT_SMTP_PORT
so that parallel runs on one machine do not collide (each pytest-xdist worker adds 100); the
shared services are never touched."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.db import connection

from tests.real_parts import PORT_OFFSET
from tests.tools import require_program

ROOT = Path(__file__).resolve().parent.parent
REDIS_PORTS = [int(p) + PORT_OFFSET for p in os.environ.get("WEGO_FAULT_REDIS_PORTS", "6410,6411").split(",")]
SMTP_PORT = int(os.environ.get("WEGO_FAULT_SMTP_PORT", "2530")) + PORT_OFFSET


def wait_for(predicate, timeout=60.0, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port):
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


@contextlib.contextmanager
def redis_server(port, tmp_path):
    """A throw-away redis-server on `port` (no persistence); stopped by its pid."""
    if port_open(port):
        raise RuntimeError(f"port {port} is already in use; set WEGO_FAULT_REDIS_PORTS")
    exe = require_program("redis-server", "redis-server")
    proc = subprocess.Popen(
        [
            exe,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: port_open(port), timeout=10, what=f"redis-server on {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def use_broker(app, url):
    """Point the Celery app (and its pools) at `url`."""
    app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = url, {}, False
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def worker_process(broker_url, tmp_path, storage, name="fault", env=None):
    """`celery worker` as a real process on the test database and `storage`; stopped (or
    killed) by its process group at the end. Its log is tmp_path/worker-<name>.log."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    environ = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "WEGO_PRIVATE_STORAGE": str(storage),
        "WEGO_AUDIT_HEAD_DIR": str(tmp_path / "audit-heads"),
        "DJANGO_SETTINGS_MODULE": "wego_tracker.settings",
        **(env or {}),
    }
    log = open(tmp_path / f"worker-{name}.log", "ab")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "wego_tracker",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{name}@%h",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def kill(proc):
    """What the OOM killer or a power cut does: SIGKILL, no clean-up."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def hung_smtp_server(port=SMTP_PORT):
    """Accepts connections and never says a word: the SMTP client waits for its greeting.
    Yields the list of accepted connections (how many times it was tried)."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(50)
    held, stop = [], threading.Event()
    server_connections = held

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            with contextlib.suppress(OSError):
                conn, _addr = server.accept()
                held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server_connections
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
