"""The public privacy and accessibility statements (both languages, footer links on every
page), one's own data page, the page per person, retention rules and the run log."""

import datetime
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext

from coachmaster.privacy import services
from coachmaster.privacy.models import ErasureRequest, RetentionRule, RetentionRun
from tests.factories import StudentFactory

PUBLIC = ["privacy:statement", "privacy:accessibility"]
ADMIN_PAGES = ["privacy:rules", "privacy:runs", "privacy:erasure_list"]


@pytest.mark.parametrize("name", PUBLIC)
def test_the_statements_are_public_in_dutch_by_default(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl">' in page and page.count("<h1") == 1


@pytest.mark.parametrize("name", PUBLIC)
def test_the_statements_are_public_in_english(client, db, name):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse(name)).content.decode()
    assert '<html lang="en">' in page


def test_the_privacy_statement_renders_the_retention_rules_in_the_page_language(client, db):
    rule = RetentionRule.objects.get(category="assessed_work")
    dutch = client.get(reverse("privacy:statement")).content.decode()
    assert escape(rule.explanation_nl) in dutch and escape(rule.explanation_en) not in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("privacy:statement")).content.decode()
    assert escape(rule.explanation_en) in english
    assert gettext("Assessed work and its assessment") in english


def test_the_statements_show_the_contact_address_from_the_settings(client, db, settings):
    settings.PRIVACY_CONTACT_EMAIL = "fg@uni.example"
    settings.PRIVACY_PROCESSORS = ["Hosting BV (Amsterdam)"]
    statement = client.get(reverse("privacy:statement")).content.decode()
    assert "mailto:fg@uni.example" in statement and "Hosting BV (Amsterdam)" in statement
    accessibility = client.get(reverse("privacy:accessibility")).content.decode()
    assert "mailto:fg@uni.example" in accessibility
    assert "WCAG 2.1" in accessibility and "PDF/A-3b" in accessibility


def test_a_changed_rule_shows_on_the_statement(client, programme_admin):
    rule = RetentionRule.objects.get(category="learning_log")
    rule.explanation_nl = "Een nieuwe uitleg."
    services.save_rule(rule=rule, by=programme_admin)
    assert "Een nieuwe uitleg." in client.get(reverse("privacy:statement")).content.decode()


@pytest.mark.parametrize("name", PUBLIC)
def test_the_statements_answer_only_get(client, db, name):
    assert client.post(reverse(name)).status_code == 405


def test_every_page_links_to_both_statements_in_its_footer(client, student):
    for response in (
        client.get(reverse("account_login")),
        client.get(reverse("privacy:statement")),
    ):
        footer = response.content.decode().split("<footer", 1)[1]
        assert reverse("privacy:statement") in footer
        assert reverse("privacy:accessibility") in footer
        assert reverse("privacy:mine") not in footer
    client.force_login(student)
    footer = client.get(reverse("privacy:mine")).content.decode().split("<footer", 1)[1]
    assert reverse("privacy:mine") in footer and reverse("privacy:rules") not in footer


def test_staff_without_mfa_can_still_read_the_statements(client, lecturer, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(lecturer)
    for name in PUBLIC:
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", ["student", "lecturer", "supervisor", "programme_admin"])
def test_everyone_logged_in_has_a_page_with_their_data(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("privacy:mine"))
    assert response.status_code == 200
    assert reverse("privacy:export_request") in response.content.decode()


def test_the_page_per_person_is_for_administrators(client, request, student, programme_admin):
    url = reverse("privacy:person", args=[student.uuid])
    assert client.get(url).status_code == 302
    for role in ("student", "student2", "lecturer", "supervisor", "outsider"):
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == 403
        assert (
            client.post(reverse("privacy:person_erasure", args=[student.uuid])).status_code == 403
        )
    client.force_login(programme_admin)
    page = client.get(url)
    assert page.status_code == 200
    assert escape(student.get_full_name()) in page.content.decode()
    unknown = reverse("privacy:person", args=[uuid.uuid4()])
    assert client.get(unknown).status_code == 404
    assert client.post(url).status_code == 405
    assert client.get(reverse("privacy:person_export", args=[student.uuid])).status_code == 405


def test_the_enrolment_page_links_administrators_to_the_person(client, programme_admin, student):
    enrolment = student.enrolments.get()
    client.force_login(programme_admin)
    page = client.get(reverse("cohorts:enrolment", args=[enrolment.uuid])).content.decode()
    assert reverse("privacy:person", args=[student.uuid]) in page


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_administration_pages_refuse_everyone_else(client, request, name):
    assert client.get(reverse(name)).status_code == 302
    for role in ("student", "lecturer", "supervisor", "outsider"):
        client.force_login(request.getfixturevalue(role))
        assert client.get(reverse(name)).status_code == 403
    client.force_login(request.getfixturevalue("programme_admin"))
    assert client.get(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


def test_an_administrator_changes_a_rule(client, programme_admin):
    client.force_login(programme_admin)
    url = reverse("privacy:rule_edit", args=["learning_log"])
    assert client.get(url).status_code == 200
    rule = RetentionRule.objects.get(category="learning_log")
    response = client.post(
        url,
        {
            "years": 2,
            "months": 6,
            "clock": "last_login",
            "action": "delete",
            "explanation_nl": rule.explanation_nl,
            "explanation_en": rule.explanation_en,
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.years, rule.months, rule.clock, rule.action) == (2, 6, "last_login", "delete")
    assert rule.updated_by == programme_admin


def test_less_than_seven_years_for_assessed_work_is_refused(client, programme_admin):
    client.force_login(programme_admin)
    rule = RetentionRule.objects.get(category="assessed_work")
    response = client.post(
        reverse("privacy:rule_edit", args=["assessed_work"]),
        {
            "years": 6,
            "months": 11,
            "clock": "assessment_released",
            "action": "delete",
            "explanation_nl": rule.explanation_nl,
            "explanation_en": rule.explanation_en,
        },
    )
    assert response.status_code == 200
    message = gettext(
        "The law asks to keep this for at least %(years)s years: a shorter period is not allowed."
    ) % {"years": 7}
    assert escape(message) in response.content.decode()
    rule.refresh_from_db()
    assert rule.years == 7


def test_the_service_refuses_a_short_period_and_a_foreign_action_too(programme_admin):
    rule = RetentionRule.objects.get(category="assessed_work")
    rule.years = 1
    with pytest.raises(services.ValidationError):
        services.save_rule(rule=rule, by=programme_admin)
    rule = RetentionRule.objects.get(category="thesis_records")
    rule.action = "delete"
    with pytest.raises(services.ValidationError):
        services.save_rule(rule=rule, by=programme_admin)
    rule = RetentionRule.objects.get(category="assessed_work")
    rule.kept_on_erasure = False
    with pytest.raises(services.ValidationError):
        services.save_rule(rule=rule, by=programme_admin)


def test_rule_editing_is_for_administrators_only(client, request, programme_admin):
    url = reverse("privacy:rule_edit", args=["learning_log"])
    for role in ("student", "lecturer", "supervisor"):
        client.force_login(request.getfixturevalue(role))
        assert client.get(url).status_code == 403
        assert client.post(url, {"years": 0, "months": 1}).status_code == 403
    client.force_login(programme_admin)
    assert client.get(reverse("privacy:rule_edit", args=["nonsense"])).status_code == 404
    assert client.delete(url).status_code == 405


def _runs(count: int) -> None:
    now = timezone.now()
    RetentionRun.objects.bulk_create(
        RetentionRun(
            run="00000000-0000-0000-0000-000000000001",
            category="learning_log",
            action="anonymise",
            source="schedule",
            today=datetime.date(2025, 1, 1),
            cutoff=datetime.date(2024, 1, 1),
            affected=n,
            started_at=now,
        )
        for n in range(count)
    )


def _requests(count: int, admin) -> None:
    for student in StudentFactory.create_batch(count):
        services.request_erasure(subject=student, by=admin)


@pytest.mark.parametrize("size", [2, 30])
def test_the_run_log_has_a_fixed_number_of_queries(
    client, programme_admin, size, django_assert_max_num_queries
):
    _runs(size)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("privacy:runs"))
    assert response.content.decode().count("<tr>") == size + 1


@pytest.mark.parametrize("size", [2, 20])
def test_the_erasure_list_has_a_fixed_number_of_queries(
    client, programme_admin, size, django_assert_max_num_queries
):
    _requests(size, programme_admin)
    client.force_login(programme_admin)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("privacy:erasure_list"))
    assert response.content.decode().count("<tr>") == size + 1
    assert ErasureRequest.objects.count() == size


@pytest.mark.parametrize("size", [1, 8])
def test_the_page_per_person_has_a_fixed_number_of_queries(
    client, programme_admin, student, size, django_assert_max_num_queries
):
    for _ in range(size):
        job = services.request_export(subject=student, by=programme_admin)
        job.status = "done"
        job.save()
    client.force_login(programme_admin)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("privacy:person", args=[student.uuid])).status_code == 200


def test_the_rules_page_shows_every_rule(client, programme_admin):
    client.force_login(programme_admin)
    page = client.get(reverse("privacy:rules")).content.decode()
    for rule in RetentionRule.objects.all():
        assert reverse("privacy:rule_edit", args=[rule.category]) in page
