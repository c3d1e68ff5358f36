"""Every URL of the project × every role (and the anonymous visitor): the expected status.

The test walks the URL resolver, so a new view fails here until its row is added to
EXPECTED: a view without a permission check cannot slip in. Django admin URLs follow
one rule: only the administrator gets in; everyone else is sent to the admin login.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import URLResolver, get_resolver, reverse

from compliance import register, services
from compliance.dataio.uploads import validate_upload
from compliance.models import DocumentFile, PacketBuild, RecordCoverage
from compliance.services import translog
from compliance.storage import store_bytes
from tests import workflow_samples as samples
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "no_role", "council_staff", "wego_secretariat", "digital_policy_officer", "admin"]
LOGIN = 302  # anonymous: redirected to the login page


def row(anonymous, no_role, council, wego, dpo, admin):
    return dict(zip(ROLES, (anonymous, no_role, council, wego, dpo, admin), strict=True))


# GET status per URL name and role.
EXPECTED = {
    "set_language": row(302, 302, 302, 302, 302, 302),  # GET changes nothing, redirects back
    "login": row(200, 200, 200, 200, 200, 200),
    "logout": row(405, 405, 405, 405, 405, 405),  # POST only
    "dashboard": row(LOGIN, 403, 200, 200, 200, 200),
    "obligation_detail": row(LOGIN, 403, 200, 200, 200, 200),
    "provisions": row(LOGIN, 403, 200, 200, 200, 200),
    # What the records cover (issue 10): everyone reads it, the city keeps it.
    "coverage_list": row(LOGIN, 403, 200, 200, 200, 200),
    "coverage_new": row(LOGIN, 403, 403, 403, 200, 200),
    "coverage_edit": row(LOGIN, 403, 403, 403, 200, 200),
    "submission_list": row(LOGIN, 403, 200, 200, 200, 200),
    "submission_new": row(LOGIN, 403, 403, 200, 403, 403),
    "submission_detail": row(LOGIN, 403, 200, 200, 200, 200),
    "submission_receipt": row(LOGIN, 403, 200, 200, 200, 200),
    "file_download": row(LOGIN, 403, 200, 200, 200, 200),
    "inbox": row(LOGIN, 403, 403, 403, 200, 200),
    "forwarding_list": row(LOGIN, 403, 200, 200, 200, 200),
    "forwarding_new": row(LOGIN, 403, 403, 403, 200, 200),
    "committee_report_new": row(LOGIN, 403, 403, 403, 200, 200),
    "delay_reason_new": row(LOGIN, 403, 403, 403, 200, 200),
    "evaluation_list": row(LOGIN, 403, 200, 403, 200, 200),
    "evaluation_new": row(LOGIN, 403, 403, 403, 200, 200),
    "inspection_new": row(LOGIN, 403, 403, 403, 200, 200),
    "audit_log": row(LOGIN, 403, 200, 403, 200, 200),
    "audit_export": row(LOGIN, 403, 200, 403, 200, 200),
    "packet_list": row(LOGIN, 403, 200, 403, 200, 200),
    "packet_create": row(LOGIN, 405, 405, 405, 405, 405),  # POST only
    "packet_detail": row(LOGIN, 403, 200, 403, 200, 200),
    "packet_download": row(LOGIN, 403, 200, 403, 200, 200),
    "packet_retry": row(LOGIN, 405, 405, 405, 405, 405),  # POST only
    # Import/export and funding (issue 6): every role exports, the DPO and admins import.
    "funding": row(LOGIN, 403, 200, 200, 200, 200),
    "data": row(LOGIN, 403, 200, 200, 200, 200),
    "export_records": row(LOGIN, 403, 200, 200, 200, 200),
    "import_records": row(LOGIN, 403, 403, 403, 200, 200),
    "import_job": row(LOGIN, 403, 403, 403, 404, 404),  # one's own jobs only (none here)
    # Alerts (issue 4): everyone's own inbox and preferences; the calendar feed is
    # authorised by its secret token alone (a wrong one is 404); health is public JSON.
    "alerts_inbox": row(LOGIN, 200, 200, 200, 200, 200),
    "alerts_mark_read": row(LOGIN, 405, 405, 405, 405, 405),  # POST only
    "alerts_preferences": row(LOGIN, 200, 200, 200, 200, 200),
    "alerts_calendar_token": row(LOGIN, 405, 405, 405, 405, 405),  # POST only
    "alerts_calendar_feed": row(404, 404, 404, 404, 404, 404),
    "health": row(200, 200, 200, 200, 200, 200),
    # The open register (issue 12): public to all; the API answers everyone, in the scope
    # of the caller (test_api_*); the calculator without a duty is a 400. Files are public
    # only when marked (the sample file is not: 404). Tokens are made by users with a role.
    "api_schema": row(200, 200, 200, 200, 200, 200),
    "api_docs": row(200, 200, 200, 200, 200, 200),
    "api_obligations": row(200, 200, 200, 200, 200, 200),
    "api_obligation": row(200, 200, 200, 200, 200, 200),
    "api_documents": row(200, 200, 200, 200, 200, 200),
    "api_forwardings": row(200, 200, 200, 200, 200, 200),
    "api_committee_reports": row(200, 200, 200, 200, 200, 200),
    "api_provisions": row(200, 200, 200, 200, 200, 200),
    "api_duty_rules": row(200, 200, 200, 200, 200, 200),
    "api_funding": row(200, 200, 200, 200, 200, 200),
    "api_calculate": row(400, 400, 400, 400, 400, 400),
    "api_not_found": row(404, 404, 404, 404, 404, 404),  # any other /api/ address
    "public_register": row(200, 200, 200, 200, 200, 200),
    "public_file": row(404, 404, 404, 404, 404, 404),
    "public_feed": row(200, 200, 200, 200, 200, 200),
    "public_calendar": row(200, 200, 200, 200, 200, 200),
    "user_feed": row(404, 404, 404, 404, 404, 404),
    "calculator": row(200, 200, 200, 200, 200, 200),
    "calculator_assumptions": row(200, 200, 200, 200, 200, 200),
    "api_tokens": row(LOGIN, 403, 200, 200, 200, 200),
    "api_token_revoke": row(LOGIN, 403, 405, 405, 405, 405),  # POST only
    "file_publish": row(LOGIN, 403, 403, 403, 405, 405),  # POST only, the DPO and admins
    # The review loop (issue 13): everyone with a role reads the threads; the Digital
    # Policy Officer and admins record outcomes; WeGO and the city comment; only the city
    # reads who downloaded what.
    "review_list": row(LOGIN, 403, 200, 200, 200, 200),
    "document_review": row(LOGIN, 403, 200, 200, 200, 200),
    "review_outcome_new": row(LOGIN, 403, 403, 403, 405, 405),  # POST only
    "review_comment_new": row(LOGIN, 403, 403, 405, 405, 405),  # POST only
    "document_read_log": row(LOGIN, 403, 403, 403, 200, 200),
    # Agreed extensions (issue 22): the Digital Policy Officer and admins record and withdraw them.
    "extension_new": row(LOGIN, 403, 403, 403, 200, 200),
    "extension_withdraw": row(LOGIN, 403, 403, 403, 404, 404),  # no extension has the sample id
    # The compliance record (issue 23): every role reads it; the annual report (POST) is
    # for council staff, the Digital Policy Officer and admins; the public page, its feed
    # and open data are open to all; the API answers everyone in the caller's scope.
    "performance": row(LOGIN, 403, 200, 200, 200, 200),
    "performance_feed": row(LOGIN, 403, 200, 200, 200, 200),
    "performance_report": row(LOGIN, 403, 405, 403, 405, 405),  # POST only
    "public_performance": row(200, 200, 200, 200, 200, 200),
    "public_performance_feed": row(200, 200, 200, 200, 200, 200),
    "public_performance_csv": row(200, 200, 200, 200, 200, 200),
    "public_performance_json": row(200, 200, 200, 200, 200, 200),
    "public_performance_datapackage": row(200, 200, 200, 200, 200, 200),
    "api_statistics": row(200, 200, 200, 200, 200, 200),
    # The transparency log (issue 27): public to everyone, read only.
    "public_log": row(200, 200, 200, 200, 200, 200),
    "public_log_verify": row(200, 200, 200, 200, 200, 200),
    "public_log_head": row(200, 200, 200, 200, 200, 200),
    "public_log_key": row(200, 200, 200, 200, 200, 200),
    "public_log_key_by_id": row(200, 200, 200, 200, 200, 200),
    "public_log_entries": row(200, 200, 200, 200, 200, 200),
    "public_log_proof": row(400, 400, 400, 400, 400, 400),  # which leaf? (index or hash)
    "public_log_consistency": row(400, 400, 400, 400, 400, 400),  # between which sizes?
    "public_log_verifier": row(200, 200, 200, 200, 200, 200),
}

# POST with an empty form: allowed roles reach validation (400), others never do.
EXPECTED_POST = {
    "coverage_new": row(LOGIN, 403, 403, 403, 400, 400),
    "submission_new": row(LOGIN, 403, 403, 400, 403, 403),
    "forwarding_new": row(LOGIN, 403, 403, 403, 400, 400),
    "committee_report_new": row(LOGIN, 403, 403, 403, 400, 400),
    "delay_reason_new": row(LOGIN, 403, 403, 403, 400, 400),
    "evaluation_new": row(LOGIN, 403, 403, 403, 400, 400),
    "inspection_new": row(LOGIN, 403, 403, 403, 400, 400),
    "packet_create": row(LOGIN, 403, 403, 403, 400, 400),
    "import_records": row(LOGIN, 403, 403, 403, 400, 400),
    "alerts_preferences": row(LOGIN, 400, 400, 400, 400, 400),
    "alerts_calendar_token": row(LOGIN, 400, 400, 400, 400, 400),
    "api_tokens": row(LOGIN, 403, 400, 400, 400, 400),
}
# POST to URLs that name a record (the sample file, a token that is not the caller's).
EXPECTED_POST_RECORD = {
    "file_publish": row(LOGIN, 403, 403, 403, 400, 400),  # no action given: 400
    "api_token_revoke": row(LOGIN, 403, 404, 404, 404, 404),  # nobody's token
    "review_outcome_new": row(LOGIN, 403, 403, 403, 400, 400),  # the sample document
    "review_comment_new": row(LOGIN, 403, 403, 400, 400, 400),
    "extension_new": row(LOGIN, 403, 403, 403, 400, 400),  # an obligation of the sample receipt
}
# Admin URLs that an administrator gets a non-2xx/3xx for when called without their
# parameters (the autocomplete endpoint needs a model and field).
# The admin's own login form is open to all; its logout sends a non-administrator away.
ADMIN_OPEN = {"admin:login": 200, "admin:logout": 302}
ADMIN_EXCEPTIONS = {
    "admin:autocomplete": 403,
    "admin:view_on_site": 404,
    "admin:None": 404,
    "admin:logout": 405,  # POST only
    "admin:auth_user_password_change": 404,  # no user with id 1 in the test database
    # The audit trail is append-only and files arrive only through the checked upload.
    # Alert deliveries are made by the scan only (issue 4).
    "admin:compliance_alertdelivery_add": 403,
    "admin:compliance_auditentry_add": 403,
    "admin:compliance_auditentry_delete": 403,
    "admin:compliance_documentfile_add": 403,
    "admin:compliance_receiptemail_add": 403,  # recorded with a receipt, never by hand
    "admin:compliance_extension_add": 403,  # recorded on the obligation page or imported (issue 22)
}
# django-import-export's second admin import step takes only the POST of the first (issue 6).
ADMIN_EXCEPTIONS.update(
    {
        f"admin:compliance_{model}_process_import": 405
        for model in (
            "councilsession",
            "holidayoverride",
            "dutyrule",
            "document",
            "committeereport",
            "forwardingitem",
            "fundingyear",
            "seoulsupport",
            "duescollection",
            "recordcoverage",
            "extension",
        )
    }
)


def all_url_patterns():
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                yield from walk(pattern.url_patterns, f"{namespace}:{ns}" if namespace and ns else (ns or namespace))
            else:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def clients(client, seed, users, django_user_model, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    nobody = django_user_model.objects.create_user("nobody", "nobody@example.invalid", PASSWORD)
    accounts = {
        "no_role": nobody,
        "council_staff": users["council_staff"],
        "wego_secretariat": users["wego_secretariat"],
        "digital_policy_officer": users["digital_policy_officer"],
        "admin": users["admin"],
    }
    return accounts


@pytest.fixture
def sample_kwargs(clients):
    spec = services.DocSpec("plan_draft", 2026, "synthetic", [validate_upload("p.pdf", samples.pdf())])
    submission = services.do_receive_submission(by=clients["wego_secretariat"], documents=[spec]).obj
    obligation = register.load().obligations(submission.received_on)[0]
    sha256, size, _ = store_bytes(samples.pdf())
    packet = PacketBuild.objects.create(
        scope="plan",
        fiscal_year=2024,
        as_of=submission.received_on,
        params_key="plan-2024-ko",
        version=1,
        state=PacketBuild.State.DONE,
        sha256=sha256,
        size=size,
        page_count=1,
    )
    head = translog.do_publish_head()  # the log's first signed head
    return {
        "key_id": head.key_id,
        "key": obligation.key,
        "object_id": "1",
        "app_label": "compliance",
        "content_type_id": ContentType.objects.get_for_model(get_user_model()).pk,
        "id": "1",
        "resource": "documents",
        "submission": submission.pk,
        "document": submission.documents.get().pk,
        "file": DocumentFile.objects.get(document__submission=submission).pk,
        "packet": packet.pk,
        "coverage": RecordCoverage.objects.order_by("pk").first().pk,
        "token": "not-a-calendar-token",
    }


def url_for(name, pattern, kwargs):
    if name == "admin:None":
        return "/admin/no-such-page/"  # the admin's unnamed catch-all view
    wanted = {}
    for param in pattern.pattern.regex.groupindex:
        if param == "pk":
            if name in ("file_download", "public_file", "file_publish"):
                wanted[param] = kwargs["file"]
            elif name.startswith("packet_"):
                wanted[param] = kwargs["packet"]
            elif name.startswith("coverage_"):
                wanted[param] = kwargs["coverage"]
            elif name == "api_token_revoke":
                wanted[param] = 999999
            elif name.startswith(("document_", "review_")):
                wanted[param] = kwargs["document"]
            else:
                wanted[param] = kwargs["submission"]
        elif param == "rest":
            wanted[param] = "v1/no-such-resource/"
        else:
            wanted[param] = kwargs[param]
    return reverse(name, kwargs=wanted)


def test_every_url_name_has_an_expected_row():
    names = {name for name, _ in all_url_patterns() if not (name or "").startswith("admin:")}
    unknown = sorted(str(n) for n in names - set(EXPECTED))
    assert not unknown, f"URL names without a row in EXPECTED (add their permission matrix): {unknown}"
    assert None not in names, "every URL pattern needs a name"
    assert set(EXPECTED) <= names, f"rows for URLs that no longer exist: {sorted(set(EXPECTED) - names)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(client, clients, sample_kwargs, role):
    if role != "anonymous":
        client.force_login(clients[role])
    failures = []
    for name, pattern in all_url_patterns():
        url = url_for(name, pattern, sample_kwargs)
        response = client.get(url)
        got = response.status_code
        if name.startswith("admin:"):
            if role == "admin":
                want = ADMIN_EXCEPTIONS.get(name)
                ok = got == want if want else got in (200, 302)
            elif name in ADMIN_OPEN:
                want = ADMIN_OPEN[name]
                ok = got == want
            else:
                want = "302 to admin login"
                ok = got == 302 and "/admin/login/" in response["Location"]
        else:
            want = EXPECTED[name][role]
            ok = got == want
            if ok and role == "anonymous" and want == LOGIN and name != "set_language":
                ok = response["Location"].startswith(reverse("login"))
        if not ok:
            failures.append(f"{name} {url}: got {got}, want {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_every_write_url_refuses_posts_from_other_roles(client, clients, sample_kwargs, role):
    if role != "anonymous":
        client.force_login(clients[role])
    failures = []
    for name, by_role in EXPECTED_POST.items():
        got = client.post(reverse(name), {}).status_code
        if got != by_role[role]:
            failures.append(f"POST {name}: got {got}, want {by_role[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_record_write_urls_refuse_posts_from_other_roles(client, clients, sample_kwargs, role):
    if role != "anonymous":
        client.force_login(clients[role])
    failures = []
    for name, by_role in EXPECTED_POST_RECORD.items():
        pattern = dict(all_url_patterns())[name]
        got = client.post(url_for(name, pattern, sample_kwargs), {}).status_code
        if got != by_role[role]:
            failures.append(f"POST {name}: got {got}, want {by_role[role]}")
    assert not failures, "\n".join(failures)


# The read API: every URL x every method x every role, signed in by session and by a
# personal token. Reads answer everyone (scope differs, see tests/test_api_*); every
# write method is a 405 problem, whoever asks.
API_READ = {
    "api_obligations": 200,
    "api_obligation": 200,
    "api_documents": 200,
    "api_forwardings": 200,
    "api_committee_reports": 200,
    "api_provisions": 200,
    "api_duty_rules": 200,
    "api_funding": 200,
    "api_statistics": 200,
    "api_calculate": 400,  # without a duty
    "api_not_found": 404,
}


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
def test_every_api_url_method_and_role(client, clients, sample_kwargs, role, auth):
    from compliance.services import open_register

    headers = {}
    if role != "anonymous":
        if auth == "session":
            client.force_login(clients[role])
        else:
            secret = open_register.do_create_api_token(by=clients[role], name="matrix")[1]
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    patterns = dict(all_url_patterns())
    assert set(API_READ) == {
        name
        for name in patterns
        if str(name).startswith("api_") and name not in ("api_schema", "api_docs", "api_tokens", "api_token_revoke")
    }
    failures = []
    for name, want in API_READ.items():
        url = url_for(name, patterns[name], sample_kwargs)
        for method in ("get", "head", "options", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, **headers)
            if name == "api_not_found":
                expected = 404  # whatever the method
            else:
                expected = want if method in ("get", "head") else (200 if method == "options" else 405)
            if response.status_code != expected:
                failures.append(f"{method.upper()} {url}: got {response.status_code}, want {expected}")
            elif expected >= 400 and response["Content-Type"] != "application/problem+json":
                failures.append(f"{method.upper()} {url}: {response['Content-Type']} is not problem details")
    assert not failures, "\n".join(failures)


# Control characters in every address (issue 25: `/calendar/%00.ics` and `/feeds/%00.atom`
# reached PostgreSQL and answered 500): refused with a 400 before any view, for everyone.
CONTROL = ["%00", "%01", "%09", "%0A", "%0D", "%1B", "%1F", "%7F", "%C2%85", "%C2%9F"]


@pytest.mark.parametrize("role", ROLES)
def test_control_characters_in_any_address_are_a_400_never_a_500(client, clients, sample_kwargs, role):
    if role != "anonymous":
        client.force_login(clients[role])
    failures = []
    n = 0
    for name, pattern in all_url_patterns():
        url = url_for(name, pattern, sample_kwargs)
        tried = []
        text_params = [p for p in pattern.pattern.regex.groupindex if p not in ("pk", "id", "object_id")]
        for param in text_params:
            value = str(sample_kwargs.get(param, "v1/no-such-resource/" if param == "rest" else ""))
            if value and value in url:
                tried.append(url.replace(value, f"{value[:3]}{CONTROL[n % len(CONTROL)]}{value[3:]}", 1))
                n += 1
        tried.append(f"{url}?q=a{CONTROL[n % len(CONTROL)]}b&page=1")
        tried.append(f"{url}?x{CONTROL[(n + 1) % len(CONTROL)]}=1")
        n += 2
        for address in tried:
            response = client.get(address)
            if response.status_code != 400:
                failures.append(f"{name} {address}: got {response.status_code}, want 400")
            elif address.startswith("/api/") and response["Content-Type"] != "application/problem+json":
                failures.append(f"{name} {address}: {response['Content-Type']} is not problem details")
    for address in ("/calendar/%00.ics", "/feeds/%00.atom", "/obligations/%00/", "/api/v1/obligations/%00/"):
        if client.get(address).status_code != 400:
            failures.append(f"{address}: not a 400")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["wego_secretariat", "digital_policy_officer", "admin"])
def test_a_nul_in_a_posted_form_is_a_400_and_saves_nothing(client, clients, sample_kwargs, role):
    from compliance.models import AuditEntry

    client.force_login(clients[role])
    before = AuditEntry.objects.count()
    failures = []
    for name in [*EXPECTED_POST, *EXPECTED_POST_RECORD]:
        pattern = dict(all_url_patterns())[name]
        url = url_for(name, pattern, sample_kwargs)
        response = client.post(url, {"note": "a\x00b", "name": "x\x00", "reason": "\x00", "decision": "accepted"})
        if response.status_code not in (400, 403, 404):
            failures.append(f"POST {name}: got {response.status_code}")
    assert not failures, "\n".join(failures)
    assert AuditEntry.objects.count() == before
