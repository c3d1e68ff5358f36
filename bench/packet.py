"""Benchmark: a 50+ page council packet (FY2023 results and settlement).

Adds SYNTHETIC documents and files on top of the real seed, every one labelled
"[synthetic benchmark data]" in its title, its source and on every page of its PDF
(never real WeGO documents), then builds the packet once and prints the page count,
the build time and the peak memory.

    .venv/bin/python bench/packet.py          (or: bench/run packet)

The synthetic files are drawn in a child process first, so the parent's peak RSS is
the packet build (plus Django), not the drawing of the test files.
"""

import datetime
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("WEGO_PRIVATE_STORAGE", str(ROOT / "bench" / "out" / "private"))

LABEL = "[synthetic benchmark data]"
EXTRA_DOCUMENTS = 8
PAGES_PER_DOCUMENT = 5
AS_OF = datetime.date(2024, 6, 1)


def synthetic_pdf(title, pages):
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>{i}</td><td>합성 항목 {i}</td><td>{i * 1234:,}</td><td>{i * 7 % 100}%</td></tr>" for i in range(1, 31)
    )
    body = "".join(
        f'<section style="page-break-after: always"><p style="color:#b42318;font-weight:700">{LABEL} — '
        f"not a real WeGO document · 실제 문서가 아닌 합성 벤치마크 자료</p><h1>{title}</h1>"
        f"<p>page {p} of {pages}</p><table border=1 style='border-collapse:collapse;width:100%'>"
        f"<tr><th>No.</th><th>항목</th><th>금액(천원)</th><th>비율</th></tr>{rows}</table></section>"
        for p in range(1, pages + 1)
    )
    return HTML(string=f'<html style="font-family: NanumGothic; font-size: 9pt"><body>{body}</body></html>').write_pdf()


def prepare():
    """Child process: add the synthetic documents and files to the (already seeded) bench database."""
    import _setup  # noqa: F401 - sets DATABASE_URL / settings
    import django

    django.setup()
    from compliance.models import Document, DocumentFile, Forwarding, Submission
    from compliance.storage import store_bytes

    def attach(document, pages):
        data = synthetic_pdf(document.title, pages)
        sha256, size, _ = store_bytes(data)
        DocumentFile.objects.create(
            document=document,
            original_name=f"synthetic-{document.pk}.pdf",
            sha256=sha256,
            size=size,
            content_type="application/pdf",
        )

    for real in Document.objects.filter(fiscal_year=2023, kind__in=["results", "settlement"]):
        attach(real, 4)  # a synthetic stand-in file for a real record (the seed has no files)
    for i in range(1, EXTRA_DOCUMENTS + 1):
        received = datetime.date(2024, 3, 1) + datetime.timedelta(days=3 * i)
        submission = Submission.objects.create(received_on=received, source=LABEL)
        document = Document.objects.create(
            submission=submission,
            kind="results" if i % 2 else "settlement",
            fiscal_year=2023,
            title=f"{LABEL} FY2023 supplementary document {i}",
            source=LABEL,
        )
        forwarding = Forwarding.objects.create(forwarded_on=received + datetime.timedelta(days=9), source=LABEL)
        forwarding.items.create(document=document, description=document.title, kind=document.kind, fiscal_year=2023)
        attach(document, PAGES_PER_DOCUMENT)


def main():
    from _setup import setup

    setup()  # flush + seed
    subprocess.run([sys.executable, __file__, "--prepare"], check=True)
    from compliance.packets import PacketRequest, build

    req = PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    packet = build(req)
    elapsed = time.perf_counter() - started
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = ROOT / "bench" / "out" / "packet-fy2023-results.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(packet.pdf)
    appended = packet.page_count - packet.generated_pages
    print(f"packet: FY2023 results and settlement, as of {AS_OF}, with synthetic files -> {out.relative_to(ROOT)}")
    print(f"pages: {packet.page_count} ({packet.generated_pages} generated, {appended} appended)")
    print(f"size: {len(packet.pdf) / 1024:.0f} KiB; files: {len(packet.files)}; manifest {packet.manifest_hash[:16]}…")
    print(f"build time: {elapsed:.2f} s (collect, read files, lay out twice, stamp, merge)")
    print(f"peak memory: process RSS {rss_peak / 1024:.0f} MiB (before the build {rss_before / 1024:.0f} MiB)")
    tracemalloc.start()
    again = build(req)
    _current, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert again.manifest_hash == packet.manifest_hash
    print(f"Python heap peak (second build, under tracemalloc): {python_peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if "--prepare" in sys.argv:
        prepare()
    else:
        main()
