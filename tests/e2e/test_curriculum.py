"""The curriculum in the browser: building the next version, the map's inline editing, targets."""

import datetime
import json

import pytest
from playwright.sync_api import expect

from competencies.interchange import export_framework
from competencies.models import ModuleTarget, ReviewTarget
from curriculum.models import CurriculumVersion, Module
from tests.e2e.browsing import arrive, assert_accessible, log_in, say

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_builds_the_next_version_and_edits_the_map(page, tmp_path):
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    page.get_by_role("banner").get_by_role("link", name=say(page, "Curriculum")).click()
    arrive(page, "/curriculum/")
    current = CurriculumVersion.objects.get(name="2026")
    page.get_by_role("link", name="2026", exact=True).click()
    arrive(page, f"/curriculum/{current.uuid}/")
    # The version a cohort follows explains why it cannot change.
    expect(
        page.get_by_role("heading", name=say(page, "This version cannot be changed"))
    ).to_be_visible()

    page.get_by_role("link", name=say(page, "New version from this one")).click()
    page.get_by_label(say(page, "Name of the new version")).fill("2027")
    page.get_by_role("button", name=say(page, "Save")).click()
    draft = CurriculumVersion.objects.get(name="2027")
    arrive(page, f"/curriculum/{draft.uuid}/")
    assert draft.status == CurriculumVersion.Status.DRAFT

    # Adjust a module: more credits make year 1 too heavy, and the page says so.
    module = Module.objects.get(period__year__version=draft, code="MOC1.2")
    page.get_by_role("link", name=f"{say(page, 'Edit')} MOC1.2").click()
    arrive(page, f"/curriculum/modules/{module.uuid}/edit/")
    page.get_by_label(say(page, "credits (EC)").capitalize()).fill("5.0")
    page.get_by_role("button", name=say(page, "Save")).click()
    arrive(page, f"/curriculum/{draft.uuid}/")
    expect(page.get_by_text(say(page, "Check the credits:"))).to_be_visible()

    # The curriculum map: set a target in place, with htmx, and see the coverage follow.
    page.get_by_role("link", name=say(page, "Curriculum map")).click()
    arrive(page, f"/curriculum/{draft.uuid}/map/")
    competency = draft.framework.competencies.get(code="OC1")
    assert not ModuleTarget.objects.filter(module=module, competency=competency).exists()
    page.locator(f'a[href$="/map/{module.uuid}/{competency.uuid}/"]').click()
    select = page.get_by_label(
        say(
            page,
            "Target level of %(module)s for %(competency)s",
            module="MOC1.2",
            competency="OC1",
        )
    )
    expect(select).to_be_focused()
    level = draft.framework.levels.get(rank=1)
    select.select_option(str(level.pk))
    page.locator(".cell-form").get_by_role("button", name=say(page, "Save")).click()
    expect(page.locator("#map-status")).to_contain_text("MOC1.2")
    assert page.url.endswith(f"/curriculum/{draft.uuid}/map/")
    assert_accessible(page)
    target = ModuleTarget.objects.get(module=module, competency=competency)
    assert target.level.rank == 1
    # The same version 2026 is untouched.
    original = Module.objects.get(period__year__version=current, code="MOC1.2")
    assert str(original.ec) == "2.5"

    # Export the framework and import the file again: nothing changes.
    before = export_framework(draft.framework)
    page.get_by_role("link", name=say(page, "Competency framework")).first.click()
    arrive(page, f"/frameworks/{draft.framework.uuid}/")
    with page.expect_download() as download:
        page.get_by_role("link", name=say(page, "Export as JSON")).click()
    exported = tmp_path / "framework.json"
    download.value.save_as(exported)
    assert json.loads(exported.read_text(encoding="utf-8")) == before
    page.get_by_role("link", name=say(page, "Import a file")).click()
    arrive(page, f"/frameworks/{draft.framework.uuid}/import/")
    page.get_by_label(say(page, "Framework file")).set_input_files(exported)
    page.get_by_role("button", name=say(page, "Import")).click()
    arrive(page, f"/frameworks/{draft.framework.uuid}/")
    assert export_framework(draft.framework) == before


def test_student_reads_the_targets_of_their_next_review_moment(page):
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    version = CurriculumVersion.objects.get(cohorts__name="2025–2027")
    start = version.cohorts.get().start_date
    today = datetime.date.today()
    upcoming = [m for m in version.review_moments.all() if m.due_date(start) >= today]
    moment = upcoming[0] if upcoming else list(version.review_moments.all())[-1]

    page.get_by_role(
        "link",
        name=say(page, "The competency framework, with the targets for your next review moment"),
    ).click()
    arrive(page, f"/frameworks/{version.framework.uuid}/")
    section = page.get_by_role(
        "region", name=say(page, "Your next review moment: %(moment)s", moment=moment.name_nl)
    )
    expect(section).to_be_visible()
    targets = ReviewTarget.objects.filter(review_moment=moment).select_related("competency")
    rows = section.get_by_role("row")
    expect(rows).to_have_count(targets.count() + 1)
    for target in targets:
        expect(
            section.get_by_role(
                "link", name=f"{target.competency.code} {target.competency.name_nl}"
            )
        ).to_be_visible()

    # In English, the same targets in English.
    page.get_by_role("banner").get_by_role("button", name="English").click()
    page.wait_for_load_state("load")
    expect(
        page.get_by_role("region", name=f"Your next review moment: {moment.name_en}")
    ).to_be_visible()
    assert_accessible(page)

    # Another cohort's version is not theirs to read.
    other = CurriculumVersion.objects.get(cohorts__name="2026–2028")
    response = page.goto(f"/frameworks/{other.framework.uuid}/")
    assert response.status == 404


def test_every_curriculum_and_framework_page_passes_axe(page):
    """Every page an administrator edits with, on a draft, and the read-only ones, in Dutch."""
    from competencies.services import derive_version
    from tests.e2e.browsing import visit

    used = CurriculumVersion.objects.get(name="2026")
    draft = derive_version(version=used, name="2027", by=None)
    framework = draft.framework
    module = Module.objects.filter(period__year__version=draft).first()
    competency = framework.competencies.first()
    old = used.framework.competencies.first()
    moment = draft.review_moments.first()
    log_in(page, "admin@example.org")
    arrive(page, "/programme/")
    paths = [
        "/curriculum/",
        f"/curriculum/{draft.uuid}/",
        f"/curriculum/{used.uuid}/",
        f"/curriculum/{draft.uuid}/settings/",
        f"/curriculum/{draft.uuid}/modules/new/",
        f"/curriculum/{draft.uuid}/periods/new/",
        f"/curriculum/{draft.uuid}/review-moments/new/",
        f"/curriculum/{draft.uuid}/copy/",
        f"/curriculum/modules/{module.uuid}/",
        f"/curriculum/modules/{module.uuid}/edit/",
        f"/curriculum/periods/{module.period.uuid}/edit/",
        f"/curriculum/review-moments/{moment.uuid}/edit/",
        f"/curriculum/review-moments/{moment.uuid}/targets/",
        f"/curriculum/programmes/{draft.programme.uuid}/new-version/",
        f"/curriculum/map/{module.uuid}/{competency.uuid}/",
        f"/frameworks/{framework.uuid}/",
        f"/frameworks/{framework.uuid}/competencies/new/",
        f"/frameworks/{framework.uuid}/levels/1/edit/",
        f"/frameworks/{framework.uuid}/levels/new/",
        f"/frameworks/{framework.uuid}/profiles/new/",
        f"/frameworks/{framework.uuid}/profiles/individual/edit/",
        f"/frameworks/{framework.uuid}/mapping/",
        f"/frameworks/{framework.uuid}/mapping/{old.uuid}/",
        f"/frameworks/{framework.uuid}/import/",
        f"/competencies/{competency.uuid}/",
        f"/competencies/{competency.uuid}/edit/",
    ]
    for path in paths:
        visit(page, path)
    # A form sent back with errors is accessible too.
    visit(page, f"/curriculum/modules/{module.uuid}/edit/")
    page.get_by_label(say(page, "credits (EC)").capitalize()).fill("-3")
    page.get_by_role("button", name=say(page, "Save")).click()
    page.wait_for_load_state("load")
    expect(page.locator(".error-text").first).to_be_visible()
    assert_accessible(page)
    # The map with a cell open for editing.
    visit(page, f"/curriculum/{draft.uuid}/map/")
    page.locator(f'a[href$="/map/{module.uuid}/{competency.uuid}/"]').click()
    expect(page.locator(".cell-form select")).to_be_focused()
    assert_accessible(page)
