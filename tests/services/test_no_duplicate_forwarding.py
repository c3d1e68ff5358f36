"""No duplicate forwarding (issue 24): the inbox and the form say what was already forwarded,
when and under which number; the form groups the documents by fiscal year; a second
forwarding of the same document on the same day is refused by the form, the service and
the import, with the same message in Korean and English."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from compliance import services
from compliance.forms.city import ForwardingForm
from compliance.models import Document, ForwardingItem
from compliance.services.imports import do_import_records

pytestmark = pytest.mark.django_db

# In the seed: the FY2022 settlement and the FY2023 plan went to the Council on 2023-03-17.
SETTLEMENT = "2022년 WeGO사무국 국제부담금 정산보고서 및 사업결과"


def seed_document():
    item = ForwardingItem.objects.filter(document__isnull=False, forwarding__forwarded_on=datetime.date(2023, 3, 17))
    return item.select_related("document", "forwarding").first()


def test_the_form_groups_documents_by_fiscal_year_newest_first(seed):
    with translation.override("ko"):
        form = ForwardingForm()
        groups = [label for label, _options in form.fields["documents"].widget.choices]
        html = str(form)
    assert groups == sorted(groups, reverse=True) and groups[0].endswith("회계연도")
    assert html.count('class="app-choice-group"') == len(groups)


def test_the_form_says_when_a_document_was_forwarded_and_its_number(seed):
    item = seed_document()
    with translation.override("ko"):
        labels = dict(
            option for _g, options in ForwardingForm().fields["documents"].widget.choices for option in options
        )
    label = labels[item.document_id]
    assert "2023. 3. 17.(금) 제출" in label
    if item.forwarding.document_number:
        assert item.forwarding.document_number in label


@pytest.mark.parametrize(
    ("lang", "words"), [("ko", "하루에 두 번 제출하지 않습니다"), ("en", "not forwarded twice on one day")]
)
def test_the_form_refuses_the_same_document_on_the_same_day(seed, lang, words):
    item = seed_document()
    data = {"forwarded_on": "2023-03-17", "documents": [item.document_id], "form_token": "x"}
    with translation.override(lang):
        form = ForwardingForm(data)
        assert not form.is_valid()
        assert words in " ".join(form.errors["documents"])


def test_the_form_accepts_the_same_document_on_another_day(seed):
    item = seed_document()
    form = ForwardingForm({"forwarded_on": "2023-03-20", "documents": [item.document_id], "form_token": "x"})
    assert form.is_valid(), form.errors


def test_the_service_refuses_it_at_the_documents_field(seed, dpo_user):
    item = seed_document()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.do_forward_to_council(
            by=dpo_user, forwarded_on=datetime.date(2023, 3, 17), documents=[item.document_id], token="t"
        )
    message = " ".join(error.value.message_dict["documents"])
    assert "already recorded as forwarded to the Council on Fri 17 Mar 2023" in message


def _forwarding_csv(rows):
    header = "forwarded_on,document_number,fiscal_year,kind,description,document_received_on,document_title,source\n"
    return (header + "".join(rows)).encode("utf-8")


def test_the_import_refuses_a_second_forwarding_on_the_same_day(seed):
    item = seed_document()
    doc = Document.objects.select_related("submission").get(pk=item.document_id)
    row = (
        f"2023-03-17,합성-9999,{doc.fiscal_year},{doc.kind},SYNTHETIC second forwarding,"
        f"{doc.submission.received_on.isoformat()},{doc.title},SYNTHETIC TEST DATA\n"
    )
    with translation.override("en"):
        report = do_import_records("forwardings", _forwarding_csv([row]), "f.csv", dry_run=True)
    [refused] = report.refused_rows
    assert "not forwarded twice on one day" in refused.messages[0][1]
    before = ForwardingItem.objects.count()
    with translation.override("en"):
        do_import_records("forwardings", _forwarding_csv([row]), "f.csv", dry_run=False)
    assert ForwardingItem.objects.count() == before


def test_the_import_refuses_the_same_document_twice_in_one_file(seed):
    doc = Document.objects.select_related("submission").filter(title=SETTLEMENT).first()
    rows = [
        f"2025-01-06,합성-{n},{doc.fiscal_year},{doc.kind},SYNTHETIC {n},"
        f"{doc.submission.received_on.isoformat()},{doc.title},SYNTHETIC TEST DATA\n"
        for n in (1, 2)
    ]
    with translation.override("en"):
        report = do_import_records("forwardings", _forwarding_csv(rows), "f.csv", dry_run=True)
    assert [r.line for r in report.refused_rows] == [3]


def test_the_inbox_offers_forward_again_after_a_forwarding(client, seed, dpo_user):
    item = seed_document()
    client.force_login(dpo_user)
    html = client.get(reverse("inbox"), {"q": item.document.title}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert f'data-testid="forwarded-{item.document_id}">제출 2023. 3. 17.(금)' in html
    forward = html.split(f'data-testid="forward-{item.document_id}">')[1].split("<")[0]
    assert forward == "다시 제출"
