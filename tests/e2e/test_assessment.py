"""Two demo lecturers assess Sanne's year-1 portfolio in the browser, each on their own,
disagree, reconcile, and release the result; Sanne reads the merged feedback; the
administrator reads the whole history."""

import re

import pytest
from playwright.sync_api import Page, expect

from competencies.models import Assessment, AssessmentEvent, Portfolio
from competencies.services.judging import competencies_of
from tests.e2e.browsing import arrive, assert_accessible, log_in, log_out, say, visit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MARC, ROB = "docent@example.org", "r.hoekstra@example.org"


def _sannes_assessment() -> Assessment:
    return Assessment.objects.select_related("portfolio__review_moment__version__framework").get(
        portfolio__enrolment__student__email="student@example.org"
    )


def _assess(page: Page, assessment: Assessment, *, ranks, verdict: str, voice: str) -> None:
    """From the queue: open Sanne's portfolio, judge every competency, sign and submit."""
    page.get_by_role("banner").get_by_role("link", name=say(page, "Assessing")).click()
    arrive(page, "/assessments/")
    page.get_by_role("link", name="Sanne Jansen").click()
    arrive(page, f"/assessments/{assessment.uuid}/assess/")
    competencies = competencies_of(assessment)
    first = competencies[0]
    for competency in competencies:
        rank = ranks.get(competency.code, 2)
        page.locator(f"input[name=level_{competency.pk}]").nth(rank - 1).check()
        page.locator(f"textarea[name=feedback_{competency.pk}]").fill(
            f"{voice} over {competency.code}."
        )
    # The draft saves itself while the examiner types.
    expect(page.locator("#autosave-status")).to_contain_text(
        say(page, "Draft saved at %(time)s", time="").strip()
    )
    page.get_by_role("group", name=say(page, "Verdict")).get_by_label(
        say(page, {"PASS": "Pass", "NOT_YET": "Not yet"}[verdict]), exact=True
    ).check()
    page.get_by_label(say(page, "Overall feedback")).fill(f"{voice}: mijn oordeel.")
    page.get_by_label(
        say(page, "I sign this judgement. After submitting I can't change it.")
    ).check()
    page.get_by_role("button", name=say(page, "Submit and sign")).click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    # Signed: the form is gone, the judgement stays readable.
    expect(page.locator(f"input[name=level_{first.pk}]")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(f"{voice} over {first.code}.")


def test_two_examiners_assess_reconcile_and_release_and_the_student_reads_it(
    new_page,
):
    assessment = _sannes_assessment()
    first = competencies_of(assessment)[0]

    # Marc judges first: everything at the target, a pass.
    marc = new_page()
    log_in(marc, MARC)
    arrive(marc, "/lecturer/")
    _assess(marc, assessment, ranks={}, verdict="PASS", voice="Marc")
    # He cannot see Rob's judgement: Rob has not submitted.
    expect(marc.get_by_role("main")).not_to_contain_text("Rob over")

    # Rob judges independently: two levels lower... and never sees Marc's work first.
    rob = new_page()
    log_in(rob, ROB)
    arrive(rob, "/lecturer/")
    visit(rob, f"/assessments/{assessment.uuid}/assess/")
    expect(rob.get_by_role("main")).not_to_contain_text("Marc over")
    visit(rob, f"/assessments/{assessment.uuid}/reconcile/", status=404)
    visit(rob, "/lecturer/")
    _assess(rob, assessment, ranks={first.code: 4}, verdict="NOT_YET", voice="Rob")
    # Now he sees Marc's submitted judgement.
    expect(rob.get_by_role("main")).to_contain_text("Marc over")

    # Rob reconciles: the level difference and the verdicts are flagged; he proposes a pass.
    visit(rob, f"/assessments/{assessment.uuid}/reconcile/")
    main = rob.get_by_role("main")
    expect(main).to_contain_text(say(rob, "The verdicts differ."))
    rob.locator(f"select[name=level_{first.pk}]").select_option(index=3)  # 3rd level
    rob.locator("select[name=verdict]").select_option("pass")
    rob.get_by_label(say(rob, "Joint explanation")).fill(
        "We zijn het eens: voldoende. Rob zag meer bij **" + first.code + "**, Marc minder."
    )
    rob.get_by_role("button", name=say(rob, "Propose")).click()
    rob.wait_for_load_state("load")
    assert_accessible(rob)
    assessment.refresh_from_db()
    assert assessment.revision == 1

    # Marc agrees and releases.
    visit(marc, f"/assessments/{assessment.uuid}/reconcile/")
    marc.get_by_role(
        "button", name=say(marc, "I agree with version %(revision)s", revision="1")
    ).click()
    marc.wait_for_load_state("load")
    marc.get_by_role("button", name=say(marc, "Release the result to the student")).first.click()
    marc.wait_for_load_state("load")
    assert_accessible(marc)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RELEASED
    assert assessment.portfolio.status == Portfolio.Status.ASSESSED

    # Sanne reads the result from her portfolio page: both examiners' feedback, merged.
    sanne = new_page()
    log_in(sanne, "student@example.org")
    arrive(sanne, "/student/")
    visit(sanne, f"/portfolios/{assessment.portfolio.uuid}/")
    sanne.get_by_role("link", name=re.compile(say(sanne, "Assessment"))).first.click()
    arrive(sanne, f"/assessments/{assessment.uuid}/")
    main = sanne.get_by_role("main")
    expect(main).to_contain_text(say(sanne, "Pass"))
    expect(main).to_contain_text(f"Marc over {first.code}.")
    expect(main).to_contain_text(f"Rob over {first.code}.")
    expect(main).to_contain_text("We zijn het eens: voldoende.")
    log_out(sanne)

    # The administrator reads the complete history.
    admin = new_page()
    log_in(admin, "admin@example.org")
    arrive(admin, "/programme/")
    visit(admin, f"/assessments/{assessment.uuid}/history/")
    kinds = set(assessment.events.values_list("kind", flat=True))
    assert {
        AssessmentEvent.Kind.ASSIGNED,
        AssessmentEvent.Kind.DRAFT_SAVED,
        AssessmentEvent.Kind.SUBMITTED,
        AssessmentEvent.Kind.PROPOSED,
        AssessmentEvent.Kind.APPROVED,
        AssessmentEvent.Kind.RELEASED,
    } <= kinds
    for label in ("Released to the student", "Final result proposed", "Judgement submitted"):
        expect(admin.get_by_role("main")).to_contain_text(say(admin, label))
