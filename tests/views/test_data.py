"""The browser import page (upload -> dry run -> confirm), export downloads and permissions."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from compliance import models


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the Korean ones are checked where a test asks for "ko"."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


CSV = "year,amount,seconded_staff,source\n2030,1000,,SYNTHETIC TEST DATA\n2031,2000,,SYNTHETIC TEST DATA\n"


def upload(client, text, name="support.csv", resource="seoul_support"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("import_records"),
        {"step": "check", "resource": resource, "file": SimpleUploadedFile(name, data, "text/csv")},
    )


@pytest.mark.django_db
def test_dry_run_then_confirm_imports_everything(client, seed, dpo_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    client.force_login(dpo_user)
    response = upload(client, CSV)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-action="new" data-line="2"' in html and 'data-action="new" data-line="3"' in html
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 0
    token = response.context["token"]
    response = client.post(reverse("import_records"), {"step": "confirm", "token": token})
    assert response.status_code == 200 and response.context["report"].applied
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 2
    # The waiting file is gone once imported.
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


@pytest.mark.django_db
def test_a_refused_row_shows_why_and_offers_no_confirmation(client, seed, admin_user):
    client.force_login(admin_user)
    response = upload(client, CSV + "2032,-1,,SYNTHETIC\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-action="invalid" data-line="4"' in html and "-1 is below the smallest allowed value, 0." in html
    assert "token" not in response.context and 'name="token"' not in html
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 0


@pytest.mark.django_db
def test_a_zip_posing_as_xlsx_gets_a_clear_400(client, seed, dpo_user):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("readme.txt", "synthetic")
    client.force_login(dpo_user)
    response = upload(client, buf.getvalue(), name="support.xlsx")
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()


@pytest.mark.django_db
def test_a_forged_or_foreign_token_is_refused(client, seed, dpo_user, admin_user, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    client.force_login(dpo_user)
    token = upload(client, CSV).context["token"]
    client.force_login(admin_user)
    response = client.post(reverse("import_records"), {"step": "confirm", "token": token})
    assert response.status_code == 400
    response = client.post(reverse("import_records"), {"step": "confirm", "token": "forged"})
    assert response.status_code == 400
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["council_staff", "wego_secretariat"])
def test_only_the_dpo_and_admins_may_import(client, seed, users, role):
    client.force_login(users[role])
    assert client.get(reverse("import_records")).status_code == 403
    assert upload(client, CSV).status_code == 403
    assert models.SeoulSupport.objects.filter(year__gte=2030).count() == 0


@pytest.mark.django_db
def test_import_page_needs_sign_in(client, seed):
    response = client.get(reverse("import_records"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_every_role_can_export_xlsx_with_korean_headers(client, seed, users):
    for user in users.values():
        client.force_login(user)
        response = client.get(reverse("export_records", args=["funding_years"]), {"format": "xlsx", "korean": "1"})
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith('attachment; filename="wego-funding-years-')
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert sheet["A1"].value == "연도" and sheet["B2"].value == 1383123


@pytest.mark.django_db
def test_obligations_export_as_of_a_date(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("export_records", args=["obligations"]), {"format": "csv", "as_of": "2024-03-01"})
    assert response.status_code == 200
    assert 'filename="wego-obligations-20240301.csv"' in response["Content-Disposition"]
    assert "plan_to_mayor-2023" in response.content.decode("utf-8-sig")


@pytest.mark.django_db
def test_bad_export_requests_are_clear_errors(client, seed, council_user):
    client.force_login(council_user)
    assert client.get(reverse("export_records", args=["secrets"])).status_code == 404
    assert client.get(reverse("export_records", args=["documents"]), {"format": "pdf"}).status_code == 400
    response = client.get(
        reverse("export_records", args=["obligations"]), {"as_of": "2023.13.45"}, HTTP_ACCEPT_LANGUAGE="ko"
    )
    html = response.content.decode()
    # The data page again, its form with the error summary (which the page focuses).
    assert response.status_code == 400 and "data-error-summary" in html and 'href="#id_as_of"' in html
    assert "<title>오류: " in html and 'value="2023.13.45"' in html


@pytest.mark.django_db
def test_data_page_lists_every_resource_with_links(client, seed, council_user, django_assert_max_num_queries):
    client.force_login(council_user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("data"))
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("documents", "forwardings", "funding_years", "obligations", "duty_rules"):
        assert reverse("export_records", args=[name]) + "?format=xlsx" in html
    assert reverse("import_records") not in html  # council staff do not import


@pytest.mark.django_db
def test_export_download_query_count_does_not_grow_with_rows(client, seed, council_user, django_assert_max_num_queries):
    client.force_login(council_user)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("export_records", args=["documents"])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("export_records", args=["forwardings"]), {"format": "xlsx"}).status_code == 200


@pytest.mark.django_db
def test_admin_changelist_offers_import_and_export(client, seed, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:compliance_fundingyear_changelist"))
    html = response.content.decode()
    assert reverse("admin:compliance_fundingyear_import") in html
    assert reverse("admin:compliance_fundingyear_export") in html
    # The admin's import button leads to the import page (its file and cell checks, its
    # clean-up of abandoned dry runs), with the resource chosen.
    response = client.get(reverse("admin:compliance_document_import"))
    assert response.status_code == 302
    assert response["Location"] == reverse("import_records") + "?resource=documents"
    page = client.get(response["Location"]).content.decode()
    assert '<option value="documents" selected>' in page


@pytest.mark.django_db
def test_admin_export_goes_through_the_one_writer(client, seed, admin_user):
    from compliance.models import FundingYear

    FundingYear.objects.filter(year=2019).update(source='=HYPERLINK("https://x.invalid","x")')
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:compliance_fundingyear_export"),
        {"format": "0", "resource": "0", **{f"fundingyearresource_{f}": "on" for f in ("year", "source")}},
    )
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "resource"),
    [("dashboard", "obligations"), ("submission_list", "documents"), ("forwarding_list", "forwardings")],
)
def test_list_pages_link_to_their_exports(client, seed, council_user, url_name, resource):
    client.force_login(council_user)
    html = client.get(reverse(url_name), {"as_of": "2024-03-01"} if url_name == "dashboard" else {}).content.decode()
    assert reverse("export_records", args=[resource]) + "?format=xlsx" in html
    assert "korean=1" in html
    if url_name == "dashboard":
        assert "as_of=2024-03-01" in html
