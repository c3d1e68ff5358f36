"""Imports speak the file's language (issue 24): a column is named as the file names it,
a row by what it holds, the chosen file is kept after a refused check, and the refused
rows can be read on their own. Synthetic data, labelled as such."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compliance import models

pytestmark = pytest.mark.django_db

# A forwarding written with the Korean headers of the export, its date in the future.
KOREAN_FORWARDING = (
    "송부일,공문 번호,회계연도,문서 종류,송부 문서,출처\n"
    "2999-01-05,합성-1,2024,plan_final,합성 시험 송부 문서,SYNTHETIC TEST DATA\n"
)


def check(client, text, resource, name="file.csv", lang="ko", **extra):
    data = {"step": "check", "resource": resource, **extra}
    if text is not None:
        data["file"] = SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")
    return client.post(reverse("import_records"), data, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.fixture
def dpo(client, seed, dpo_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    settings.IMPORT_PENDING_DIR = tmp_path / "pending"
    client.force_login(dpo_user)
    return client


def test_an_error_names_the_column_as_the_korean_file_does(dpo):
    response = check(dpo, KOREAN_FORWARDING, "forwardings")
    assert response.status_code == 400
    [row] = response.context["report"].rows
    assert [column for column, _message in row.messages] == ["송부일"]
    html = response.content.decode()
    assert "forwarded_on" not in html.split('id="import-report"')[1]


def test_a_row_is_shown_by_its_meaning_not_codes(dpo):
    [row] = check(dpo, KOREAN_FORWARDING, "forwardings").context["report"].rows
    assert row.key == "2999. 1. 5.(토) · 합성-1 · 2024회계연도 · 사업계획서(최종) · 합성 시험 송부 문서"
    assert "|" not in row.key and "plan_final" not in row.key


def test_an_english_file_keeps_its_english_column_names(dpo):
    text = "forwarded_on,fiscal_year,kind,description\n2999-01-05,2024,plan_final,SYNTHETIC\n"
    [row] = check(dpo, text, "forwardings", lang="en").context["report"].rows
    assert row.messages[0][0] == "forwarded_on"


def test_a_missing_column_is_named_in_the_file_language(dpo):
    response = check(dpo, "송부일,회계연도\n2024-01-05,2024\n", "forwardings")
    errors = " ".join(response.context["report"].file_errors)
    assert "문서 종류" in errors and "kind" not in errors


def test_the_chosen_file_is_kept_after_a_refused_check(dpo):
    # Checked as the wrong kind of record: refused, but the file is kept.
    csv = "year,amount,seconded_staff,source\n2030,1000,,SYNTHETIC TEST DATA\n"
    refused = check(dpo, csv, "forwardings", name="support.csv")
    assert refused.status_code == 400
    kept = refused.context["kept"]
    html = refused.content.decode()
    assert 'name="kept"' in html and "support.csv" in html
    # Checked again as Seoul support, without choosing the file again.
    again = check(dpo, None, "seoul_support", kept=kept)
    assert again.status_code == 200 and again.context["report"].ok
    confirmed = dpo.post(reverse("import_records"), {"step": "confirm", "token": again.context["token"]})
    assert confirmed.context["report"].applied
    assert models.SeoulSupport.objects.filter(year=2030).exists()


def test_no_file_and_nothing_kept_asks_for_a_file(dpo):
    response = check(dpo, None, "seoul_support", kept="forged")
    assert response.status_code == 400
    assert "파일을 선택하세요" in response.content.decode()


def test_another_users_kept_file_is_not_used(dpo, client, admin_user):
    kept = check(dpo, "year,amount\nabc,1\n", "seoul_support").context["kept"]
    client.force_login(admin_user)
    response = check(client, None, "seoul_support", kept=kept)
    assert response.status_code == 400 and "report" not in response.context


def test_the_refused_rows_are_listed_on_their_own(dpo):
    csv = "year,amount,seconded_staff,source\n2030,1000,,SYNTHETIC\n2031,-1,,SYNTHETIC\n2032,3000,,SYNTHETIC\n"
    html = check(dpo, csv, "seoul_support").content.decode()
    refused_table = html.split('id="refused-rows"')[1].split("</table>")[0]
    assert 'data-line="3"' in refused_table
    assert 'data-line="2"' not in refused_table and 'data-line="4"' not in refused_table
    assert 'id="all-rows"' in html
