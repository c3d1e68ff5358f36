"""Benchmark: council packets against bare WeasyPrint + pypdf on the same inputs.

Adds SYNTHETIC documents and files on top of the real seed, every one labelled
"[synthetic benchmark data]" in its title, its source and on every page of its PDF
(never real WeGO documents), then, each in a fresh process (so peak RSS is the build's):

* **ours**: `build()` of the FY2023 results packet (61 pages with the synthetic files),
  timed after importing WeasyPrint and pypdf, as bare is (the import is printed apart);
* **bare**: WeasyPrint on the very HTML that build laid out, then pypdf appending the
  same PDF files, embedding the same attached files and writing the result: the least
  any packet of these inputs costs.

Then the same again with one more appended document, a 47 MB scanned-like PDF, for the
peak memory (target: under 400 MB); and then with every kind of file the app accepts,
each at the upload limit (WEGO_MAX_UPLOAD_BYTES): BENCH_PACKET_UPLOAD_PDFS (4)
scanned-like PDFs, one document each, and one document holding an HWP, HWPX, DOCX, XLSX
and ZIP (embedded as attached files), each passed through the upload check first. The
peak must not grow with the number or size of the files (target: under 400 MB).

    bench/run packet          (or .venv/bin/python bench/packet.py)
    BENCH_PACKET_CASES=memory .venv/bin/python bench/packet.py   (only the memory cases)
"""

import datetime
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
os.environ.setdefault("WEGO_PRIVATE_STORAGE", str(OUT / "private"))

LABEL = "[synthetic benchmark data]"
EXTRA_DOCUMENTS = 8
PAGES_PER_DOCUMENT = 5
BIG_PAGES, BIG_PAGE_BYTES = 118, 400_000  # about 47 MB
AS_OF = datetime.date(2024, 6, 1)
REPEAT = int(os.environ.get("BENCH_PACKET_REPEAT", "3"))
UPLOAD_PDFS = int(os.environ.get("BENCH_PACKET_UPLOAD_PDFS", "4"))
UPLOAD_PAGES = 120
# "all", or "memory": the 47 MB and every-accepted-upload cases only.
CASES = os.environ.get("BENCH_PACKET_CASES", "all")


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


def _django():
    import _setup  # noqa: F401 - sets DATABASE_URL / settings
    import django

    django.setup()


def _attach(document, data, name=None, content_type="application/pdf"):
    from compliance.models import DocumentFile
    from compliance.storage import store_bytes

    sha256, size, _ = store_bytes(data)
    DocumentFile.objects.create(
        document=document,
        original_name=name or f"synthetic-{document.pk}.pdf",
        sha256=sha256,
        size=size,
        content_type=content_type,
    )


def _synthetic_document(i, received, kind="results"):
    from compliance.models import Document, Forwarding, Submission

    submission = Submission.objects.create(received_on=received, source=LABEL)
    document = Document.objects.create(
        submission=submission,
        kind=kind,
        fiscal_year=2023,
        title=f"{LABEL} FY2023 supplementary document {i}",
        source=LABEL,
    )
    forwarding = Forwarding.objects.create(forwarded_on=received + datetime.timedelta(days=9), source=LABEL)
    forwarding.items.create(document=document, description=document.title, kind=document.kind, fiscal_year=2023)
    return document


def prepare():
    """Child process: add the synthetic documents and files to the (already seeded) bench database."""
    _django()
    from compliance.models import Document

    for real in Document.objects.filter(fiscal_year=2023, kind__in=["results", "settlement"]):
        _attach(real, synthetic_pdf(real.title, 4))  # a synthetic stand-in file for a real record
    for i in range(1, EXTRA_DOCUMENTS + 1):
        received = datetime.date(2024, 3, 1) + datetime.timedelta(days=3 * i)
        document = _synthetic_document(i, received, "results" if i % 2 else "settlement")
        _attach(document, synthetic_pdf(document.title, PAGES_PER_DOCUMENT))


def prepare_big():
    """Child process: one more appended document, a 47 MB scanned-like PDF."""
    _django()
    from _pdfs import scanned_pdf

    path = OUT / "synthetic-47mb.pdf"
    scanned_pdf(path, BIG_PAGES, BIG_PAGE_BYTES)
    document = _synthetic_document(99, datetime.date(2024, 4, 15))
    _attach(document, path.read_bytes())
    path.unlink()


def prepare_uploads():
    """Child process: every kind of file the app accepts, each at the upload limit and each
    through the upload check: UPLOAD_PDFS scanned-like PDFs (a document each), then one
    document with an HWP, HWPX, DOCX, XLSX and ZIP."""
    _django()
    from _pdfs import scanned_pdf
    from _uploads import accepted_files
    from django.conf import settings

    from compliance.dataio.uploads import validate_upload

    limit = settings.WEGO_MAX_UPLOAD_BYTES
    day = datetime.date(2024, 4, 16)
    for i in range(1, UPLOAD_PDFS + 1):
        path = OUT / f"synthetic-upload-{i}.pdf"
        # The page objects and the cross-reference table take the last 256 KiB.
        scanned_pdf(path, UPLOAD_PAGES, (limit - 256 * 1024) // UPLOAD_PAGES)
        data = path.read_bytes()
        path.unlink()
        checked = validate_upload(f"synthetic-upload-{i}.pdf", data)
        _attach(_synthetic_document(100 + i, day), data, checked.name, checked.content_type)
        day += datetime.timedelta(days=1)
    document = _synthetic_document(200, day)
    for name, data in accepted_files(limit, OUT):
        checked = validate_upload(name, data)
        _attach(document, data, checked.name, checked.content_type)
    print(f"{UPLOAD_PDFS} PDFs and 5 other files at the upload limit ({limit / 2**20:.0f} MiB) stored")


def run_ours(tag):
    """Child process: build the packet; keep the HTML it laid out and its appended files for `bare`."""
    _django()
    from django.template.backends.django import Template

    from compliance.pdf.build import build
    from compliance.pdf.content import PacketRequest
    from compliance.storage import blob_path

    seen = {}
    real = Template.render

    def spy(self, context=None, request=None):
        html = real(self, context, request)
        if self.origin.template_name.endswith("packets/packet.html"):
            seen["html"] = html  # the last layout's HTML (the one in the PDF)
        return html

    Template.render = spy
    req = PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF)
    # The libraries are loaded before the clock starts, as in `run_bare`: both time the
    # work on the inputs, not a process loading WeasyPrint and pypdf (a worker does that
    # once, not once per packet). The import is reported on its own.
    imported = time.perf_counter()
    from pypdf import PdfReader, PdfWriter  # noqa: F401
    from weasyprint import HTML  # noqa: F401

    imports = time.perf_counter() - imported
    started = time.perf_counter()
    packet = build(req)
    seconds = time.perf_counter() - started
    Template.render = real
    shutil.copyfile(packet.path, OUT / f"packet-{tag}.pdf")
    (OUT / f"packet-{tag}.html").write_text(seen["html"], encoding="utf-8")
    files = [str(blob_path(e.file.sha256)) for e in packet.files if e.is_appended]
    not_appended = [
        (e.file.original_name, e.disposition)
        for e in packet.files
        if not e.is_appended and (e.file.content_type == "application/pdf" or e.disposition != "attached")
    ]
    # The comparison only means something if every PDF was appended (a file attached
    # instead, e.g. past the inspection's time budget, would cost the bare merge nothing)
    # and every other file attached.
    assert not not_appended, f"not appended: {not_appended}"
    attached = [(e.attachment_name, str(blob_path(e.file.sha256))) for e in packet.files if e.disposition == "attached"]
    (OUT / f"packet-{tag}.json").write_text(json.dumps({"appended": files, "attached": attached}))
    return {
        "seconds": seconds,
        "imports": imports,
        "pages": packet.page_count,
        "generated": packet.generated_pages,
        "bytes": packet.size,
    }


def run_bare(tag):
    """Child process: bare WeasyPrint on the same HTML, bare pypdf appending the same files."""
    import io

    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    # The generated pages only: without the marker pages our build lays out where each
    # appended document starts and ends (the bare merge stamps nothing and links nothing),
    # so the baseline is the strict floor.
    html = re.sub(r'<div class="att-mark".*?</div>', "", (OUT / f"packet-{tag}.html").read_text(encoding="utf-8"))
    inputs = json.loads((OUT / f"packet-{tag}.json").read_text())
    files = inputs["appended"]
    started = time.perf_counter()
    generated = HTML(string=html, base_url=str(ROOT)).write_pdf()
    writer = PdfWriter(clone_from=io.BytesIO(generated))
    for path in files:
        writer.append(PdfReader(path))
    for name, path in inputs["attached"]:  # the files that are embedded, not appended
        writer.add_attachment(name, Path(path).read_bytes())
    out = io.BytesIO()
    writer.write(out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "pages": len(writer.pages), "bytes": out.tell()}


def child(mode, tag):
    result = subprocess.run(
        [sys.executable, __file__, f"--{mode}", tag], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(result.strip().splitlines()[-1])


def compare(tag, label, repeat, rss_target=""):
    from _report import figure

    ours, bare = [], []
    for _ in range(repeat):
        ours.append(child("ours", tag))
        bare.append(child("bare", tag))
    o, b = ours[0], bare[0]
    print(
        f"{label}: {o['pages']} pages ({o['generated']} generated), {o['bytes'] / 2**20:.1f} MiB -> "
        f"bench/out/packet-{tag}.pdf; bare {b['pages']} pages; "
        f"importing WeasyPrint and pypdf, before either clock: {statistics.median(r['imports'] for r in ours):.2f} s"
    )
    figure(
        f"packet {label}: build time",
        statistics.median(r["seconds"] for r in ours),
        statistics.median(r["seconds"] for r in bare),
        target="≤1.5× bare",
    )
    figure(
        f"packet {label}: peak RSS",
        max(r["rss"] for r in ours),
        max(r["rss"] for r in bare),
        unit="MiB",
        target=rss_target,
    )


def main():
    from _setup import setup

    setup()  # a fresh database with the seed
    subprocess.run([sys.executable, __file__, "--prepare"], check=True)
    if CASES != "memory":
        compare("61", "FY2023 results", REPEAT)
    subprocess.run([sys.executable, __file__, "--prepare-big"], check=True)
    compare("47mb", "with a 47 MB appended PDF", 1, "<400 MiB")
    subprocess.run([sys.executable, __file__, "--prepare-uploads"], check=True)
    compare(
        "uploads",
        f"with every accepted upload ({UPLOAD_PDFS} PDFs + HWP/HWPX/DOCX/XLSX/ZIP at the limit)",
        1,
        "<400 MiB",
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if "--prepare" in sys.argv:
        prepare()
    elif "--prepare-big" in sys.argv:
        prepare_big()
    elif "--prepare-uploads" in sys.argv:
        prepare_uploads()
    elif "--ours" in sys.argv or "--bare" in sys.argv:
        mode = "ours" if "--ours" in sys.argv else "bare"
        result = (run_ours if mode == "ours" else run_bare)(sys.argv[-1])
        result["rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main()
