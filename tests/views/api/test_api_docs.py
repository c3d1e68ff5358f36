"""/api/docs/ (issue 24): a page of the site written from the OpenAPI schema, in the
reader's language, with a quick start, an example for each resource and no padlock."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_docs_are_a_page_of_the_site_in_the_readers_language(client, seed):
    html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert '<html lang="ko">' in html and 'id="krds-header"' in html
    assert "빠른 시작" in html and "특정일 기준 의무와 이행 상태" in html
    assert "swagger" not in html.lower()
    english = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in english and "Quick start" in english


def test_the_quick_start_names_the_base_address_paging_and_the_token_page(client, seed):
    html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="api-base">http://testserver/api/v1/<' in html
    assert "curl" in html and "page_size" in html and 'href="/account/api-tokens/"' in html


def test_every_resource_of_the_schema_has_an_example(client, seed):
    from drf_spectacular.generators import SchemaGenerator

    paths = list(SchemaGenerator().get_schema(request=None, public=True)["paths"])
    html = client.get("/api/docs/").content.decode()
    documented = re.findall(r'data-path="([^"]+)"', html)
    assert sorted(documented) == sorted(paths) and len(paths) >= 8
    assert html.count('data-testid="example-') == len(paths)


def test_no_padlock_anonymous_endpoints_say_so(client, seed):
    html = client.get("/api/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "🔒" not in html and "padlock" not in html.lower() and "authorize" not in html.lower()
    assert html.count("No sign-in needed") == html.count("data-path=")
