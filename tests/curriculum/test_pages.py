"""Curriculum pages: who reads which version, who edits, and what a used version refuses."""

from decimal import Decimal

import pytest
from django.urls import reverse

from cohorts.models import Cohort, LecturerAssignment, SupervisorAssignment
from curriculum.models import CurriculumVersion, Module, Period, ReviewMoment
from tests.factories import CohortFactory, make_programme

pytestmark = pytest.mark.django_db


def page(client, user, name, *args, **kwargs):
    client.force_login(user)
    return client.get(reverse(name, args=args), **kwargs)


def test_anonymous_visitor_is_sent_to_login(client, version):
    response = client.get(reverse("curriculum:version", args=[version.uuid]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_student_reads_their_cohorts_version_with_year_totals(client, student, version):
    response = page(client, student, "curriculum:version", version.uuid)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Onderwijseenheid M1" in html
    assert "10,0 van 30,0 EC verwacht" in html or "10.0 van 30.0 EC verwacht" in html
    assert "Bewerken" not in html


def test_student_with_one_version_goes_straight_to_it(client, student, version):
    response = page(client, student, "curriculum:versions")
    assert response.status_code == 302
    assert response["Location"] == reverse("curriculum:version", args=[version.uuid])


def test_student_gets_404_for_another_cohorts_version_and_for_drafts(
    client, student, version, draft
):
    other = make_programme(name="2026")
    CohortFactory(name="2026–2028", curriculum_version=other)
    assert page(client, student, "curriculum:version", other.uuid).status_code == 404
    assert page(client, student, "curriculum:version", draft.uuid).status_code == 404
    module = Module.objects.filter(period__year__version=other).first()
    assert page(client, student, "curriculum:module", module.uuid).status_code == 404


def test_lecturer_and_supervisor_read_their_cohorts_version_but_not_drafts(
    client, lecturer, supervisor, version, draft, cohort, student
):
    assert page(client, lecturer, "curriculum:version", version.uuid).status_code == 404
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    SupervisorAssignment.objects.create(enrolment=student.enrolments.get(), supervisor=supervisor)
    for person in (lecturer, supervisor):
        assert page(client, person, "curriculum:version", version.uuid).status_code == 200
        assert page(client, person, "curriculum:version", draft.uuid).status_code == 404


def test_person_without_a_role_sees_no_version(client, outsider, version):
    assert page(client, outsider, "curriculum:version", version.uuid).status_code == 404
    response = page(client, outsider, "curriculum:versions")
    assert "Er is nog geen curriculum" in response.content.decode()


def test_module_page_shows_hours_targets_and_outcomes(client, student, version):
    module = Module.objects.filter(period__year__version=version).first()
    module.learning_outcomes_nl = "Contracteert met opdrachtgever\nReflecteert op eigen rol"
    module.save()
    html = page(client, student, "curriculum:module", module.uuid).content.decode()
    assert "140 uur studiebelasting" in html
    assert "Reflecteert op eigen rol" in html
    assert "IC1" in html


def test_module_page_reads_english_for_english_users(client, student, version):
    student.preferred_language = "en"
    student.save()
    module = Module.objects.filter(period__year__version=version).first()
    html = page(client, student, "curriculum:module", module.uuid).content.decode()
    assert f"Module {module.code}" in html
    assert "140 hours of study load" in html


def test_year_total_warning_when_credits_are_off(client, programme_admin, draft):
    html = page(client, programme_admin, "curriculum:version", draft.uuid).content.decode()
    assert "Controleer de studiepunten" in html


def test_admin_edits_a_module_of_a_draft(client, programme_admin, draft):
    module = Module.objects.filter(period__year__version=draft).first()
    client.force_login(programme_admin)
    url = reverse("curriculum:module_edit", args=[module.uuid])
    assert client.get(url).status_code == 200
    data = {
        "period": module.period.pk,
        "code": "OC9",
        "title_nl": "Organisatiediagnose",
        "title_en": "Organisational diagnosis",
        "ec": "7.5",
        "assessment_form": "written",
        "position": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.code, module.ec, module.title_en) == (
        "OC9",
        Decimal("7.5"),
        "Organisational diagnosis",
    )


def test_bad_module_input_gets_a_dutch_message_and_saves_nothing(client, programme_admin, draft):
    period = Period.objects.filter(year__version=draft).first()
    client.force_login(programme_admin)
    response = client.post(
        reverse("curriculum:module_create", args=[draft.uuid]),
        {"period": period.pk, "code": "M1", "title_nl": "", "ec": "-1", "assessment_form": "x"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dit veld is verplicht" in html
    assert "Een andere onderwijseenheid van deze versie heeft deze code" in html
    assert Module.objects.filter(period__year__version=draft).count() == 2


def test_used_version_refuses_edits_with_the_reason(client, programme_admin, version):
    module = Module.objects.filter(period__year__version=version).first()
    client.force_login(programme_admin)
    url = reverse("curriculum:module_edit", args=[module.uuid])
    response = client.post(url, {"code": "X", "title_nl": "x", "title_en": "x"}, follow=True)
    html = response.content.decode()
    assert "2025–2027 volgt deze versie" in html
    module.refresh_from_db()
    assert module.code == "M1"
    delete = client.post(reverse("curriculum:module_delete", args=[module.uuid]), follow=True)
    assert "volgt deze versie" in delete.content.decode()
    assert Module.objects.filter(pk=module.pk).exists()


def test_only_administrators_edit(client, lecturer, student, draft, version):
    module = Module.objects.filter(period__year__version=version).first()
    for person in (lecturer, student):
        client.force_login(person)
        assert client.get(reverse("curriculum:module_edit", args=[module.uuid])).status_code == 403
        response = client.post(reverse("curriculum:module_delete", args=[module.uuid]))
        assert response.status_code == 403
    assert Module.objects.filter(pk=module.pk).exists()


def test_delete_needs_post(client, programme_admin, draft):
    module = Module.objects.filter(period__year__version=draft).first()
    client.force_login(programme_admin)
    assert client.get(reverse("curriculum:module_delete", args=[module.uuid])).status_code == 405
    assert client.post(reverse("curriculum:module_delete", args=[module.uuid])).status_code == 302
    assert not Module.objects.filter(pk=module.pk).exists()


def test_period_with_modules_cannot_be_deleted(client, programme_admin, draft):
    period = Period.objects.filter(year__version=draft).first()
    client.force_login(programme_admin)
    response = client.post(reverse("curriculum:period_delete", args=[period.uuid]), follow=True)
    assert "Verplaats of verwijder eerst" in response.content.decode()
    assert Period.objects.filter(pk=period.pk).exists()


def test_admin_adds_a_period_and_a_review_moment(client, programme_admin, draft):
    client.force_login(programme_admin)
    year = draft.years.get(number=2)
    response = client.post(
        reverse("curriculum:period_create", args=[draft.uuid]),
        {"year": year.pk, "number": 1, "name_nl": "Blok 5", "name_en": "Period 5"},
    )
    assert response.status_code == 302
    assert Period.objects.filter(year=year, name_en="Period 5").exists()
    response = client.post(
        reverse("curriculum:review_moment_create", args=[draft.uuid]),
        {
            "code": "thesis-defence",
            "name_nl": "Verdediging",
            "name_en": "Defence",
            "year": 2,
            "offset_months": 22,
            "min_examiners": 1,
            "decisive": "on",
            "position": 3,
        },
    )
    assert response.status_code == 400
    assert "minstens twee examinatoren" in response.content.decode()
    assert not ReviewMoment.objects.filter(version=draft, code="thesis-defence").exists()


def test_status_moves_draft_to_active_and_a_used_version_never_back(
    client, programme_admin, draft, version
):
    client.force_login(programme_admin)
    client.post(reverse("curriculum:version_status", args=[draft.uuid]), {"status": "active"})
    draft.refresh_from_db()
    assert draft.status == CurriculumVersion.Status.ACTIVE
    response = client.post(
        reverse("curriculum:version_status", args=[version.uuid]), {"status": "draft"}, follow=True
    )
    assert "volgt deze versie" in response.content.decode()
    version.refresh_from_db()
    assert version.status == CurriculumVersion.Status.ACTIVE


def test_version_settings_change_name_and_year_targets(client, programme_admin, draft):
    client.force_login(programme_admin)
    response = client.post(
        reverse("curriculum:version_settings", args=[draft.uuid]),
        {"name": "2027-bis", "ec_year_1": "10", "ec_year_2": "30"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "2027-bis"
    overview = draft.year_overview()
    assert overview[0]["ok"] is True


def _grow(version, modules: int) -> None:
    period = Period.objects.filter(year__version=version).first()
    Module.objects.bulk_create(
        Module(
            period=period, code=f"X{n}", title_nl="x", title_en="x", ec=1, assessment_form="oral"
        )
        for n in range(modules)
    )


def test_version_page_query_count_does_not_grow_with_modules(
    client, programme_admin, version, django_assert_num_queries
):
    client.force_login(programme_admin)
    url = reverse("curriculum:version", args=[version.uuid])
    client.get(url)
    with django_assert_num_queries(10) as small:
        client.get(url)
    _grow(version, 30)
    Cohort.objects.update()
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def test_version_list_is_paginated_with_constant_queries(
    client, programme_admin, version, django_assert_num_queries
):
    from tests.factories import CurriculumVersionFactory

    client.force_login(programme_admin)
    url = reverse("curriculum:versions")
    client.get(url)
    with django_assert_num_queries(6):
        client.get(url)
    for n in range(30):
        CurriculumVersionFactory(programme=version.programme, name=f"v{n}")
    with django_assert_num_queries(6):
        first = client.get(url)
    assert len(first.context["versions"]) == 25
    assert "Pagina 1 van 2" in first.content.decode()
    second = client.get(url, {"page": 2})
    assert len(second.context["versions"]) == 6
