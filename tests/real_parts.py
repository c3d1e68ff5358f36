"""Real parts for fault tests: an SMTP listener that accepts, refuses or hangs, a Redis
server of our own that a test may stop and restart, a Celery worker in its own process,
and a tiny file system that is full or read-only.

Ports come from the environment so that parallel runs on one machine do not collide:
WEGO_TEST_REDIS_PORT (default 6400) and WEGO_TEST_SMTP_PORT (default 2525); a test that
needs a second server takes the next port; each pytest-xdist worker adds 100.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

# Under pytest-xdist each worker (gw0, gw1...) moves every port by 100 so that workers
# never share a server; bin/test's workers take whole files (--dist loadfile), so what a
# module starts for its tests (the smoke stack, REDIS_TEST_URL's database) is one worker's.
WORKER_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
PORT_OFFSET = 100 * WORKER_INDEX
REDIS_PORT = int(os.environ.get("WEGO_TEST_REDIS_PORT", "6400")) + PORT_OFFSET
SMTP_PORT = int(os.environ.get("WEGO_TEST_SMTP_PORT", "2525")) + PORT_OFFSET
ROOT = Path(__file__).resolve().parent.parent


# --- SMTP ----------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage
    auth: tuple[str, str] | None


@dataclass
class SmtpState:
    mode: str = "accept"  # accept | hang | reject (421 at the greeting)
    messages: list[Received] = field(default_factory=list)
    connections: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)
    # Accept this many messages, then hang at the next MAIL FROM (a relay that wedges
    # mid-batch); `hanging` is set once a client waits there.
    hang_after: int | None = None
    hanging: threading.Event = field(default_factory=threading.Event)


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    timeout = 30

    def write(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        state: SmtpState = self.server.state
        with state.lock:
            state.connections += 1
        if state.mode == "hang":
            # Accept the connection and say nothing, like a wedged relay.
            state.released.wait(self.timeout)
            return
        if state.mode == "reject":
            self.write("421 4.3.2 Service not available, closing transmission channel")
            return
        self.write("220 wego-test-smtp ESMTP")
        sender, recipients, auth = "", [], None
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.write("250-wego-test-smtp")
                self.write("250-AUTH PLAIN")
                self.write("250 8BITMIME")
            elif verb == "AUTH":
                parts = line.split()
                if len(parts) == 3 and parts[1].upper() == "PLAIN":
                    _zid, user, password = base64.b64decode(parts[2]).decode().split("\0")
                    auth = (user, password)
                    self.write("235 2.7.0 Authentication successful")
                else:
                    self.write("504 5.5.4 Only AUTH PLAIN with an initial response")
            elif verb == "MAIL" and state.hang_after is not None and len(state.messages) >= state.hang_after:
                state.hanging.set()
                state.released.wait(self.timeout)
                return
            elif verb == "MAIL":
                sender, recipients = line.split(":", 1)[1].strip().strip("<>").split(">")[0], []
                self.write("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>").split(">")[0])
                self.write("250 OK")
            elif verb == "DATA":
                self.write("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                with state.lock:
                    state.messages.append(Received(sender, recipients, message, auth))
                self.write("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self.write("250 OK")
            elif verb == "QUIT":
                self.write("221 Bye")
                return
            else:
                self.write("502 5.5.2 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpListener:
    """A local SMTP server on 127.0.0.1:`port` in a background thread.

    `mode` is "accept" (stores messages in `.messages`), "hang" (accepts the connection and
    never answers) or "reject" (421 at the greeting). `stop()` closes the port, so a
    client gets "connection refused" until `start()` again.
    """

    def __init__(self, port=SMTP_PORT, mode="accept"):
        self.port = port
        self.state = SmtpState(mode=mode)
        self._server = None
        self._thread = None

    @property
    def messages(self):
        with self.state.lock:
            return list(self.state.messages)

    def set_mode(self, mode):
        self.state.mode = mode
        self.state.hang_after = None
        if mode != "hang":
            self.state.released.set()
            self.state.released = threading.Event()

    def start(self):
        self._server = _Server(("127.0.0.1", self.port), _SmtpHandler)
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self.state.released.set()
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s) at the SMTP listener, got {len(self.messages)}")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own (no persistence) that a test may stop and start again."""

    def __init__(self, port=REDIS_PORT):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None
        self._dir = tempfile.mkdtemp(prefix=f"wego-redis-{port}-")

    def start(self):
        from tests.tools import require_program

        exe = require_program("redis-server", "redis-server")
        # Someone else's server on the port would answer our PING: the test would publish to
        # it and another run's worker would take our tasks. Say so instead.
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
            raise RuntimeError(f"port {self.port} is already in use; set WEGO_TEST_REDIS_PORT")
        self.process = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self._dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return self
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server could not start on port {self.port}")
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def close(self):
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


# --- A tiny file system --------------------------------------------------------------------


class TinyFileSystem:
    """A tmpfs of `size` bytes mounted at `path` (needs root, as on CI); `.fill()` makes it
    full, `.read_only()` remounts it read-only."""

    def __init__(self, path: Path, size=256 * 1024):
        self.path = Path(path)
        self.size = size
        self.mounted = False

    @staticmethod
    def available():
        return os.geteuid() == 0 and shutil.which("mount") is not None

    def mount(self):
        self.path.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={self.size},mode=0755", "tmpfs", str(self.path)],
            check=True,
            capture_output=True,
        )
        self.mounted = True
        return self

    def fill(self):
        """Leave no free byte: one file takes whatever space is left."""
        with contextlib.suppress(OSError), open(self.path / "filler", "wb", buffering=0) as fh:
            while True:
                fh.write(b"\0" * 4096)

    def read_only(self):
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True, capture_output=True)

    def unmount(self):
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False, capture_output=True)
            self.mounted = False


# --- A Celery worker in its own process ----------------------------------------------------


def database_url(settings_dict) -> str:
    """The DATABASE_URL of a Django connection's settings (e.g. pytest-django's test database)."""
    user = quote(settings_dict.get("USER") or "")
    password = quote(settings_dict.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


class CeleryWorker:
    """`celery -A wego_tracker worker` as its own process, with the environment given
    (DATABASE_URL, REDIS_URL, EMAIL_*...), as docker-compose's worker service runs it."""

    def __init__(self, env: dict, log_path: Path, name="wego-test"):
        self.env = env
        self.log_path = Path(log_path)
        self.name = name
        self.process = None
        self._log = None

    def start(self, timeout=60):
        celery = Path(sys.executable).with_name("celery")
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(celery),
                "-A",
                "wego_tracker",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{self.name}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"the worker did not start:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def wait_until(predicate, what, timeout=30, interval=0.1, log=None):
    """Poll `predicate()` until it is truthy; fail naming `what` (and the tail of `log()`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    tail = f"\n--- log ---\n{log()[-4000:]}" if log else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}{tail}")
