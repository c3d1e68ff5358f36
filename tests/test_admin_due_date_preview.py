"""An administrator adding, editing or deleting a holiday override (or a council session)
sees, before anything is saved, which due dates the change moves; saving stays the
admin's own save and is audited as before."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from compliance.models import AuditEntry, CouncilSession, HolidayOverride

pytestmark = pytest.mark.django_db
D = datetime.date
ADD = reverse("admin:compliance_holidayoverride_add")
# FY2025 results are due Tue 2026-03-03 (Sat 2/28, 3·1절, its substitute on Mon 3/2).
HOLIDAY = {
    "date": "2026-03-03",
    "kind": "add",
    "name_ko": "임시공휴일(합성 시험 자료)",
    "name_en": "temporary public holiday (synthetic test data)",
    "source": "SYNTHETIC TEST DATA",
    "_save": "Save",
}


@pytest.fixture
def admin_client(client, admin_user, time_machine):
    time_machine.move_to("2026-02-02T09:00:00+09:00", tick=False)
    client.force_login(admin_user)
    return client


def test_adding_a_holiday_shows_the_moved_due_dates_before_saving(admin_client, seed):
    audits = AuditEntry.objects.count()
    with translation.override("ko"):
        page = admin_client.post(ADD, HOLIDAY, HTTP_ACCEPT_LANGUAGE="ko")
    assert page.status_code == 200
    html = page.content.decode()
    assert "이 변경으로 바뀌는 기한 확인" in html and "아직 저장되지 않았습니다" in html
    assert 'data-key="results_to_mayor-2025"' in html and 'data-key="settlement_to_mayor-2025"' in html
    assert "2026. 3. 3.(화)" in html and "2026. 3. 4.(수)" in html
    assert 'name="_preview_confirmed"' in html and 'name="date" value="2026-03-03"' in html
    assert not HolidayOverride.objects.exists() and AuditEntry.objects.count() == audits  # nothing saved yet

    saved = admin_client.post(ADD, {**HOLIDAY, "_preview_confirmed": "1"})
    assert saved.status_code == 302
    assert HolidayOverride.objects.get().date == D(2026, 3, 3)
    assert AuditEntry.objects.count() > audits  # audited as every admin save


def test_a_change_that_moves_nothing_says_so(admin_client, seed):
    page = admin_client.post(ADD, {**HOLIDAY, "date": "2026-08-04"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "data-no-moves" in page.content.decode()


def test_an_invalid_form_is_shown_as_usual_without_a_preview(admin_client, seed):
    page = admin_client.post(ADD, {**HOLIDAY, "date": "2026-02-30"})
    assert page.status_code == 200 and "_preview_confirmed" not in page.content.decode()
    assert not HolidayOverride.objects.exists()


def test_deleting_a_holiday_lists_the_due_dates_it_moves_back(admin_client, seed):
    override = HolidayOverride.objects.create(
        date=D(2026, 3, 3), kind="add", name_ko="임시공휴일(합성)", source="SYNTHETIC TEST DATA"
    )
    url = reverse("admin:compliance_holidayoverride_delete", args=[override.pk])
    html = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert 'data-key="results_to_mayor-2025"' in html
    # Within the duty's row: now 3/4, after the deletion 3/3 (the page elsewhere names the
    # holiday by its own date, so the order is read inside the row).
    row = html[html.index('data-key="results_to_mayor-2025"') :]
    row = row[: row.index("</tr>")]
    assert row.index("2026. 3. 4.(수)") < row.index("2026. 3. 3.(화)")


def test_editing_a_holiday_previews_against_the_other_overrides(admin_client, seed):
    override = HolidayOverride.objects.create(
        date=D(2026, 8, 4), kind="add", name_ko="임시공휴일(합성)", source="SYNTHETIC TEST DATA"
    )
    url = reverse("admin:compliance_holidayoverride_change", args=[override.pk])
    html = admin_client.post(url, {**HOLIDAY, "name_ko": "임시공휴일(합성)"}).content.decode()
    assert 'data-key="results_to_mayor-2025"' in html
    assert HolidayOverride.objects.get().date == D(2026, 8, 4)


def test_a_council_session_is_previewed_too(admin_client, seed):
    url = reverse("admin:compliance_councilsession_add")
    data = {"number": "940", "kind": "extraordinary", "starts_on": "2026-03-02", "ends_on": "2026-03-13"}
    html = admin_client.post(url, {**data, "source": "SYNTHETIC TEST DATA", "_save": "Save"}).content.decode()
    assert 'name="_preview_confirmed"' in html and not CouncilSession.objects.exists()
    assert admin_client.post(url, {**data, "source": "SYNTHETIC", "_preview_confirmed": "1"}).status_code == 302
    assert CouncilSession.objects.get().number == 940
