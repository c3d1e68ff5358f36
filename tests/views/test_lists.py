"""The list pages sort, search, filter and page, in a constant number of queries, and
write dates, sizes and fiscal years for a reader."""

import datetime
import re

import pytest
from django.urls import reverse

from compliance.models import AuditEntry, Document, Forwarding, Submission

pytestmark = pytest.mark.django_db


def rows(response):
    return list(response.context["table"].page.object_list)


def test_submissions_sort_by_receipt_number_and_back(client, seed, council_user):
    client.force_login(council_user)
    newest_first = rows(client.get(reverse("submission_list")))
    assert [r.record.received_on for r in newest_first] == sorted(
        (r.record.received_on for r in newest_first), reverse=True
    )
    page = client.get(reverse("submission_list"), {"sort": "received_on"})
    oldest_first = [r.record.received_on for r in rows(page)]
    assert oldest_first == sorted(oldest_first)
    assert 'aria-sort="ascending"' in page.content.decode()


def test_submissions_search_by_title_and_filter_by_fiscal_year(client, seed, council_user):
    client.force_login(council_user)
    doc = Document.objects.order_by("pk").first()
    found = rows(client.get(reverse("submission_list"), {"q": doc.title[:12]}))
    assert doc.submission_id in {r.record.pk for r in found}
    by_year = rows(client.get(reverse("submission_list"), {"fiscal_year": str(doc.fiscal_year)}))
    assert by_year and all(any(d.fiscal_year == doc.fiscal_year for d in r.record.documents.all()) for r in by_year)
    nothing = client.get(reverse("submission_list"), {"q": "no such title anywhere"})
    assert rows(nothing) == []
    assert "조건에 맞는 항목이 없습니다" in nothing.content.decode()


def test_the_inbox_filters_documents_not_forwarded_yet(client, seed, dpo_user):
    client.force_login(dpo_user)
    waiting = rows(client.get(reverse("inbox"), {"state": "waiting"}))
    assert waiting and all(not r.record.forwarding_items.all() for r in waiting)


def test_forwardings_search_by_document_number(client, seed, council_user):
    client.force_login(council_user)
    numbered = Forwarding.objects.order_by("pk").first()
    numbered.document_number = "디지털정책담당관-4880"
    numbered.save(update_fields=["document_number"])
    found = rows(client.get(reverse("forwarding_list"), {"q": numbered.document_number}))
    assert [r.record.pk for r in found] == [numbered.pk]


def test_a_bad_date_filter_is_reported_on_the_field_not_a_crash(client, seed, council_user):
    client.force_login(council_user)
    page = client.get(reverse("submission_list"), {"received_from": "27/13/2024"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-error-summary" in html and 'href="#id_received_from"' in html


def test_list_pages_page_by_25_in_constant_queries(client, seed, council_user, django_assert_max_num_queries):
    for i in range(30):
        Submission.objects.create(received_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i))
    client.force_login(council_user)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("submission_list"))
    assert len(rows(first)) == 25
    second = client.get(reverse("submission_list"), {"page": 2})
    assert 'aria-current="page"' in second.content.decode()
    assert len(rows(second)) == Submission.objects.count() - 25


def test_dates_sizes_and_years_read_for_a_person(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("submission_list")).content.decode()
    sub = Submission.objects.order_by("-received_on").first()
    day = sub.received_on
    weekday = "월화수목금토일"[day.weekday()]
    assert f"{day.year}. {day.month}. {day.day}.({weekday})" in html
    assert day.isoformat() not in html.split("<main", 1)[1].split("</main>")[0].replace('value="', "")


def test_the_audit_trail_reads_as_sentences_without_internal_names(client, seed, dpo_user, admin_user):
    client.force_login(dpo_user)
    doc = Document.objects.order_by("pk").first()
    client.post(
        reverse("forwarding_new"),
        {
            "form_token": "audit-sentence",
            "forwarded_on": "2024-05-02",
            "document_number": "디지털정책담당관-9999",
            "documents": [doc.pk],
        },
    )
    assert AuditEntry.objects.exists()
    client.force_login(admin_user)
    html = client.get(reverse("audit_log")).content.decode()
    text = re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>")[0])  # what a reader sees
    assert "님이 시의회 제출" in text
    assert "2024. 5. 2.(목)" in text
    for internal in ("compliance.", "forwarding_id", "document_id", "{'", "2024-05-02", "#"):
        assert internal not in text, internal
