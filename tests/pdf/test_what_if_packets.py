"""A packet built in what-if mode says so on every page, the appended documents' pages
included, records that it is a what-if, and never passes as the official packet."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from compliance.models import Document, PacketBuild
from compliance.pdf.build import build
from compliance.pdf.content import InvalidRequest, PacketRequest
from tests.packet_pdfs import attach, synthetic_pdf

AS_OF = datetime.date(2024, 6, 1)
FROM = datetime.date(2022, 1, 1)
KO_MARK = "가정 — 개정안 시행 가정(2022. 1. 1.부터)"
EN_MARK = "What-if — amendment assumed in force (from 1 Jan 2022)"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def pages(pdf):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def squeeze(text):
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(("language", "mark"), [("ko", KO_MARK), ("en", EN_MARK)])
def test_every_page_of_a_what_if_packet_carries_the_watermark(seed, language, mark):
    draft = Document.objects.get(title="2024년 WeGO 주요사업계획(안)")
    attach(draft, synthetic_pdf("A", pages=2), "plan-draft.pdf")
    packet = build(
        PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF, language=language, what_if=True, what_if_from=FROM)
    )
    texts = pages(packet.pdf)
    assert len(texts) == packet.page_count and packet.page_count > packet.generated_pages
    for number, text in enumerate(texts, 1):
        assert squeeze(mark) in squeeze(text), (number, text[:200])
    # The appended pages are the document itself, stamped: their text and the mark.
    assert "SYNTHETIC TEST DOCUMENT A" in texts[packet.generated_pages]
    reader = PdfReader(io.BytesIO(packet.pdf))
    assert reader.metadata.title.startswith("[가정]" if language == "ko" else "[What-if]")
    assert packet.manifest["request"]["what_if"] is True
    assert packet.manifest["request"]["what_if_from"] == "2022-01-01"
    assert all(o["what_if"] is True for o in packet.manifest["obligations"])


def test_the_official_packet_carries_no_watermark(seed):
    packet = build(PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF))
    assert not any("가정 — 개정안" in text for text in pages(packet.pdf))
    assert packet.manifest["request"]["what_if"] is False
    assert not PdfReader(io.BytesIO(packet.pdf)).metadata.title.startswith("[")


def test_the_what_if_packet_follows_the_assumed_amendment(seed):
    """The bill adds a results-forwarding duty: only the what-if packet has it."""
    official = build(PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF))
    what_if = build(PacketRequest(scope="results", fiscal_year=2023, as_of=AS_OF, what_if=True, what_if_from=FROM))
    duties = {o["duty"] for o in what_if.manifest["obligations"]}
    assert "forward_results_to_council" in duties
    assert "forward_results_to_council" not in {o["duty"] for o in official.manifest["obligations"]}


def test_a_what_if_packet_is_never_the_official_one():
    plain = PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF)
    assumed = PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF, what_if=True).validate()
    assert assumed.what_if_from == AS_OF  # default: the packet's day
    assert assumed.params_key != plain.params_key and assumed.params_key.endswith("whatif2024-06-01")
    with pytest.raises(InvalidRequest):
        PacketRequest(scope="plan", fiscal_year=2024, as_of=AS_OF, what_if_from=FROM).validate()


@pytest.mark.django_db
def test_the_officer_builds_a_what_if_packet_and_the_list_marks_it(client, seed, dpo_user):
    client.force_login(dpo_user)
    form = client.get(reverse("packet_list"), {"what_if": "1", "what_if_from": "2022-01-01"}).content.decode()
    assert re.search(r'name="what_if"[^>]*checked', form) and 'value="2022-01-01"' in form
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    response = client.post(
        reverse("packet_create"),
        {
            "scope": "plan",
            "fiscal_year": "2024",
            "language": "ko",
            "as_of": "2024-06-01",
            "what_if": "on",
            "what_if_from": "2022-01-01",
            "form_token": token,
        },
    )
    assert response.status_code == 302
    build_row = PacketBuild.objects.get()
    assert build_row.what_if and build_row.what_if_from == FROM and "whatif2022-01-01" in build_row.filename
    listing = client.get(reverse("packet_list"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "가정 문서철" in listing and "data-what-if" in listing
    detail = client.get(build_row.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "가정 문서철" in detail and "공식 문서철이 아니며" in detail


@pytest.mark.django_db
def test_the_dashboard_in_what_if_mode_offers_a_what_if_packet(client, seed, users):
    client.force_login(users["digital_policy_officer"])
    html = client.get(reverse("dashboard"), {"what_if": "1", "what_if_from": "2022-01-01"}).content.decode()
    assert f"{reverse('packet_list')}?what_if=1&amp;what_if_from=2022-01-01" in html
    client.force_login(users["council_staff"])
    html = client.get(reverse("dashboard"), {"what_if": "1", "what_if_from": "2022-01-01"}).content.decode()
    assert f"{reverse('packet_list')}?what_if=1" not in html
