"""Cached page fragments (compliance/views/fragments.py): keyed by a display version that
database triggers change with every write to a shown table, so a cached page never says
anything the records no longer say, and says exactly what the uncached page says."""

import datetime
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from compliance import register
from compliance.models import AlertScan, DataVersion, Document, Notification, Submission
from compliance.views.fragments import NOT_SHOWN

pytestmark = pytest.mark.django_db

CACHED_PAGES = ["dashboard", "submission_list", "forwarding_list", "provisions", "inbox"]


def display_token():
    return DataVersion.objects.get(pk=1).display_token


def without_csrf(html):
    """The page's CSRF token is masked anew for every response: the rest must be equal."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', r"\1…", html)


def test_every_shown_table_has_the_trigger_and_no_other_does():
    shown = {
        m._meta.db_table
        for m in apps.get_app_config("compliance").get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and m.__name__ not in NOT_SHOWN
    } | {"auth_user"}
    not_shown = {apps.get_model("compliance", name)._meta.db_table for name in NOT_SHOWN}
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'wego_display_changed'")
        with_trigger = {row[0].strip('"') for row in cursor.fetchall()}
    assert shown - with_trigger == set(), "tables a page may show whose writes would not change the display version"
    assert with_trigger & not_shown == set()


def test_bulk_writes_and_deletes_change_the_display_version(seed):
    before = display_token()
    Document.objects.filter(pk=Document.objects.order_by("pk").first().pk).update(title="바뀐 제목")
    after_update = display_token()
    assert after_update != before
    Submission.objects.bulk_create([Submission(received_on=datetime.date(2024, 5, 1), source="test data")])
    after_bulk = display_token()
    assert after_bulk != after_update
    Submission.objects.filter(source="test data").delete()
    assert display_token() != after_bulk


def test_writes_to_tables_no_fragment_shows_leave_it_alone(seed, council_user):
    before = display_token()
    Notification.objects.create(recipient=council_user, title_ko="시험", title_en="test")
    AlertScan.objects.create(
        as_of=datetime.date(2024, 5, 1), started_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    )
    assert display_token() == before


def obligation_urls():
    """A page for every duty of the seed's history, as of a day with forwardings to show."""
    day = datetime.date(2024, 6, 30)
    return [f"{reverse('obligation_detail', args=[o.key])}?as_of={day}" for o in register.load().obligations(day)]


@pytest.mark.parametrize("name", [*CACHED_PAGES, "obligation_detail"])
def test_cached_and_uncached_pages_are_identical(client, seed, dpo_user, name):
    client.force_login(dpo_user)
    if name == "obligation_detail":
        for url in obligation_urls():
            assert_cached_equals_uncached(client, url)
    else:
        assert_cached_equals_uncached(client, reverse(name))


def assert_cached_equals_uncached(client, url):
    first = client.get(url)  # renders and stores the fragment
    cached = client.get(url)  # served from the fragment
    caches["fragments"].clear()
    uncached = client.get(url)
    assert first.status_code == cached.status_code == uncached.status_code == 200
    assert without_csrf(cached.content.decode()) == without_csrf(uncached.content.decode())
    assert caches["fragments"]._cache, "the page stored no fragment"


def test_a_write_shows_at_once_even_one_without_model_signals(client, seed, council_user):
    client.force_login(council_user)
    doc = Document.objects.order_by("-submission__received_on", "-pk").first()
    assert doc.title in client.get(reverse("submission_list")).content.decode()
    Document.objects.filter(pk=doc.pk).update(title="[test data] 고친 제목")  # no post_save
    page = client.get(reverse("submission_list")).content.decode()
    assert "[test data] 고친 제목" in page


def test_a_new_day_is_a_new_fragment(client, seed, council_user):
    client.force_login(council_user)
    with time_machine.travel(datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        march = client.get(reverse("dashboard")).content.decode()
    with time_machine.travel(datetime.datetime(2024, 3, 2, 12, tzinfo=datetime.UTC), tick=False):
        next_day = client.get(reverse("dashboard")).content.decode()
    assert "2024. 3. 1." in march and "2024. 3. 2." in next_day


def test_language_and_role_are_part_of_the_key(client, seed, council_user, wego_user):
    from django.test import Client

    secretariat = Client()
    secretariat.force_login(wego_user)
    client.force_login(council_user)  # both signed in (last_login written) before any page
    korean = client.get(reverse("submission_list")).content.decode()
    english = client.get(reverse("submission_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "접수된 제출" in korean and "Submissions received" in english
    # The page's own button (inside the fragment), not the menu's link.
    submit = f'<div class="app-actions"><a class="krds-btn primary" href="{reverse("submission_new")}">'
    assert submit not in client.get(reverse("submission_list")).content.decode()
    assert submit in secretariat.get(reverse("submission_list")).content.decode()
    # The menu, cached per role and page: the secretariat's has "Submit documents", the council's not.
    menu_link = f'<a href="{reverse("submission_new")}" class="gnb-main-trigger is-link"'
    assert menu_link in secretariat.get(reverse("dashboard")).content.decode()
    assert menu_link not in client.get(reverse("dashboard")).content.decode()


def test_a_new_role_applies_on_the_next_page(client, seed, council_user):
    from compliance.roles import WEGO, ensure_groups

    client.force_login(council_user)
    menu_link = f'<a href="{reverse("submission_new")}" class="gnb-main-trigger is-link"'
    assert menu_link not in client.get(reverse("dashboard")).content.decode()
    council_user.groups.set([ensure_groups()[WEGO]])
    assert menu_link in client.get(reverse("dashboard")).content.decode()


def test_the_page_reads_both_versions_in_one_query(client, seed, council_user, django_assert_max_num_queries):
    client.force_login(council_user)
    client.get(reverse("dashboard"))
    register.load()  # warm
    with django_assert_max_num_queries(4):  # session, user with role, the versions, the unread count
        assert client.get(reverse("dashboard")).status_code == 200


def test_sqlite_keeps_the_display_version_too(tmp_path):
    """The embedded default (SQLite) gets row triggers from the same migration."""
    script = textwrap.dedent(
        f"""
        import os, django
        os.environ["DATABASE_URL"] = "sqlite:///{tmp_path}/t.sqlite3"
        os.environ["DJANGO_SETTINGS_MODULE"] = "wego_tracker.settings"
        django.setup()
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        from compliance.models import DataVersion, Party
        before = DataVersion.objects.get(pk=1).display_token
        assert before
        Party.objects.create(code="t", kind="city", name_ko="시험", name_en="Test")
        after = DataVersion.objects.get(pk=1).display_token
        assert after != before, (before, after)
        Party.objects.filter(code="t").update(name_en="Test 2")
        assert DataVersion.objects.get(pk=1).display_token != after
        print("ok")
        """
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root)
    assert result.stdout.strip().endswith("ok"), result.stderr[-2000:]


def test_a_review_shows_in_the_cached_inbox_at_once(client, seed, dpo_user):
    from compliance.services.review import do_record_review

    client.force_login(dpo_user)
    client.get(reverse("inbox"))
    before = client.get(reverse("inbox")).content.decode()  # from the fragment
    newest = Document.objects.filter(superseded_by__isnull=True).order_by("-submission__received_on", "-pk").first()
    do_record_review(by=dpo_user, thread_document=newest, document=newest, decision="accepted")
    after = client.get(reverse("inbox")).content.decode()
    assert 'data-review-state="accepted"' in after and 'data-review-state="accepted"' not in before
    caches["fragments"].clear()
    assert without_csrf(client.get(reverse("inbox")).content.decode()) == without_csrf(after)


def test_a_cached_inbox_works_out_nothing_it_does_not_draw(client, seed, dpo_user, django_assert_max_num_queries):
    client.force_login(dpo_user)
    first = client.get(reverse("inbox"))
    with django_assert_max_num_queries(4):  # session, user with role, the versions, the unread count
        again = client.get(reverse("inbox"))
    assert without_csrf(again.content.decode()) == without_csrf(first.content.decode())
    assert "접수 문서 검색" in again.content.decode() or 'role="search"' in again.content.decode()


def test_a_refused_filter_is_refused_again_from_the_cache(client, seed, council_user):
    client.force_login(council_user)
    url = reverse("dashboard") + "?as_of=2024-02-30&status=nonsense"
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 400
    assert without_csrf(first.content.decode()) == without_csrf(again.content.decode())
    assert client.get(reverse("alerts_inbox"), {"page": "abc"}).status_code == 200
