"""The funding page shows the seed's figures, each with its source, both 2020 Seoul figures included."""

import pytest
from django.urls import reverse
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English messages; the Korean ones are checked where a test asks for "ko"."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_funding_page_shows_the_seed_figures_and_sources(client, seed, wego_user, django_assert_max_num_queries):
    client.force_login(wego_user)
    # session, user, groups (role), unread alert count, and the three funding tables
    with django_assert_max_num_queries(7):
        response = client.get(reverse("funding"))
    assert response.status_code == 200
    html = response.content.decode()
    # Budget table: 2023 total, Seoul support and dues.
    assert "1,943,906" in html and "1,721,610" in html and "222,296" in html
    # Dues collection 2019: 145 billed, 43 paid, 29.7%, 188,551.
    assert '<td class="num">145</td>' in html and "29.7%" in html and "188,551" in html
    # Both 2020 Seoul support figures, with their sources, and no "fix".
    assert "1,262,000" in html and "1,262,500" in html
    assert "&lt;2019~2023년도 WeGO 예산 및 회비 비율&gt;" in html
    assert "[붙임3] &lt; 2019-2024 서울시 국제부담금 및 인력 지원내용 &gt;" in html
    figures = response.context
    disagreements = {d["year"]: (d["budget"].seoul_support, d["support"].amount) for d in figures["discrepancies"]}
    assert disagreements[2020] == (1262000, 1262500)


@pytest.mark.django_db
def test_dues_share_is_computed_from_the_figures(client, seed, council_user):
    client.force_login(council_user)
    rows = {r["obj"].year: r for r in client.get(reverse("funding")).context["budget_rows"]}
    assert str(rows[2021]["dues_share"]) == "24.2"  # 204,851 / 846,089
    assert str(rows[2024]["dues_share"]) == "19.5"  # 416,500 / 2,138,110; not stated in the source
    assert rows[2024]["obj"].dues_ratio is None


@pytest.mark.django_db
def test_charts_are_inline_svg_and_fetch_nothing(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("funding")).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 3
    assert '<script src="http' not in html and "cdn" not in html.lower()


@pytest.mark.django_db
def test_funding_page_needs_sign_in_and_handles_no_data(client, db, council_user):
    assert client.get(reverse("funding")).status_code == 302
    client.force_login(council_user)
    response = client.get(reverse("funding"))
    assert response.status_code == 200 and "No funding figures have been recorded yet." in response.content.decode()
