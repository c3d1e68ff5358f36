"""Error pages are in the site's look and lead somewhere."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_failed_csrf_check_explains_and_links_back_to_the_form(dpo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo_user)
    form_url = "http://testserver" + reverse("forwarding_new")
    response = client.post(reverse("forwarding_new"), {"form_token": "x"}, HTTP_REFERER=form_url)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="krds-header"' in html  # the site's header and menu
    assert f'href="{form_url}"' in html
    assert f'href="{reverse("dashboard")}"' in html
    assert "입력 양식의 유효 시간이 지났습니다" in html


def test_a_foreign_referer_is_not_offered_as_the_way_back(dpo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dpo_user)
    response = client.post(reverse("forwarding_new"), {}, HTTP_REFERER="https://evil.example/phish")
    assert "evil.example" not in response.content.decode()


def test_the_500_page_stands_alone_in_the_sites_look_with_a_way_back():
    html = render_to_string("500.html")  # as Django's handler500 renders it: no request
    assert "output.css" in html and "app.css" in html
    assert '<a class="krds-btn primary" href="/">' in html
    assert "Something went wrong" in html and "일시적인 오류" in html
