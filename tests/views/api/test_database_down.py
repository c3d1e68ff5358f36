"""With the database down, the read API still answers problem details (RFC 9457), a 503
with Retry-After in the caller's language, never Django's HTML error page.

The database is really unreachable: the connection is pointed at a port where nothing
listens and closed, so the next query opens a new connection and fails.
"""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down():
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict["PORT"] = saved


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_api_answers_problem_details_while_the_database_is_down(client, database_down, language):
    response = client.get("/api/v1/duty-rules/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["status"] == 503
    expected = {
        "ko": "데이터베이스가 지금 응답하지 않습니다",
        "en": "The register's database does not answer right now",
    }[language]
    assert expected in body["detail"]


def test_health_says_error_while_the_database_is_down(client, database_down):
    response = client.get("/health/")
    assert response.status_code == 503 and response.json()["database"].startswith("error")
