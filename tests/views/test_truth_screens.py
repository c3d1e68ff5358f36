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
