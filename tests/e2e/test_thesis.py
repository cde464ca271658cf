"""A week of thesis supervision in the browser, on the demo: Thijs hands in his overdue
proposal, Hanneke asks for a revision, Thijs hands in again and Hanneke approves. Thijs's
ethics checklist comes out higher risk, so Hanneke can't decide it: Marc, the programme's
ethics reviewer, approves it, and only then can Thijs start collecting data."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browsing import arrive, assert_accessible, log_in, log_out, say, visit
from tests.thesis.helpers import PDF
from thesis.models import EthicsReview, Milestone, ThesisProject

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

THIJS, HANNEKE, MARC = "student2@example.org", "begeleider@example.org", "docent@example.org"


def _thijs_project() -> ThesisProject:
    return ThesisProject.objects.get(enrolment__student__email=THIJS)


def _proposal() -> Milestone:
    return _thijs_project().milestones.get(kind="proposal")


def _hand_in(page: Page, name: str, comment: str) -> None:
    """From the student's nav: open the proposal and hand in a version."""
    project = _thijs_project()
    page.get_by_role("banner").get_by_role("link", name=say(page, "My thesis")).click()
    arrive(page, f"/thesis/{project.uuid}/")
    page.get_by_role("main").get_by_role("link", name=_proposal().name, exact=True).first.click()
    arrive(page, f"/thesis/milestones/{_proposal().uuid}/")
    page.locator("input[name=upload-file]").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("textarea[name=upload-comment]").fill(comment)
    page.get_by_role("button", name=say(page, "Hand in"), exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page)
    expect(page.get_by_role("main")).to_contain_text(name)


def _review(page: Page, feedback: str, button: str) -> None:
    """From the supervision overview: open Thijs's waiting proposal and decide."""
    page.get_by_role("banner").get_by_role("link", name=say(page, "Supervision")).click()
    arrive(page, "/thesis/supervision/")
    page.get_by_role("main").get_by_role(
        "link", name=f"Thijs van Dijk: {_proposal().name}"
    ).first.click()
    arrive(page, f"/thesis/milestones/{_proposal().uuid}/")
    page.locator("textarea[name=review-feedback]").fill(feedback)
    page.get_by_role("button", name=say(page, button), exact=True).click()
    page.wait_for_load_state("load")
    assert_accessible(page)


def test_proposal_revised_and_approved_then_higher_risk_ethics_route(new_page):
    project = _thijs_project()
    thijs = new_page()
    log_in(thijs, THIJS)
    arrive(thijs, "/student/")
    _hand_in(thijs, "voorstel-v1.pdf", "Mijn eerste versie.")
    assert _proposal().status == Milestone.Status.SUBMITTED

    hanneke = new_page()
    log_in(hanneke, HANNEKE)
    arrive(hanneke, "/supervisor/")
    _review(hanneke, "Maak de vraag scherper en beschrijf je rol.", "Ask for a revision")
    assert _proposal().status == Milestone.Status.REVISE

    # Thijs reads the feedback and hands in again.
    visit(thijs, f"/thesis/milestones/{_proposal().uuid}/")
    expect(thijs.get_by_role("main")).to_contain_text("Maak de vraag scherper")
    _hand_in(thijs, "voorstel-v2.pdf", "Vraag aangescherpt, rol in paragraaf 2.")

    _review(hanneke, "Goed zo: akkoord.", "Approve")
    proposal = _proposal()
    assert proposal.status == Milestone.Status.APPROVED
    assert proposal.versions.count() == 2
    assert [e.kind for e in proposal.events.order_by("at", "pk")][-4:] == [
        "submitted",
        "revise",
        "submitted",
        "approved",
    ]

    # The ethics checklist: insider research with a double role is higher risk.
    review = project.ethics_reviews.current().get()
    visit(thijs, f"/thesis/ethics/{review.uuid}/")
    answers = {
        "insider": "yes",
        "power": "yes",
        "voluntary": "yes",
        "consent": "yes",
        "anonymity": "no",
        "sensitive": "no",
        "storage": "yes",
        "double_role": "yes",
        "recording": "no",
    }
    for key, value in answers.items():
        thijs.locator(f"input[name={key}][value={value}]").check()
    thijs.locator("textarea[name=consent_procedure]").fill("Informatiebrief en toestemming.")
    thijs.locator("textarea[name=data_management]").fill("Gepseudonimiseerd, na 7 jaar weg.")
    thijs.get_by_role("button", name=say(thijs, "Save and submit")).click()
    thijs.wait_for_load_state("load")
    assert_accessible(thijs)
    expect(thijs.get_by_role("main")).to_contain_text(
        say(thijs, "Higher risk: a programme ethics reviewer decides on this review.")
    )
    review.refresh_from_db()
    assert review.route == EthicsReview.Route.ETHICS_REVIEWER

    # Hanneke may not decide it; data collection can't start yet.
    visit(hanneke, f"/thesis/ethics/{review.uuid}/")
    expect(hanneke.get_by_role("button", name=say(hanneke, "Record the decision"))).to_have_count(
        0
    )
    collection = project.milestones.get(kind="data_collection")
    visit(thijs, f"/thesis/milestones/{collection.uuid}/")
    expect(thijs.get_by_role("main")).to_contain_text(
        say(thijs, "Data collection can only start once the ethics review has been approved.")
    )

    # Marc, the programme's ethics reviewer, approves it from his queue.
    marc = new_page()
    log_in(marc, MARC)
    arrive(marc, "/lecturer/")
    marc.get_by_role("main").get_by_role("link", name=say(marc, "Ethics reviews")).click()
    arrive(marc, "/thesis/ethics/")
    marc.get_by_role("main").get_by_role("link", name="Dijk, Thijs van").first.click()
    arrive(marc, f"/thesis/ethics/{review.uuid}/")
    marc.get_by_label(say(marc, "Approve the research design")).check()
    marc.get_by_role("button", name=say(marc, "Record the decision")).click()
    marc.wait_for_load_state("load")
    assert_accessible(marc)
    review.refresh_from_db()
    assert review.status == EthicsReview.Status.APPROVED and review.decided_by.email == MARC

    # Now Thijs starts collecting data.
    visit(thijs, f"/thesis/milestones/{collection.uuid}/")
    thijs.get_by_role("button", name=say(thijs, "Mark as started")).click()
    thijs.wait_for_load_state("load")
    collection.refresh_from_db()
    assert collection.status == Milestone.Status.IN_PROGRESS
    log_out(thijs)


def test_second_reader_sees_the_thesis_not_the_working_papers(new_page):
    """Rob reads Sanne's thesis: the project and its draft, not her ethics review."""
    sanne = ThesisProject.objects.get(enrolment__student__email="student@example.org")
    rob = new_page()
    log_in(rob, "r.hoekstra@example.org")
    arrive(rob, "/lecturer/")
    visit(rob, "/thesis/reading/")
    rob.get_by_role("main").get_by_role("link", name=sanne.working_title).first.click()
    arrive(rob, f"/thesis/{sanne.uuid}/")
    review = sanne.ethics_reviews.current().get()
    visit(rob, f"/thesis/ethics/{review.uuid}/", status=404)
    proposal = sanne.milestones.get(kind="proposal")
    visit(rob, f"/thesis/milestones/{proposal.uuid}/", status=404)
    visit(rob, f"/thesis/milestones/{sanne.milestones.get(kind='draft').uuid}/")
