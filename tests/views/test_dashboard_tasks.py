"""The dashboard's task list per role, and the register table's search, sort and year due."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.views.test_obligations import AS_OF, _add_synthetic_forwarded_plans, rows

pytestmark = pytest.mark.django_db


def _tasks(response):
    tasks = response.context["tasks"]
    return tasks, [t.key for t in tasks.next + tasks.late]


def test_council_staff_see_what_the_mayor_owes_the_council_late_first(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF})
    tasks, keys = _tasks(response)
    assert tasks.late and all(k.startswith(("forward_", "report_")) for k in keys)
    # On 2024-04-03 two forwardings are past their grace: the FY2022 plan and FY2021 settlement.
    assert {t.key.rsplit("-", 1)[0] for t in tasks.late} == {
        "forward_plan_to_council-2022",
        "forward_settlement_to_council-2021",
    }
    assert [t.status for t in tasks.late] == ["late", "late"]
    assert tasks.late[0].due >= tasks.late[1].due  # the latest first
    html = response.content.decode()
    # What is late comes before what is next for council staff, both before the table.
    assert html.index('id="tasks-late"') < html.index('id="tasks-next"') < html.index('id="obligation-results"')
    assert 'id="late-this-year" class="app-link" href="/?as_of=2024-04-03&amp;due_year=2024&amp;status=any_late' in html


def test_wego_sees_its_own_duties_to_the_mayor_soonest_first(client, seed, wego_user):
    client.force_login(wego_user)
    tasks, keys = _tasks(client.get(reverse("dashboard"), {"as_of": "2024-06-30"}))
    assert keys and all("_to_mayor-" in k for k in keys)
    dues = [t.due for t in tasks.next]
    assert dues == sorted(dues) and tasks.next_total == len(tasks.next)
    assert {t.status for t in tasks.next} <= {"due_soon", "not_due"}
    assert tasks.revision_requests == []


def test_the_dpo_reads_forwardings_and_reports(client, seed, dpo_user):
    client.force_login(dpo_user)
    _tasks_, keys = _tasks(client.get(reverse("dashboard"), {"as_of": AS_OF}))
    assert keys and all(k.startswith(("forward_", "report_")) for k in keys)


def test_a_revision_request_stays_in_wegos_task_list_until_it_answers(
    client, seed, wego_user, dpo_user, council_user, settings, tmp_path
):
    import datetime

    from django.utils import timezone

    from compliance import services
    from compliance.dataio.uploads import validate_upload
    from compliance.services.review import do_record_review
    from tests import workflow_samples as samples

    settings.PRIVATE_STORAGE_ROOT = tmp_path
    spec = services.DocSpec("plan_draft", 2027, "synthetic plan", [validate_upload("p.pdf", samples.pdf())])
    doc = services.do_receive_submission(by=wego_user, documents=[spec]).obj.documents.get()
    do_record_review(
        by=dpo_user,
        thread_document=doc,
        document=doc,
        decision="revision_requested",
        message="synthetic: add the budget table",
        target_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    client.force_login(wego_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-tasks="revision_requests"' in html and "synthetic plan" in html
    client.force_login(council_user)
    assert 'data-tasks="revision_requests"' not in client.get(reverse("dashboard")).content.decode()
    # WeGO answers with a revised version: the line goes.
    revised = services.DocSpec(
        "plan_revision", 2027, "synthetic plan, revised", [validate_upload("r.pdf", samples.pdf())], doc
    )
    services.do_receive_submission(by=wego_user, documents=[revised])
    client.force_login(wego_user)
    assert 'data-tasks="revision_requests"' not in client.get(reverse("dashboard")).content.decode()


def test_late_this_year_is_one_link_away(client, seed, council_user):
    client.force_login(council_user)
    html = client.get(reverse("dashboard"), {"as_of": "2023-12-29"}).content.decode()
    href = re.search(r'id="late-this-year" class="app-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(href)
    assert response.status_code == 200
    shown = response.context["obligations"]
    assert all(o.status in ("overdue", "late") and o.due_date.year == 2023 for o in shown)
    # Forwardings past their grace: the FY2024 plan drafts (received July and October 2023,
    # forwarded in November) and the FY2022 settlement (received January, forwarded March).
    assert {o.duty for o in shown} == {"forward_plan_to_council", "forward_settlement_to_council"}
    assert {"forward_plan_to_council-2024", "forward_settlement_to_council-2022"} <= {
        o.key.rsplit("-", 1)[0] for o in shown
    }
    dues = [o.due_date for o in shown]
    assert dues == sorted(dues, reverse=True)


def test_the_table_searches_duty_names_titles_and_years(client, seed, council_user):
    client.force_login(council_user)
    settlement = client.get(reverse("dashboard"), {"as_of": AS_OF, "q": "정산서"}).context["obligations"]
    assert settlement and all("settlement" in o.duty for o in settlement)
    fy2023 = client.get(reverse("dashboard"), {"as_of": AS_OF, "q": "정산서 2023"}).context["obligations"]
    assert fy2023 and all("settlement" in o.duty and 2023 in (o.fiscal_year, o.due_date.year) for o in fy2023)
    by_title = client.get(reverse("dashboard"), {"as_of": AS_OF, "q": "주요사업계획"}).context["obligations"]
    assert by_title and all("주요사업계획" in o.document.title for o in by_title)
    nothing = client.get(reverse("dashboard"), {"as_of": AS_OF, "q": "no such synthetic words"})
    assert nothing.status_code == 200 and not nothing.context["obligations"]


def test_the_year_due_is_not_the_fiscal_year(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF, "due_year": "2023"})
    shown = response.context["obligations"]
    assert shown and all(o.due_date.year == 2023 for o in shown)
    assert any(o.fiscal_year != 2023 for o in shown)  # e.g. the FY2024 plan, due 31 July 2023
    # The as-of year comes first among the choices.
    assert [value for value, _ in response.context["form"].fields["due_year"].choices][:2] == ["", 2024]
    refused = client.get(reverse("dashboard"), {"as_of": AS_OF, "due_year": "1990"})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("due", lambda o: o.due_date),
        ("-due", lambda o: -o.due_date.toordinal()),
        ("fiscal_year", lambda o: -o.fiscal_year),
        ("-fiscal_year", lambda o: o.fiscal_year),
        ("duty", lambda o: o.spec.ordering),
    ],
)
def test_the_table_sorts(client, seed, council_user, sort, key):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF, "sort": sort})
    shown = response.context["obligations"]
    assert len(shown) > 10 and [key(o) for o in shown] == sorted(key(o) for o in shown)
    html = response.content.decode()
    assert "aria-sort=" in html and re.search(r'href="/\?[^"]*sort=', html)


def test_an_unknown_sort_is_a_clear_400(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF, "sort": "password"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Sort by" in response.content.decode()


def test_the_summary_is_compact(client, seed, council_user):
    client.force_login(council_user)
    response = client.get(reverse("dashboard"), {"as_of": AS_OF})
    html = response.content.decode()
    assert 'class="app-status-summary app-status-summary--compact"' in html
    # Cards of statuses nobody has are hidden (CSS), the current filter's card never.
    zero = [code for code, _label, n in response.context["counts"] if not n]
    assert "due_soon" in zero and html.count('class="app-status-summary__zero"') == len(zero)
    html = client.get(reverse("dashboard"), {"as_of": AS_OF, "status": "due_soon"}).content.decode()
    assert html.count('class="app-status-summary__zero"') == len(zero) - 1


def test_query_counts_stay_flat_as_obligations_grow(client, seed, council_user, django_assert_max_num_queries):
    client.force_login(council_user)
    query = {"as_of": AS_OF, "q": "plan", "due_year": "2024", "sort": "-due"}
    client.get(reverse("dashboard"), query)  # warm the session
    _add_synthetic_forwarded_plans(5, 0)
    with CaptureQueriesContext(connection) as small:
        first = client.get(reverse("dashboard"), query)
    assert len(rows(first.content.decode())) >= 5
    _add_synthetic_forwarded_plans(80, 5)
    with django_assert_max_num_queries(len(small)):
        response = client.get(reverse("dashboard"), query)
    assert len(rows(response.content.decode())) == 50  # one page of the 85 + the seed's


def test_the_what_if_view_searches_and_sorts_the_same_way(client, seed, council_user):
    client.force_login(council_user)
    query = {"as_of": AS_OF, "what_if": "1", "q": "정산서", "sort": "-due", "due_year": "2024"}
    response = client.get(reverse("dashboard"), query)
    assert response.status_code == 200 and response.context["what_if"]
    shown = response.context["obligations"]
    assert shown and all("settlement" in o.duty and o.due_date.year == 2024 for o in shown)
    assert [o.due_date for o in shown] == sorted((o.due_date for o in shown), reverse=True)
    late = client.get(reverse("dashboard"), {**query, "status": "any_late", "q": ""}).context["obligations"]
    assert all(o.status in ("overdue", "late") for o in late)
    assert response.context["tasks"] is None  # the task list is about the law in force
