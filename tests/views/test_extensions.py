"""Agreed extensions on the obligation page: the form round trip for the Digital Policy
Officer, refusals shown in the reader's language with nothing saved, other roles read only."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from compliance import register
from compliance.models import Extension

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def plan(seed):
    plans = [o for o in register.load().obligations(TODAY) if o.duty == "plan_to_mayor" and o.fulfilled_on is None]
    return max(plans, key=lambda o: o.fiscal_year)


def _form(plan, days=30, **overrides):
    data = {
        "extended_to": (plan.due_date + datetime.timedelta(days=days)).isoformat(),
        "basis": "Synthetic test data: 지원 협약 제7조②",
        "granted_by": "Synthetic test data: 서울특별시장",
        "granted_on": "2026-12-04",
        "document": "",
        "form_token": "t-1",
    }
    data.update(overrides)
    return data


def test_the_officer_records_an_extension_through_the_form_and_the_page_shows_both_dates(client, plan, dpo_user):
    client.force_login(dpo_user)
    page = client.get(reverse("obligation_detail", args=[plan.key]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    new_url = reverse("extension_new", args=[plan.key])
    assert "합의 연장" in page and new_url in page
    form = client.get(new_url, HTTP_ACCEPT_LANGUAGE="ko")
    assert form.status_code == 200 and "합의 연장 기한" in form.content.decode()
    response = client.post(new_url, _form(plan), HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    assert response["Location"] == reverse("obligation_detail", args=[plan.key]) + "#extension-heading"
    extension = Extension.objects.get()
    assert (extension.obligation_key, extension.extended_to, extension.granted_on) == (
        plan.key,
        plan.due_date + datetime.timedelta(days=30),
        datetime.date(2026, 12, 4),
    )
    assert extension.granted_by == "Synthetic test data: 서울특별시장" and extension.recorded_by == dpo_user
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "합의 연장을 기록했습니다." in page
    assert "지원 협약 제7조②" in page and "법정 기한" in page and "(변경 없음)" in page
    assert f'data-extended-to="{extension.extended_to.isoformat()}"' in page
    english = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Agreed extension" in english and "Statutory due date" in english
    # Posting the same form again records nothing more.
    assert client.post(new_url, _form(plan)).status_code == 302 and Extension.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "합의 연장 기한은 법정 기한"),
        ("en", "The agreed date must be after the statutory due date"),
    ],
)
def test_a_refused_extension_is_shown_again_with_its_message_and_nothing_saved(
    client, plan, dpo_user, language, message
):
    client.force_login(dpo_user)
    url = reverse("extension_new", args=[plan.key])
    response = client.post(url, _form(plan, days=0), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and message in response.content.decode()
    response = client.post(url, _form(plan, extended_to="2027-02-30"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert not Extension.objects.exists()


def test_other_roles_see_the_extension_but_may_not_record_or_withdraw_one(client, plan, dpo_user, council_user):
    client.force_login(dpo_user)
    client.post(reverse("extension_new", args=[plan.key]), _form(plan))
    extension = Extension.objects.get()
    client.force_login(council_user)
    page = client.get(reverse("obligation_detail", args=[plan.key]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "지원 협약 제7조②" in page
    assert reverse("extension_new", args=[plan.key]) not in page
    assert reverse("extension_withdraw", args=[extension.pk]) not in page
    assert client.post(reverse("extension_new", args=[plan.key]), _form(plan, form_token="t-2")).status_code == 403
    assert client.post(reverse("extension_withdraw", args=[extension.pk]), {"reason": "x"}).status_code == 403
    assert Extension.objects.get().withdrawn_on is None


def test_the_officer_withdraws_an_extension_and_the_page_says_so(client, plan, dpo_user):
    client.force_login(dpo_user)
    client.post(reverse("extension_new", args=[plan.key]), _form(plan))
    extension = Extension.objects.get()
    url = reverse("extension_withdraw", args=[extension.pk])
    page = client.get(reverse("obligation_detail", args=[plan.key]), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert url in page
    form = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert form.status_code == 200 and "철회 사유" in form.content.decode()
    assert client.post(url, {"reason": ""}, HTTP_ACCEPT_LANGUAGE="ko").status_code == 400
    response = client.post(url, {"reason": "Synthetic test data: 결정 취소"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "철회됨" in page and "결정 취소" in page and "data-extended-to" not in page


def test_the_extension_section_shows_what_was_known_on_the_pages_day(client, plan, dpo_user, council_user):
    """Seed plus test data: one extension recorded on 2 November and withdrawn on
    20 November, another recorded on 4 December. `?as_of=` shows each as known that day."""
    from compliance.services.extensions import do_record_extension, do_withdraw_extension

    def record(day, days, token):
        return do_record_extension(
            by=dpo_user,
            obligation_key=plan.key,
            extended_to=plan.due_date + datetime.timedelta(days=days),
            basis=f"Synthetic test data: agreement {token}",
            granted_by="Synthetic test data: 서울특별시장",
            granted_on=day,
            document=None,
            token=token,
            today=day,
        ).obj

    first = record(datetime.date(2026, 11, 2), 30, "first")
    do_withdraw_extension(
        by=dpo_user, extension=first, reason="Synthetic test data: 결정 취소", today=datetime.date(2026, 11, 20)
    )
    second = record(datetime.date(2026, 12, 4), 60, "second")
    client.force_login(council_user)

    def section(as_of):
        url = reverse("obligation_detail", args=[plan.key]) + f"?as_of={as_of}"
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
        assert response.status_code == 200
        html = response.content.decode()
        start = html.find('data-testid="extensions"')
        return "" if start < 0 else html[start : html.index("</section>", start)]

    # Before either was recorded: nothing to show (and a council reader may not record one).
    assert section("2026-11-01") == ""
    # 10 November: the first was known and not yet withdrawn; the second not yet recorded.
    then = section("2026-11-10")
    assert f'data-extension="{first.pk}"' in then and f'data-extension="{second.pk}"' not in then
    assert f'data-extended-to="{first.extended_to.isoformat()}"' in then
    assert "철회됨" not in then and "결정 취소" not in then
    # 5 December: the first withdrawn, the second in force.
    later = section("2026-12-05")
    assert f'data-extension="{first.pk}"' in later and f'data-extension="{second.pk}"' in later
    assert f'data-extended-to="{second.extended_to.isoformat()}"' in later
    assert "철회됨" in later and "결정 취소" in later
    # Without `as_of` the page is as of today, which knows both.
    assert section(TODAY.isoformat()) == later
