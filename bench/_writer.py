"""Real writes through the services, in another process: what a page is timed after.

`Writer()` starts this file as a long-lived process on the benchmark database (with its
own Django and its own database connection, as another gunicorn worker or the admin
would be) and drives it over a pipe, one command a line in, one JSON line out:

    write        the next write in turn: a submission (`do_receive_submission`, one
                 plan draft with a small PDF), the forwarding of that document
                 (`do_forward_to_council`), a review comment on it (`do_add_comment`)
    submission   | forwarding | comment: that write
    quit         stop

Each answer is {"kind", "seconds", "doc", "queries"}: `seconds` is the service call's
wall time, timed in the writing process, `queries` how many SQL statements it ran. The caller waits for the answer, so the write has
committed before the next view. Every row it adds is SYNTHETIC ("[synthetic benchmark
data]" in its title, note or body); submissions are received on RECEIVED_AT (just before
the benchmarks' "as of" day), so the pages timed after them show them.
"""

import datetime
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABEL = "[synthetic benchmark data]"
KINDS = ("submission", "forwarding", "comment")


class Writer:
    """The writing process, seen from the benchmark."""

    def __init__(self):
        env = dict(os.environ)
        env["PYTHONPATH"] = f"{HERE}:{HERE.parent}"
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "_writer.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        self.done = []  # every answer, in order

    def ask(self, command="write"):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"the writing process stopped (exit {self.proc.wait()}); see its output above")
        answer = json.loads(line)
        if "error" in answer:
            raise SystemExit(f"the writing process refused {command!r}: {answer['error']}")
        self.done.append(answer)
        return answer

    def write(self):
        return self.ask("write")

    def close(self):
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


# --- The writing process ----------------------------------------------------------------


def _pdf(text):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class _Service:
    def __init__(self):
        from django.contrib.auth import get_user_model

        from compliance.roles import DPO, WEGO, ensure_groups

        groups = ensure_groups()
        users = get_user_model().objects
        self.wego, made = users.get_or_create(username="bench-writer-wego", defaults={"first_name": LABEL})
        if made:
            self.wego.groups.add(groups[WEGO])
        self.dpo, made = users.get_or_create(username="bench-writer-dpo", defaults={"first_name": LABEL})
        if made:
            self.dpo.groups.add(groups[DPO])
        self.n = 0
        self.last_doc = None

    def submission(self):
        from django.utils import timezone

        from compliance import services
        from compliance.dataio.uploads import validate_upload

        self.n += 1
        title = f"{LABEL} written plan draft {os.getpid()}-{self.n}"
        spec = services.DocSpec("plan_draft", 2024, title, [validate_upload("plan.pdf", _pdf(title))])
        # Received just before the benchmarks' "as of" day (2024-06-30), each a minute apart.
        now = timezone.make_aware(datetime.datetime(2024, 6, 28, 9, 0) + datetime.timedelta(minutes=self.n))
        outcome = services.do_receive_submission(by=self.wego, documents=[spec], note=LABEL, now=now)
        self.last_doc = outcome.obj.documents.get()
        return self.last_doc.pk

    def forwarding(self):
        from compliance import services

        doc = self.last_doc or self._unforwarded()
        services.do_forward_to_council(
            by=self.dpo, forwarded_on=datetime.date(2024, 6, 29), documents=[doc], note=LABEL
        )
        return doc.pk

    def comment(self):
        from compliance.services.review import do_add_comment

        doc = self.last_doc or self._unforwarded()
        self.n += 1
        do_add_comment(by=self.dpo, thread_document=doc, document=doc, body=f"{LABEL} comment {self.n}")
        return doc.pk

    def _unforwarded(self):
        self.submission()
        return self.last_doc


def serve():
    sys.path.insert(0, str(HERE))
    import _setup  # noqa: F401 - the benchmark database and settings, not re-created
    import django

    django.setup()
    from django.db import connection

    service = _Service()
    turn = 0
    for line in sys.stdin:
        command = line.strip()
        if not command or command == "quit":
            break
        if command == "write":
            command = KINDS[turn % len(KINDS)]
            turn += 1
        if command not in KINDS:
            answer = {"error": f"unknown command {command!r}"}
        else:
            queries = []
            start = time.perf_counter()
            try:
                with connection.execute_wrapper(lambda ex, sql, *a, q=queries: q.append(sql) or ex(sql, *a)):
                    doc = getattr(service, command)()
                seconds = time.perf_counter() - start
                answer = {"kind": command, "seconds": seconds, "doc": doc, "queries": len(queries)}
            except Exception as exc:  # noqa: BLE001 - reported to the driver, which stops
                answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    serve()
