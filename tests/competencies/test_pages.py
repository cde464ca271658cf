"""Framework browser, curriculum map, targets, versioning and import/export through the pages."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import LecturerAssignment
from competencies import interchange
from competencies.models import Competency, ModuleTarget, ReviewTarget
from curriculum.models import CurriculumVersion, Module
from tests.factories import CohortFactory, make_programme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _cell_url(module, competency):
    return reverse("competencies:map_cell", args=[module.uuid, competency.uuid])


def _first(version):
    module = Module.objects.filter(period__year__version=version).order_by("code").first()
    competency = version.framework.competencies.order_by("code").first()
    return module, competency


# --- reading ------------------------------------------------------------------------------


def test_student_sees_the_targets_of_their_next_review_moment(client, student, version, cohort):
    cohort.start_date = datetime.date.today() - datetime.timedelta(days=30)
    cohort.end_date = cohort.start_date + datetime.timedelta(days=700)
    cohort.save()
    client.force_login(student)
    response = client.get(reverse("competencies:framework", args=[version.framework.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Je volgende beoordelingsmoment: Beoordeling year-1-review" in html
    assert response.context["next_moment"].code == "year-1-review"
    assert [(c.code, level.rank) for c, level in response.context["next_targets"]] == [
        ("IC1", 2),
        ("IC2", 2),
        ("IC3", 2),
    ]


def test_after_the_first_review_the_next_one_is_shown(client, student, version, cohort):
    cohort.start_date = datetime.date.today() - datetime.timedelta(days=400)
    cohort.end_date = cohort.start_date + datetime.timedelta(days=700)
    cohort.save()
    client.force_login(student)
    response = client.get(reverse("competencies:framework", args=[version.framework.uuid]))
    assert response.context["next_moment"].code == "final-portfolio"
    assert {level.rank for _c, level in response.context["next_targets"]} == {3}


def test_student_cannot_read_another_cohorts_framework(client, student, version):
    other = make_programme(name="2026")
    CohortFactory(name="2026–2028", curriculum_version=other)
    client.force_login(student)
    response = client.get(reverse("competencies:framework", args=[other.framework.uuid]))
    assert response.status_code == 404
    competency = other.framework.competencies.first()
    assert (
        client.get(reverse("competencies:competency", args=[competency.uuid])).status_code == 404
    )
    assert client.get(reverse("competencies:map", args=[other.uuid])).status_code == 404


def test_lecturer_reads_the_framework_without_edit_links(client, lecturer, version, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    client.force_login(lecturer)
    html = client.get(
        reverse("competencies:framework", args=[version.framework.uuid])
    ).content.decode()
    assert "IC1" in html
    assert reverse("competencies:competency_create", args=[version.framework.uuid]) not in html
    assert "Je volgende beoordelingsmoment" not in html


def _grow(version, competencies: int, modules: int) -> None:
    """Add competencies with indicators and targets, and modules, to an existing version."""
    bigger = make_programme(competencies=competencies, modules=modules, name="grow")
    framework = version.framework
    profile = framework.profiles.first()
    levels = {level.rank: level for level in framework.levels.all()}
    for competency in bigger.framework.competencies.all():
        indicators = list(competency.indicators.select_related("level"))
        competency.pk = None
        competency.uuid = Competency._meta.get_field("uuid").get_default()
        competency.code = f"G{competency.code}"
        competency.framework, competency.profile = framework, profile
        competency.save()
        for indicator in indicators:
            indicator.pk, indicator.competency = None, competency
            indicator.level = levels[indicator.level.rank]
            indicator.save()
        for moment in version.review_moments.all():
            ReviewTarget.objects.create(
                review_moment=moment, competency=competency, level=levels[2]
            )
    period = version.years.get(number=1).periods.first()
    for module in Module.objects.filter(period__year__version=bigger):
        module.pk = None
        module.uuid = Module._meta.get_field("uuid").get_default()
        module.code = f"G{module.code}"
        module.period = period
        module.save()
        for competency in framework.competencies.all():
            ModuleTarget.objects.create(module=module, competency=competency, level=levels[1])


@pytest.mark.parametrize("who", ["student", "programme_admin"])
def test_framework_browser_queries_do_not_grow_with_the_framework(
    client, request, version, cohort, who, django_assert_num_queries
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("competencies:framework", args=[version.framework.uuid])
    client.get(url)
    expected = {"student": 12, "programme_admin": 10}[who]
    with django_assert_num_queries(expected):
        small = client.get(url)
    _grow(version, competencies=20, modules=12)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert large.context["competency_count"] == small.context["competency_count"] + 20


def _assert_map_matches_the_database(context, version):
    """Every cell, review moment level and year total as the tables have them."""
    targets = {
        (t.module_id, t.competency_id): t.level
        for t in ModuleTarget.objects.filter(module__period__year__version=version)
    }
    modules = Module.objects.filter(period__year__version=version)
    assert [row["module"].pk for row in context["rows"]] == list(
        modules.order_by("period__year__number", "period__number", "position", "code").values_list(
            "pk", flat=True
        )
    )
    for row in context["rows"]:
        for cell in row["cells"]:
            assert cell["level"] == targets.get((row["module"].pk, cell["competency"].pk))
    ranks = {
        (t.review_moment_id, t.competency_id): t.level.rank
        for t in ReviewTarget.objects.filter(review_moment__version=version)
    }
    assert [entry["moment"].pk for entry in context["moments"]] == [
        moment.pk for moment in version.review_moments.all()
    ]
    for entry in context["moments"]:
        assert entry["levels"] == [
            ranks.get((entry["moment"].pk, c.pk)) for c in context["competencies"]
        ]
    assert [(y["year"].pk, y["total"], y["ok"]) for y in context["coverage"]["years"]] == [
        (y["year"].pk, y["total"], y["ok"]) for y in version.year_overview()
    ]
    assert [level.rank for level in context["levels"]] == [1, 2, 3, 4]


@pytest.mark.parametrize("editable", [True, False])
def test_curriculum_map_queries_do_not_grow_with_modules_and_competencies(
    client, programme_admin, draft, version, cohort, editable, django_assert_num_queries
):
    """Session, user, version with its framework, levels, competencies, modules with their
    targets, review moments with theirs, years, disciplines no module uses; a draft also
    asks whether a cohort follows it (``is_editable``)."""
    shown = draft if editable else version
    client.force_login(programme_admin)
    url = reverse("competencies:map", args=[shown.uuid])
    client.get(url)
    expected = 10 if editable else 9
    with django_assert_num_queries(expected):
        small = client.get(url)
    _assert_map_matches_the_database(small.context, shown)
    _grow(shown, competencies=20, modules=12)
    with django_assert_num_queries(expected):
        large = client.get(url)
    assert len(large.context["rows"]) == len(small.context["rows"]) + 12
    assert len(large.context["competencies"]) == 23
    assert large.context["can_edit"] is editable
    _assert_map_matches_the_database(large.context, shown)


# --- the curriculum map -------------------------------------------------------------------


def test_map_cell_opens_a_form_in_place_and_saves_with_htmx(client, programme_admin, draft):
    module, competency = _first(draft)
    client.force_login(programme_admin)
    form = client.get(_cell_url(module, competency), **HTMX)
    assert form.status_code == 200
    assert 'name="level"' in form.content.decode()
    assert "<html" not in form.content.decode()
    level = draft.framework.levels.get(rank=4)
    saved = client.post(_cell_url(module, competency), {"level": level.pk}, **HTMX)
    html = saved.content.decode()
    assert saved.status_code == 200
    assert 'id="coverage" aria-labelledby="coverage-heading" hx-swap-oob="true"' in html
    assert 'id="map-status" role="status" hx-swap-oob="true"' in html
    assert ModuleTarget.objects.get(module=module, competency=competency).level.rank == 4


def test_clearing_a_cell_removes_the_target_and_coverage_reports_it(
    client, programme_admin, draft
):
    client.force_login(programme_admin)
    competency = draft.framework.competencies.get(code="IC1")
    for module in Module.objects.filter(period__year__version=draft):
        client.post(_cell_url(module, competency), {"level": ""}, **HTMX)
    assert not ModuleTarget.objects.filter(competency=competency).exists()
    response = client.get(reverse("competencies:map", args=[draft.uuid]))
    assert [c.code for c in response.context["coverage"]["not_developed"]] == ["IC1"]
    assert response.context["coverage"]["ok"] is False


def test_map_cell_works_without_javascript(client, programme_admin, draft):
    module, competency = _first(draft)
    client.force_login(programme_admin)
    page = client.get(_cell_url(module, competency))
    assert "<html" in page.content.decode()
    level = draft.framework.levels.get(rank=3)
    response = client.post(_cell_url(module, competency), {"level": level.pk})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#module-{module.uuid}")
    assert ModuleTarget.objects.get(module=module, competency=competency).level.rank == 3


def test_map_cell_refuses_a_level_of_another_framework(client, programme_admin, draft, version):
    module, competency = _first(draft)
    foreign = version.framework.levels.get(rank=4)
    client.force_login(programme_admin)
    response = client.post(_cell_url(module, competency), {"level": foreign.pk}, **HTMX)
    assert response.status_code == 400
    assert ModuleTarget.objects.get(module=module, competency=competency).level.rank == 2


def test_map_of_a_used_version_is_read_only(client, programme_admin, version):
    module, competency = _first(version)
    client.force_login(programme_admin)
    html = client.get(reverse("competencies:map", args=[version.uuid])).content.decode()
    assert _cell_url(module, competency) not in html
    level = version.framework.levels.get(rank=4)
    client.post(_cell_url(module, competency), {"level": level.pk})
    assert ModuleTarget.objects.get(module=module, competency=competency).level.rank == 2


def test_only_administrators_change_map_cells(client, lecturer, student, draft):
    module, competency = _first(draft)
    for person in (lecturer, student):
        client.force_login(person)
        assert client.post(_cell_url(module, competency), {"level": ""}).status_code == 403
    assert ModuleTarget.objects.filter(module=module, competency=competency).exists()


def test_review_targets_are_set_per_competency(client, programme_admin, draft):
    moment = draft.review_moments.get(code="final-portfolio")
    competencies = list(draft.framework.competencies.order_by("code"))
    client.force_login(programme_admin)
    url = reverse("competencies:review_targets", args=[moment.uuid])
    assert client.get(url).status_code == 200
    data = {f"competency_{competencies[0].pk}": "4", f"competency_{competencies[1].pk}": ""}
    data[f"competency_{competencies[2].pk}"] = "3"
    assert client.post(url, data).status_code == 302
    targets = dict(moment.targets.values_list("competency__code", "level__rank"))
    assert targets == {"IC1": 4, "IC3": 3}


# --- editing the framework ----------------------------------------------------------------


def test_competency_indicators_must_come_in_both_languages(client, programme_admin, draft):
    competency = draft.framework.competencies.get(code="IC1")
    client.force_login(programme_admin)
    data = {
        "code": "IC1",
        "profile": competency.profile.pk,
        "role": "coach",
        "name_nl": "Contracteren",
        "name_en": "Contracting",
        "position": 0,
        "indicators_1_nl": "Maakt afspraken\nVraagt door",
        "indicators_1_en": "Makes agreements",
    }
    url = reverse("competencies:competency_edit", args=[competency.uuid])
    response = client.post(url, data)
    assert response.status_code == 400
    assert "2 Nederlandse en 1 Engelse" in response.content.decode()
    competency.refresh_from_db()
    assert competency.name_en == "Competency IC1"
    data["indicators_1_en"] = "Makes agreements\nAsks further"
    assert client.post(url, data).status_code == 302
    competency.refresh_from_db()
    assert competency.name_en == "Contracting"
    assert list(competency.indicators.values_list("level__rank", "text_en")) == [
        (1, "Makes agreements"),
        (1, "Asks further"),
    ]


def test_used_framework_refuses_edits(client, programme_admin, version):
    competency = version.framework.competencies.first()
    client.force_login(programme_admin)
    url = reverse("competencies:competency_edit", args=[competency.uuid])
    response = client.post(url, {"code": "Z"}, follow=True)
    assert "volgt deze versie" in response.content.decode()
    assert client.post(reverse("competencies:competency_delete", args=[competency.uuid]))
    assert Competency.objects.filter(pk=competency.pk).exists()


# --- versions -----------------------------------------------------------------------------


def test_new_version_from_a_used_one_copies_it_as_a_draft(client, programme_admin, version):
    client.force_login(programme_admin)
    response = client.post(
        reverse("competencies:version_copy", args=[version.uuid]), {"name": "2026"}
    )
    copy = CurriculumVersion.objects.get(name="2026")
    assert response["Location"] == reverse("curriculum:version", args=[copy.uuid])
    assert copy.status == CurriculumVersion.Status.DRAFT
    assert copy.derived_from == version
    assert copy.is_editable
    assert copy.framework.competencies.count() == 3
    assert ModuleTarget.objects.filter(module__period__year__version=copy).count() == 6
    mapping = client.get(reverse("competencies:mapping", args=[copy.framework.uuid]))
    assert mapping.status_code == 200
    assert len(mapping.context["rows"]) == 3
    assert mapping.context["without_predecessor"] == []


def test_new_version_name_must_be_unique(client, programme_admin, version):
    client.force_login(programme_admin)
    response = client.post(
        reverse("competencies:version_copy", args=[version.uuid]), {"name": "2025"}
    )
    assert response.status_code == 400
    assert CurriculumVersion.objects.count() == 1


def test_mapping_records_a_split(client, programme_admin, version):
    client.force_login(programme_admin)
    client.post(reverse("competencies:version_copy", args=[version.uuid]), {"name": "2026"})
    copy = CurriculumVersion.objects.get(name="2026").framework
    old = version.framework.competencies.get(code="IC1")
    successors = copy.competencies.filter(code__in=["IC1", "IC2"])
    url = reverse("competencies:mapping_edit", args=[copy.uuid, old.uuid])
    response = client.post(url, {"successors": [c.pk for c in successors]})
    assert response.status_code == 302
    assert set(old.successor_links.values_list("new__code", flat=True)) == {"IC1", "IC2"}


def test_only_administrators_copy_versions(client, lecturer, version):
    client.force_login(lecturer)
    url = reverse("competencies:version_copy", args=[version.uuid])
    assert client.post(url, {"name": "2026"}).status_code == 403
    assert CurriculumVersion.objects.count() == 1


# --- import and export --------------------------------------------------------------------


def test_export_and_import_through_the_pages_round_trip(client, programme_admin, version):
    client.force_login(programme_admin)
    for file_format in ("json", "csv"):
        exported = client.get(
            reverse("competencies:export", args=[version.framework.uuid, file_format])
        )
        assert exported.status_code == 200
        assert "attachment" in exported["Content-Disposition"]
        empty = client.post(reverse("curriculum:versions"))  # 405: GET only
        assert empty.status_code == 405
        client.post(
            reverse("competencies:version_create", args=[version.programme.uuid]),
            {"name": f"import-{file_format}"},
        )
        target = CurriculumVersion.objects.get(name=f"import-{file_format}").framework
        upload = SimpleUploadedFile(f"framework.{file_format}", exported.content)
        response = client.post(
            reverse("competencies:import", args=[target.uuid]), {"file": upload}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        again = client.get(reverse("competencies:export", args=[target.uuid, file_format]))
        assert again.content == exported.content


def test_a_bad_import_lists_row_errors_and_changes_nothing(client, programme_admin, draft):
    client.force_login(programme_admin)
    before = interchange.export_framework(draft.framework)
    broken = json.loads(interchange.to_json(before))
    broken["competencies"][1]["role"] = "manager"
    broken["competencies"][2]["code"] = "IC1"
    upload = SimpleUploadedFile("framework.json", json.dumps(broken).encode())
    response = client.post(
        reverse("competencies:import", args=[draft.framework.uuid]), {"file": upload}
    )
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any(p.startswith("competencies/1") and "manager" in p for p in problems)
    assert any(p.startswith("competencies/2") and "IC1" in p for p in problems)
    assert "Het bestand is niet geïmporteerd" in response.content.decode()
    assert interchange.export_framework(draft.framework) == before


def test_export_and_import_are_for_administrators(client, student, lecturer, version):
    for person in (student, lecturer):
        client.force_login(person)
        url = reverse("competencies:export", args=[version.framework.uuid, "json"])
        assert client.get(url).status_code == 403
        assert (
            client.get(reverse("competencies:import", args=[version.framework.uuid])).status_code
            == 403
        )


def test_export_of_an_unknown_format_is_404(client, programme_admin, version):
    client.force_login(programme_admin)
    url = reverse("competencies:export", args=[version.framework.uuid, "xml"])
    assert client.get(url).status_code == 404


def test_admin_adds_a_profile_and_a_level(client, programme_admin, draft):
    framework = draft.framework
    client.force_login(programme_admin)
    response = client.post(
        reverse("competencies:profile_create", args=[framework.uuid]),
        {
            "code": "team",
            "name_nl": "Teamcoaching",
            "name_en": "Team coaching",
            "position": 1,
            "builds_on": [framework.profiles.get(code="individual").pk],
        },
    )
    assert response.status_code == 302
    team = framework.profiles.get(code="team")
    assert list(team.builds_on.values_list("code", flat=True)) == ["individual"]
    again = client.post(
        reverse("competencies:profile_create", args=[framework.uuid]),
        {"code": "team", "name_nl": "x", "name_en": "x", "position": 2},
    )
    assert again.status_code == 400
    assert framework.profiles.count() == 2
    response = client.post(
        reverse("competencies:level_create", args=[framework.uuid]),
        {"name_nl": "Meester", "name_en": "Master"},
    )
    assert response.status_code == 302
    assert framework.levels.get(rank=5).name_en == "Master"
