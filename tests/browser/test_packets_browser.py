"""The Digital Policy Officer builds packets in a real browser; background builds update by HTMX polling."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from compliance.models import PacketBuild
from compliance.services.packets import run_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def test_the_dpo_builds_the_fy2024_plan_packet_and_downloads_it(page, login, seed, dpo_user):
    login(dpo_user, next_url="/packets/")
    page.locator("#id_scope").select_option("plan")
    page.locator("#id_fiscal_year").fill("2024")
    page.locator("#id_as_of").fill("2024-06-01")
    # A small packet is laid out within the request: WeasyPrint on two shared cores may take
    # longer than the default timeout of a click's navigation.
    page.locator("form[action$='/packets/new/'] [type=submit]").click(timeout=60_000)
    expect(page).to_have_url(re.compile(r"/packets/\d+/$"), timeout=60_000)
    status = page.locator("#build-status")
    expect(status).to_have_attribute("data-state", "done")
    with page.expect_download() as download_info:
        page.locator("#build-status a[href$='/download/']").click()
    path = download_info.value.path()
    assert open(path, "rb").read(5) == b"%PDF-"


def test_a_background_build_shows_progress_then_the_download_link(page, login, seed, dpo_user):
    build = PacketBuild.objects.create(
        scope="results",
        fiscal_year=2023,
        language="ko",
        as_of=datetime.date(2024, 6, 1),
        params_key="results-2023-ko-asof2024-06-01",
        version=1,
        requested_by=dpo_user,
        progress=15,
        progress_note="synthetic: waiting for the worker",
    )
    login(dpo_user, next_url=f"/packets/{build.pk}/")
    status = page.locator("#build-status")
    expect(status).to_have_attribute("data-state", "queued")
    expect(page.locator("#build-status progress")).to_have_attribute("value", "15")
    run_build(build.pk)  # the worker finishes while the page is open
    # The page polls the status partial every second and swaps in the finished state.
    expect(status).to_have_attribute("data-state", "done", timeout=10_000)
    expect(page.locator("#build-status a[href$='/download/']")).to_be_visible()
