"""What-if never misstates the law: it says so everywhere, from a day the user chooses."""

import datetime
import re

import pytest
from django.urls import reverse

from compliance import register
from compliance.models import Provision

pytestmark = pytest.mark.django_db
D = datetime.date
BILL_WORDS = "사업 결과 및 정산서를 제출받은"  # only in the proposed ⑤
CURRENT_WORDS = "사업 계획서 및 사업 정산서를 제출받은"  # the ⑤ in force


def law_in_force_block(html):
    return re.search(r'<blockquote class="app-law">(.*?)</blockquote>', html, re.S).group(1)


def test_the_obligation_page_never_prints_the_bill_as_in_force(client, seed, council_user):
    client.force_login(council_user)
    url = reverse("obligation_detail", args=["forward_results_to_council-2023-d14"])
    params = {"as_of": "2024-04-03", "what_if": "1", "what_if_from": "2022-01-01"}
    html = client.get(url, params, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    block = law_in_force_block(html)
    assert CURRENT_WORDS in block and BILL_WORDS not in block
    assert "data-what-if" in html and "2022. 1. 1.(토)" in html
    assert "개정안 시행 가정" in html or "가정" in html
    assert "proposed" not in block


def test_what_if_defaults_to_today_and_the_dashboard_says_so(client, seed, council_user, time_machine):
    time_machine.move_to("2024-06-30T03:00:00+09:00", tick=False)
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"what_if": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-what-if" in html and "Sun 30 Jun 2024" in html
    # From today, nothing that arose before today changes.
    assert "forward_results_to_council" not in html
    html = client.get(reverse("dashboard"), {"what_if": "1", "what_if_from": "2022-01-01"}).content.decode()
    assert "forward_results_to_council" in html
    plain = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-what-if" not in plain


def test_once_the_amendment_has_an_effective_date_the_switch_says_it_is_in_force(client, seed, council_user):
    Provision.objects.filter(version_label="2024 개정안").update(effective_from=D(2025, 1, 1))
    register.rebuild()  # QuerySet.update() sends no signal
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"what_if": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="what_if"' not in html and "data-what-if" not in html
    assert "is in force since Wed 1 Jan 2025" in html


def test_a_bad_what_if_day_is_a_clear_400(client, seed, council_user):
    client.force_login(council_user)
    url = reverse("obligation_detail", args=["plan_to_mayor-2023"])
    assert client.get(url, {"what_if": "1", "what_if_from": "2024-02-30"}).status_code == 400
    assert client.get(reverse("dashboard"), {"what_if": "1", "what_if_from": "nope"}).status_code == 400


def test_a_what_if_export_says_so_on_every_row_and_in_its_name(client, seed, council_user):
    client.force_login(council_user)
    params = {"format": "csv", "as_of": "2024-04-03", "what_if": "1", "what_if_from": "2022-01-01"}
    response = client.get(reverse("export_records", args=["obligations"]), params)
    assert 'filename="wego-obligations-what-if-20240403.csv"' in response["Content-Disposition"]
    rows = response.content.decode("utf-8-sig").splitlines()[1:]
    assert rows and all(row.endswith(",true") for row in rows)
    assert any(row.startswith("forward_results_to_council-") for row in rows)
