"""Alert and digest e-mails in Korean and English: subject, text and HTML from templates."""

import datetime

import pytest

from compliance import alert_text, emails, register
from compliance.models import AlertPreference, AlertStage

from .test_alerts import eager, scan  # noqa: F401 (fixture)


def alert_email(stage_code, as_of, language):
    obligation = next(o for o in register.load().obligations(as_of) if o.key == "results_to_mayor-2026")
    stage = AlertStage.objects.get(duty_rule=None, code=stage_code)
    context = {
        "user": type("U", (), {"get_full_name": lambda self: "TEST 사용자", "get_username": lambda self: "test"})(),
        "stage": stage,
        "as_of": as_of,
        "obligation": alert_text.obligation_context(obligation, as_of, language),
        "title": alert_text.alert_title(obligation, stage, as_of, language),
        "inbox_url": "https://wego.example.invalid/alerts/",
        "preferences_url": "https://wego.example.invalid/alerts/preferences/",
    }
    return emails.render_email("alert", context, language)


@pytest.mark.django_db
def test_reminder_in_korean_names_the_duty_the_due_date_and_its_derivation(seed, settings):
    settings.WEGO_SITE_URL = "https://wego.example.invalid"
    subject, text, html = alert_email("before-7", datetime.date(2027, 2, 23), "ko")
    assert subject == "[WeGO 제17조] 기한 7일 전: 사업 결과 제출 (사무총장 → 시장) (2026회계연도), 2027. 3. 2.(화)"
    assert "2027. 3. 2.(화)" in text and "기한 산정 근거" in text
    assert "https://wego.example.invalid/obligations/results_to_mayor-2026/" in text
    assert '<html lang="ko">' in html and "디지털정책관" not in subject
    assert "사무총장 → 시장" in html and "&lt;" not in text


@pytest.mark.django_db
def test_escalation_in_english_says_how_late_it_is(seed, live_records, settings):
    settings.WEGO_SITE_URL = "https://wego.example.invalid"
    subject, text, html = alert_email("overdue-7", datetime.date(2027, 3, 9), "en")
    assert subject == "[WeGO Article 17] Overdue by 7 days: Business results to the Mayor (FY 2026), due Tue 2 Mar 2027"
    assert "Due date: Tue 2 Mar 2027" in text
    assert "Status: Overdue" in text
    assert '<html lang="en">' in html and "<li>" in html


@pytest.mark.django_db
def test_html_part_escapes_data(seed, settings):
    from compliance.models import DutyRule

    DutyRule.objects.filter(code="results_to_mayor").update(name_en="Results <script>alert(1)</script>")
    _subject, _text, html = alert_email("due", datetime.date(2027, 3, 2), "en")
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("eager")
def test_digest_lists_overdue_duties_in_each_recipients_language(
    seed, live_records, users, django_capture_on_commit_callbacks, mailoutbox
):
    AlertPreference.objects.create(user=users["digital_policy_officer"], language="en")
    scan(datetime.date(2027, 3, 15), django_capture_on_commit_callbacks)
    [council] = [m for m in mailoutbox if m.to == ["council@example.invalid"] and "X-WeGO-Digest" in m.extra_headers]
    [dpo] = [m for m in mailoutbox if m.to == ["dpo@example.invalid"] and "X-WeGO-Digest" in m.extra_headers]
    assert council.subject.startswith("[WeGO 제17조] 요약: 기한 경과 또는 지연 의무 ")
    assert "기한 경과 또는 지연 (사유 미기재)" in council.body and "사업계획서 제출" in council.body
    assert dpo.subject.startswith("[WeGO Article 17] Digest: ")
    assert "Business plan to the Mayor (FY 2027)" in dpo.body
    html, mimetype = council.alternatives[0]
    assert mimetype == "text/html" and '<html lang="ko">' in html and "<ul>" in html
