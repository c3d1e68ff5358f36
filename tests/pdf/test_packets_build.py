"""Council packets end to end: real data, real WeasyPrint, text read back with pypdf."""

import datetime
import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from compliance import register
from compliance.models import DelayReason, Document, Evaluation
from compliance.pdf.build import build
from compliance.pdf.content import EmptyScope, InvalidRequest, PacketRequest
from tests.packet_pdfs import CORRUPT_PDF, attach, encrypted_pdf, synthetic_pdf
from tests.tools import require_nanum_font, require_program

AS_OF = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def text_of(pdf, pages=None):
    reader = PdfReader(io.BytesIO(pdf))
    chosen = reader.pages if pages is None else [reader.pages[i] for i in pages]
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in chosen))


def dot(day):
    """The date as the packet writes it in Korean, without the weekday (2023. 7. 31.)."""
    return f"{day.year}. {day.month}. {day.day}."


def test_fy2024_plan_packet_holds_cover_duties_funding_and_the_documents(seed):
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    revision = Document.objects.get(title="2024년 WeGO 주요사업계획(안)_수정제출")
    attach(draft, synthetic_pdf("A", pages=2), "plan-draft.pdf")
    attach(revision, synthetic_pdf("B", pages=3), "plan-revision.pdf")

    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))

    assert packet.page_count == packet.generated_pages + 5
    assert len(PdfReader(io.BytesIO(packet.pdf)).pages) == packet.page_count
    cover = text_of(packet.pdf, [0])
    assert "서울특별시의회" in cover and "주택공간위원회" in cover  # addressee and the competent committee
    generated = text_of(packet.pdf, range(packet.generated_pages))
    in_scope = [
        o
        for o in register.load().obligations(AS_OF)
        if o.fiscal_year == 2024 and set(o.rule.document_kinds) <= {"plan_draft", "plan_final", "plan_revision"}
    ]
    assert {o.key for o in in_scope} == {
        "plan_to_mayor-2024",
        f"forward_plan_to_council-2024-d{draft.pk}",
        f"forward_plan_to_council-2024-d{revision.pk}",
    }
    for o in in_scope:
        assert o.rule.name_ko in generated
        assert dot(o.due_date) in generated
        assert dot(o.fulfilled_on) in generated
    assert dot(datetime.date(2023, 7, 31)) in generated  # plan due 5 months before FY2024
    assert dot(datetime.date(2023, 11, 17)) in generated  # forwarded to the Council
    assert "5개월의 기간은 2023. 8. 1.(화)부터" in generated  # the derivation, in Korean, as text
    assert "1,721,610" in generated and "416,500" in generated  # Seoul support 2023, dues 2024
    assert "30.2%" in generated  # dues collection rate 2023
    assert "제17조" in generated and "지체 없이" in generated  # Article 17 text in force
    # The appended documents, in order, every page.
    appended = text_of(packet.pdf, range(packet.generated_pages, packet.page_count))
    for label, pages in (("A", 2), ("B", 3)):
        for i in range(1, pages + 1):
            assert f"SYNTHETIC TEST DOCUMENT {label}" in appended
            assert f"합성 시험 문서 {label} — page {i} of {pages}" in appended
    first_appended = text_of(packet.pdf, [packet.generated_pages])
    assert "page 1 of 2" in first_appended
    # Running footer on generated and appended pages alike: "n / total".
    assert f"2 / {packet.page_count}" in text_of(packet.pdf, [1])
    assert f"{packet.page_count} / {packet.page_count}" in text_of(packet.pdf, [packet.page_count - 1])
    # Bookmarks for each appended document.
    outline = PdfReader(io.BytesIO(packet.pdf)).outline
    titles = [item["/Title"] for item in outline if not isinstance(item, list)]
    assert any("plan-draft.pdf" in str(t) for t in _flatten(outline))
    assert len(titles) >= 5


def _flatten(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item["/Title"]


def test_korean_is_embedded_text_in_a_nanum_font_and_page_one_draws(seed, tmp_path):
    require_nanum_font()
    pdftoppm = require_program("pdftoppm", "poppler-utils")
    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))
    reader = PdfReader(io.BytesIO(packet.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(fonts[k].get_object()["/BaseFont"]) for k in fonts]
    assert any("Nanum" in n for n in names), names
    assert "주택공간위원회" in reader.pages[0].extract_text()
    source = tmp_path / "packet.pdf"
    source.write_bytes(packet.pdf)
    subprocess.run([pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", source, tmp_path / "page"], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert image.size[1] > image.size[0]  # A4 portrait
    assert dark > 500  # ink on the page: the cover was drawn, not a blank sheet


def test_fy2023_results_packet_lists_results_and_settlement_duties_and_the_evaluation(seed, dpo_user):
    Evaluation.objects.create(
        fiscal_year=2023,
        evaluated_on=datetime.date(2024, 4, 15),
        outcome=Evaluation.Outcome.SATISFACTORY,
        summary="합성 시험 평가: 2023년 지원 사업은 계획대로 집행됨 (synthetic test data)",
    )
    packet = build(PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF))
    text = text_of(packet.pdf)
    assert dot(datetime.date(2024, 2, 29)) in text  # results and settlement due end of February 2024
    assert dot(datetime.date(2024, 1, 25)) in text  # received
    assert dot(datetime.date(2024, 2, 6)) in text  # settlement forwarded
    assert "정산서 제출" in text or "settlement" in text.lower()
    assert "합성 시험 평가" in text
    keys = {o["key"] for o in packet.manifest["obligations"]}
    assert {"results_to_mayor-2023", "settlement_to_mayor-2023"} <= keys
    assert any(k.startswith("forward_settlement_to_council-2023-d") for k in keys)


def test_a_corrupt_an_encrypted_and_a_non_pdf_file_are_listed_not_fatal(seed):
    settlement = Document.objects.get(fiscal_year=2023, kind="settlement")
    results = Document.objects.get(fiscal_year=2023, kind="results")
    attach(settlement, synthetic_pdf("GOOD"), "settlement.pdf")
    attach(settlement, CORRUPT_PDF, "broken.pdf")
    attach(results, encrypted_pdf("LOCKED"), "locked.pdf")
    attach(results, b"year,amount\n2023,1721610\n", "figures.csv", content_type="text/csv")

    packet = build(PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF))

    assert packet.page_count == packet.generated_pages + 1  # only the good PDF is appended
    dispositions = {e.file.original_name: e.disposition for e in packet.files}
    assert dispositions == {
        "settlement.pdf": "appended",
        "broken.pdf": "corrupt",
        "locked.pdf": "encrypted",
        "figures.csv": "attached",
    }
    listing = text_of(packet.pdf, range(packet.generated_pages))
    for entry in packet.files:
        assert entry.file.sha256 in listing.replace(" ", "") or entry.file.sha256[:32] in listing.replace(" ", "")
    assert "Damaged PDF" in listing or "손상된 PDF" in listing
    assert "Encrypted PDF" in listing or "암호화된 PDF" in listing
    reader = PdfReader(io.BytesIO(packet.pdf))
    attachments = reader.attachments
    assert "manifest.json" in attachments
    assert any(name.endswith("figures.csv") for name in attachments)
    assert any(name.endswith("locked.pdf") for name in attachments)
    csv_name = next(name for name in attachments if name.endswith("figures.csv"))
    assert attachments[csv_name][0] == b"year,amount\n2023,1721610\n"
    assert "SYNTHETIC TEST DOCUMENT GOOD" in text_of(packet.pdf, [packet.page_count - 1])


def test_manifest_hash_is_stable_and_changes_with_the_data(seed):
    req = PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF)
    first, second = build(req), build(req)
    assert first.manifest_hash == second.manifest_hash
    embedded = PdfReader(io.BytesIO(first.pdf)).attachments["manifest.json"][0]
    import hashlib

    assert hashlib.sha256(embedded).hexdigest() == first.manifest_hash
    assert first.manifest_hash in text_of(first.pdf).replace(" ", "")
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    DelayReason.objects.create(
        obligation_key=f"forward_plan_to_council-2024-d{draft.pk}",
        reason="합성 시험 사유 (synthetic test data)",
        recorded_on=datetime.date(2023, 11, 20),
    )
    third = build(req)
    assert third.manifest_hash != first.manifest_hash
    assert "합성 시험 사유" in text_of(third.pdf)


def test_range_scope_holds_what_was_forwarded_in_the_range(seed):
    packet = build(
        PacketRequest(
            scope="range", date_from=datetime.date(2023, 1, 1), date_to=datetime.date(2023, 12, 31), as_of=AS_OF
        )
    )
    titles = {d["title"] for d in packet.manifest["documents"]}
    # Forwarded 2023-03-17 (FY2022 settlement, FY2023 plan) and 2023-11-17 (FY2024 revised plan,
    # which also fulfils the forwarding duty of the draft it supersedes).
    assert "2022년 WeGO사무국 국제부담금 정산보고서 및 사업결과" in titles
    assert "2023년 WeGO사무국 주요사업계획(최종)" in titles
    assert {"2024년 WeGO 주요사업계획(안)_수정제출", "2024년 WeGO 주요사업계획(안)"} <= titles
    assert "2023년 WeGO사무국 국제부담금 정산보고서 및 사업결과" not in titles  # forwarded in 2024


def test_empty_scope_is_an_error_not_an_empty_pdf(seed):
    with pytest.raises(EmptyScope):
        build(PacketRequest(scope="plan", fiscal_year=2019, as_of=AS_OF))
    with pytest.raises(EmptyScope):
        build(
            PacketRequest(
                scope="range", date_from=datetime.date(2021, 1, 1), date_to=datetime.date(2021, 6, 30), as_of=AS_OF
            )
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scope": "plan"},
        {"scope": "bogus", "fiscal_year": 2024},
        {"scope": "range", "date_from": datetime.date(2024, 2, 1)},
        {"scope": "range", "date_from": datetime.date(2024, 2, 1), "date_to": datetime.date(2024, 1, 1)},
        {"scope": "plan", "fiscal_year": 2024, "language": "fr"},
    ],
)
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(InvalidRequest):
        PacketRequest(as_of=AS_OF, **kwargs).validate()
