"""Screens of the "tell only the truth" issue: the records coverage page is in the main
menu of those who keep it, and the what-if start date is asked only with the switch on."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "shown"),
    [("digital_policy_officer", True), ("admin", True), ("council_staff", False), ("wego_secretariat", False)],
)
def test_the_coverage_page_is_in_the_main_menu_of_those_who_keep_it(client, seed, users, role, shown):
    client.force_login(users[role])
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    menu = re.search(r'<nav id="app-menu".*?</nav>', html, re.S).group(0)
    assert (f'href="{reverse("coverage_list")}"' in menu) is shown
    if shown:
        assert "기록 범위" in menu


def test_the_menu_marks_the_coverage_page_as_current(client, seed, dpo_user):
    client.force_login(dpo_user)
    html = client.get(reverse("coverage_list")).content.decode()
    assert re.search(rf'href="{reverse("coverage_list")}" class="gnb-main-trigger is-link" aria-current="page"', html)


def test_the_what_if_date_is_hidden_while_the_switch_is_off(client, seed, council_user):
    client.force_login(council_user)
    off = client.get(reverse("dashboard")).content.decode()
    assert re.search(r'class="form-group app-what-if-from" hidden', off)
    on = client.get(reverse("dashboard"), {"what_if": "1"}).content.decode()
    assert 'class="form-group app-what-if-from">' in on and 'app-what-if-from" hidden' not in on


def test_counts_stop_on_the_records_last_day_never_so_far(client, seed, council_user):
    """The seed's records end on 2024-04-03. As of 2026-12-07 the two documents never
    forwarded by then are late by what the records prove up to that day: every count of
    their delay (the dashboard's columns, the obligation page's summary and trail) says
    so, and none says "so far", which would claim the 2½ years since."""
    import datetime

    from compliance import register

    as_of = datetime.date(2026, 12, 7)
    late = [o for o in register.load().obligations(as_of) if o.records_end_overdue]
    assert len(late) == 2, [o.key for o in late]
    client.force_login(council_user)
    for language, so_far, to_end in (
        ("ko", "현재까지", "기록 종료일까지"),
        ("en", "so far", "by the records' last day"),
    ):
        html = client.get(reverse("dashboard"), {"as_of": "2026-12-07"}, HTTP_ACCEPT_LANGUAGE=language).content
        rows = re.findall(r'<tr data-status="overdue" data-key="([^"]+)".*?</tr>', html.decode(), re.S)
        assert sorted(rows) == sorted(o.key for o in late)
        for row in re.findall(r'<tr data-status="overdue".*?</tr>', html.decode(), re.S):
            assert so_far not in row and to_end in row, row
        for o in late:
            page = client.get(
                reverse("obligation_detail", args=[o.key]), {"as_of": "2026-12-07"}, HTTP_ACCEPT_LANGUAGE=language
            ).content.decode()
            assert so_far not in page, (o.key, language)
            # The summary and the trail name the day: "기록 종료일(2024. 4. 3.(수))까지 545".
            day = (
                "기록 종료일(2024. 4. 3.(수))까지" if language == "ko" else "by the records' last day (Wed 3 Apr 2024)"
            )
            assert page.count(day) >= 2, (o.key, language)
