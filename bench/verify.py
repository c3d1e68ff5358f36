"""Benchmark: how long the offline verifier takes on the largest packet.

On the seed plus the SYNTHETIC documents of `bench/packet.py` (labelled "[synthetic
benchmark data]"): every record logged as bin/setup does, a signed head, then the FY2023
results packet built twice, without and with the 47 MB appended PDF (the largest packet
the benchmarks make). Each is checked by the verifier attached to it, in a fresh Python
process with no database (`python verify_packet.py packet.pdf --key public_key.pem`,
then again with `--head head.json`), BENCH_VERIFY_REPEAT (3) times; the median is printed.

    .venv/bin/python bench/verify.py       (its own database, BENCH_DATABASE_URL)
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import _verifier

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "verify"
REPEAT = int(os.environ.get("BENCH_VERIFY_REPEAT", "3"))
os.environ.setdefault("WEGO_PRIVATE_STORAGE", str(HERE / "out" / "private"))
os.environ.setdefault("WEGO_LOG_KEY_FILE", str(OUT / "log-signing-key.pem"))
os.environ.setdefault("WEGO_LOG_DIR", str(OUT / "transparency-log"))


def packet(name):
    """Log what is not logged, sign a head, build the FY2023 results packet; its path."""
    import django  # noqa: F401
    from django.core.management import call_command

    call_command("log_records", "--append-missing", verbosity=0)
    path = OUT / f"{name}.pdf"
    call_command(
        "build_packet", "--fiscal-year", "2023", "--scope", "results", "--as-of", "2024-06-01", "-o", str(path)
    )
    return path


def timed(args):
    return _verifier.timed(args, OUT, REPEAT)


def main():
    sys.path.insert(0, str(HERE))
    OUT.mkdir(parents=True, exist_ok=True)
    for leftover in OUT.glob("log-signing-key.pem"):
        leftover.unlink()
    from _setup import setup

    setup()
    import packet as bench_packet
    from pypdf import PdfReader

    from compliance import log_heads, log_keys

    subprocess.run([sys.executable, str(HERE / "packet.py"), "--prepare"], check=True)
    sizes = {"61": packet("fy2023-results")}
    subprocess.run([sys.executable, str(HERE / "packet.py"), "--prepare-big"], check=True)
    sizes["47mb"] = packet("fy2023-results-47mb")
    key = OUT / "public_key.pem"
    key.write_text(log_keys.public_pem(log_keys.signing_key()))
    head = log_heads.latest_head()
    rows = []
    for tag, path in sizes.items():
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        verifier = OUT / "verify_packet.py"
        verifier.write_bytes(reader.attachments["verify_packet.py"][0])
        packet_head = json.loads(reader.attachments["log-head.json"][0])
        later = log_heads.head_dict(head)
        later["consistency"] = log_heads.consistency(packet_head["tree_size"], head.tree_size)
        (OUT / "head.json").write_text(json.dumps(later))
        base = [sys.executable, str(verifier), str(path), "--key", str(key)]
        seconds, out = timed(base)
        with_head, _ = timed([*base, "--head", str(OUT / "head.json")])
        rows.append((tag, len(reader.pages), path.stat().st_size, seconds, with_head, out))
    del bench_packet
    for tag, pages, size, seconds, with_head, out in rows:
        print(
            f"packet {tag}: {pages} pages, {size / 2**20:.1f} MiB: verify {seconds:.2f} s, with --head {with_head:.2f} s"
        )
        print("   " + out.strip().replace("\n", "\n   "))


if __name__ == "__main__":
    main()
