"""Benchmark: how long the offline verifier takes on the largest annual report.

On the seed plus SYNTHETIC documents (`compliance_record.add_documents`, every row titled
"[synthetic benchmark data]") up to BENCH_REPORT_SIZE (2,000) obligations, half of them
forwarded: every record logged as bin/setup does, a signed head, then the annual report
of every fiscal year as of 2024-06-30 (every late or overdue duty listed, every receipt,
forwarding, report and extension its figures rest on proved). The verifier attached to
it runs in a fresh Python process with no database (`python verify_packet.py
report.pdf --key public_key.pem`), BENCH_VERIFY_REPEAT (3) times; the median is printed.

    .venv/bin/python bench/verify_report.py       (its own database, BENCH_DATABASE_URL)
"""

import datetime
import io
import json
import os
import shutil
import sys
from pathlib import Path

import _verifier

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "verify_report"
SIZE = int(os.environ.get("BENCH_REPORT_SIZE", "2000"))
REPEAT = int(os.environ.get("BENCH_VERIFY_REPEAT", "3"))
os.environ.setdefault("WEGO_LOG_KEY_FILE", str(OUT / "log-signing-key.pem"))
os.environ.setdefault("WEGO_LOG_DIR", str(OUT / "transparency-log"))


def timed(args, repeat=REPEAT):
    return _verifier.timed(args, OUT, repeat)


def main():
    sys.path.insert(0, str(HERE))
    OUT.mkdir(parents=True, exist_ok=True)
    # A fresh key and mirror every run (the database is fresh too).
    for leftover in OUT.glob("log-signing-key.pem"):
        leftover.unlink()
    shutil.rmtree(OUT / "transparency-log", ignore_errors=True)
    from _setup import setup

    setup()
    from compliance_record import LABEL, add_documents
    from django.core.management import call_command
    from pypdf import PdfReader

    from compliance import log_keys
    from compliance.models import StoredObligation
    from compliance.pdf.report import ReportRequest, build_report

    base = StoredObligation.objects.count()
    if SIZE > base:
        print(f"real seed: {base} stored obligations; adding {SIZE - base} synthetic documents ({LABEL})")
        add_documents(SIZE - base)
    call_command("log_records", "--append-missing", verbosity=0)
    call_command("verify_log", "--publish", verbosity=0)
    built = build_report(ReportRequest(as_of=datetime.date(2024, 6, 30)))
    path = OUT / "report.pdf"
    path.write_bytes(built.pdf)
    reader = PdfReader(io.BytesIO(built.pdf))
    proofs = json.loads(reader.attachments["log-proofs.json"][0])
    verifier = OUT / "verify_packet.py"
    verifier.write_bytes(reader.attachments["verify_packet.py"][0])
    key = OUT / "public_key.pem"
    key.write_text(log_keys.public_pem(log_keys.signing_key()))
    seconds, out = timed([sys.executable, str(verifier), str(path), "--key", str(key)])
    print(
        f"report: {StoredObligation.objects.count()} obligations, {len(built.manifest['items'])} duties listed, "
        f"{len(built.manifest['documents'])} receipts stated, {len(proofs['entries'])} proofs, "
        f"{built.page_count} pages, {path.stat().st_size / 2**20:.1f} MiB, built in {built.render_seconds:.1f} s: "
        f"verify {seconds:.2f} s (median of {REPEAT})"
    )
    print("   " + out.strip().replace("\n", "\n   "))


if __name__ == "__main__":
    main()
