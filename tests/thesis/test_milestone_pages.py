"""The milestone page and its forms: starting, handing in versions, reviewing, reopening,
moving the due date, signing off the defence, downloading versions; who may do what; refused
input keeps what was typed; query counts."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import SupervisorFactory
from thesis import services
from thesis.models import Milestone, MilestoneEvent, MilestoneKind, MilestoneVersion, VersionReview

from .helpers import PDF, approve, approve_ethics, hand_in, milestone, pdf_file

pytestmark = pytest.mark.django_db

S = Milestone.Status


def nl(msgid: str, **values) -> str:
    with translation.override("nl"):
        text = gettext(msgid)
    return text % values if values else text


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def reader(project, lecturer, programme_admin):
    services.assign_second_reader(project=project, reader=lecturer, by=programme_admin)
    return lecturer


@pytest.fixture
def proposal(project):
    return milestone(project, MilestoneKind.PROPOSAL)


def page_url(m) -> str:
    return reverse("thesis:milestone", args=[m.uuid])


def url(name, obj) -> str:
    return reverse(f"thesis:{name}", args=[obj.uuid])


# --- the page ---------------------------------------------------------------------------------


def test_student_sees_the_milestone_with_start_and_upload(client, project, student, proposal):
    client.force_login(student)
    response = client.get(page_url(proposal))
    assert response.status_code == 200
    page = response.content.decode()
    assert proposal.name in page
    assert url("milestone_start", proposal) in page
    assert url("version_upload", proposal) in page
    assert response.context["review_form"] is None
    assert response.context["due_form"] is None
    assert response.context["reopen_form"] is None


def test_versions_newest_first_with_reviews_and_history(
    client, project, student, supervisor, proposal
):
    first = hand_in(project, "proposal", name="eerste.pdf", comment="Mijn **eerste** opzet")
    services.review_version(
        version=first, decision="revise", feedback="Scherper *formuleren*.", by=supervisor
    )
    hand_in(project, "proposal", name="tweede.pdf", comment="Aangescherpt")
    client.force_login(student)
    response = client.get(page_url(proposal))
    page = response.content.decode()
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert page.index("tweede.pdf") < page.index("eerste.pdf")
    assert "<strong>eerste</strong>" in page
    assert "<em>formuleren</em>" in page
    assert url("version_file", first) in page
    events = list(response.context["events"])
    assert events[0].kind == MilestoneEvent.Kind.SUBMITTED
    assert events[-1].kind == MilestoneEvent.Kind.CREATED


def test_supervisor_sees_the_review_form_on_the_latest_version(
    client, project, supervisor, proposal
):
    hand_in(project, "proposal")
    latest = hand_in(project, "proposal")
    client.force_login(supervisor)
    response = client.get(page_url(proposal))
    assert response.context["review_form"] is not None
    assert url("version_review", latest) in response.content.decode()
    assert response.context["due_form"] is not None
    assert not response.context["can_start"]
    assert response.context["upload_form"] is None


def test_approved_milestone_says_it_is_locked(client, project, student, supervisor):
    approved = approve(project, "proposal", supervisor)
    client.force_login(student)
    response = client.get(page_url(approved))
    assert response.context["upload_form"] is None
    assert (
        nl(
            "This milestone is approved and locked: it takes no new versions. "
            "The supervisor can reopen it, with a reason."
        )
        in response.content.decode()
    )
    client.force_login(supervisor)
    response = client.get(page_url(approved))
    assert response.context["reopen_form"] is not None


def test_data_collection_waits_for_the_ethics_review(client, project, student, supervisor):
    data = milestone(project, MilestoneKind.DATA_COLLECTION)
    client.force_login(student)
    response = client.get(page_url(data))
    assert not response.context["can_start"]
    assert response.context["upload_form"] is None
    assert (
        nl("Data collection can only start once the ethics review has been approved.")
        in response.content.decode()
    )
    approve_ethics(project, supervisor)
    response = client.get(page_url(data))
    assert response.context["can_start"]
    assert response.context["upload_form"] is not None


def test_ethics_milestone_links_to_the_review(client, project, student):
    ethics = milestone(project, MilestoneKind.ETHICS)
    client.force_login(student)
    response = client.get(page_url(ethics))
    review = project.ethics_reviews.current().get()
    assert url("ethics", review) in response.content.decode()
    assert not response.context["can_start"]
    assert response.context["upload_form"] is None


def test_defence_offers_sign_off_to_the_supervisor(client, project, supervisor, student):
    defence = milestone(project, MilestoneKind.DEFENCE)
    client.force_login(supervisor)
    response = client.get(page_url(defence))
    assert response.context["signoff_form"] is not None
    assert nl("The examiners haven't started the assessment of the thesis yet.") in (
        response.content.decode()
    )
    client.force_login(student)
    response = client.get(page_url(defence))
    assert response.context["signoff_form"] is None
    assert response.context["upload_form"] is None


def test_overdue_is_said_in_text(client, project, student, supervisor, proposal):
    services.change_due_date(
        milestone=proposal,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        reason="Vergissing",
        by=supervisor,
    )
    client.force_login(student)
    response = client.get(page_url(proposal))
    assert response.context["overdue"]
    assert nl("overdue") in response.content.decode()


def test_second_reader_sees_the_draft_but_not_the_proposal(client, project, reader):
    draft = milestone(project, MilestoneKind.DRAFT)
    proposal = milestone(project, MilestoneKind.PROPOSAL)
    proposal_version = hand_in(project, "proposal")
    client.force_login(reader)
    response = client.get(page_url(draft))
    assert response.status_code == 200
    assert response.context["due_form"] is None
    assert response.context["upload_form"] is None
    assert not response.context["can_start"]
    assert client.get(page_url(proposal)).status_code == 404
    assert client.get(url("version_file", proposal_version)).status_code == 404


def test_second_reader_downloads_a_draft_version(client, project, reader, supervisor):
    for kind in ("proposal", "literature", "data_collection", "analysis"):
        if kind == "data_collection":
            approve_ethics(project, supervisor)
        approve(project, kind, supervisor)
    version = hand_in(project, "draft", name="concept.pdf")
    client.force_login(reader)
    response = client.get(url("version_file", version))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "concept.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize("role", ["student2", "lecturer", "outsider"])
def test_others_get_404(client, request, project, proposal, role):
    version = hand_in(project, "proposal")
    client.force_login(request.getfixturevalue(role))
    assert client.get(page_url(proposal)).status_code == 404
    assert client.get(url("version_file", version)).status_code == 404
    assert client.post(url("milestone_start", proposal)).status_code == 404
    assert client.post(url("version_review", version), {"review-feedback": "x"}).status_code == 404


def test_another_supervisor_gets_404(client, project, proposal):
    client.force_login(SupervisorFactory())
    assert client.get(page_url(proposal)).status_code == 404


@pytest.mark.parametrize("role", ["student", "supervisor", "programme_admin"])
def test_parties_get_the_page(client, request, project, proposal, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(page_url(proposal)).status_code == 200


def test_wrong_methods(client, project, student, proposal):
    version = hand_in(project, "proposal")
    client.force_login(student)
    assert client.post(page_url(proposal)).status_code == 405
    assert client.post(url("version_file", version)).status_code == 405
    for name in ("milestone_start", "version_upload", "milestone_reopen", "milestone_due"):
        assert client.get(url(name, proposal)).status_code == 405
    assert client.get(url("defence_sign_off", proposal)).status_code == 405
    assert client.get(url("version_review", version)).status_code == 405


def test_anonymous_is_sent_to_login(client, proposal):
    response = client.get(page_url(proposal))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("rounds", [1, 8])
@pytest.mark.parametrize("role", ["student", "supervisor"])
def test_milestone_page_query_count_does_not_grow(
    client, request, project, supervisor, proposal, role, rounds, django_assert_max_num_queries
):
    for _ in range(rounds):
        version = hand_in(project, "proposal")
        services.review_version(
            version=version, decision="revise", feedback="Nog niet.", by=supervisor
        )
    hand_in(project, "proposal")
    client.force_login(request.getfixturevalue(role))
    with django_assert_max_num_queries(10):
        response = client.get(page_url(proposal))
    assert response.status_code == 200


# --- starting ---------------------------------------------------------------------------------


def test_student_starts_a_milestone(client, student, proposal):
    client.force_login(student)
    response = client.post(url("milestone_start", proposal))
    assert response.status_code == 302
    assert response.url == page_url(proposal)
    proposal.refresh_from_db()
    assert proposal.status == S.IN_PROGRESS
    assert messages_of(response) == [
        nl("%(milestone)s is marked as started.", milestone=proposal.name)
    ]


def test_start_of_data_collection_before_ethics_is_refused_with_a_message(
    client, project, student
):
    data = milestone(project, MilestoneKind.DATA_COLLECTION)
    client.force_login(student)
    response = client.post(url("milestone_start", data))
    assert response.status_code == 302
    assert messages_of(response) == [
        nl("Data collection can only start once the ethics review has been approved.")
    ]
    data.refresh_from_db()
    assert data.status == S.NOT_STARTED


def test_supervisor_cannot_start_a_milestone(client, supervisor, proposal):
    client.force_login(supervisor)
    assert client.post(url("milestone_start", proposal)).status_code == 403


# --- uploading --------------------------------------------------------------------------------


def test_student_hands_in_a_version(client, student, proposal):
    client.force_login(student)
    response = client.post(
        url("version_upload", proposal),
        {"upload-file": pdf_file("voorstel v1.pdf"), "upload-comment": "Eerste versie"},
    )
    assert response.status_code == 302
    version = MilestoneVersion.objects.get()
    assert version.original_name == "voorstel v1.pdf"
    assert version.comment == "Eerste versie"
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    response = client.get(url("version_file", version))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_bad_file_shows_the_error_keeps_the_comment_and_creates_nothing(
    client, student, proposal
):
    client.force_login(student)
    response = client.post(
        url("version_upload", proposal),
        {
            "upload-file": pdf_file("voorstel.pdf", b"<html><script>alert(1)</script></html>"),
            "upload-comment": "Mijn toelichting",
        },
    )
    assert response.status_code == 400
    assert not MilestoneVersion.objects.exists()
    form = response.context["upload_form"]
    assert form.errors["file"]
    assert "Mijn toelichting" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.NOT_STARTED


def test_upload_without_file_is_refused(client, student, proposal):
    client.force_login(student)
    response = client.post(url("version_upload", proposal), {"upload-comment": "Vergeten"})
    assert response.status_code == 400
    assert not MilestoneVersion.objects.exists()


def test_upload_to_an_approved_milestone_is_refused(client, project, student, supervisor):
    approved = approve(project, "proposal", supervisor)
    client.force_login(student)
    response = client.post(
        url("version_upload", approved), {"upload-file": pdf_file(), "upload-comment": "Nog één"}
    )
    assert response.status_code == 400
    assert (
        nl("This milestone is approved: ask your supervisor to reopen it for a new version.")
        in response.content.decode()
    )
    assert MilestoneVersion.objects.count() == 1


def test_supervisor_cannot_upload(client, supervisor, proposal):
    client.force_login(supervisor)
    response = client.post(url("version_upload", proposal), {"upload-file": pdf_file()})
    assert response.status_code == 403
    assert not MilestoneVersion.objects.exists()


# --- reviewing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "status"), [("approved", S.APPROVED), ("revise", S.REVISE)])
def test_supervisor_reviews_the_latest_version(
    client, project, supervisor, proposal, decision, status
):
    version = hand_in(project, "proposal")
    client.force_login(supervisor)
    response = client.post(
        url("version_review", version),
        {"review-feedback": "Helder voorstel.", "review-decision": decision},
    )
    assert response.status_code == 302
    assert response.url == page_url(proposal)
    proposal.refresh_from_db()
    assert proposal.status == status
    assert VersionReview.objects.get().feedback == "Helder voorstel."
    assert len(messages_of(response)) == 1


def test_typed_feedback_survives_a_refused_review(client, project, supervisor, proposal):
    old = hand_in(project, "proposal")
    hand_in(project, "proposal")
    client.force_login(supervisor)
    response = client.post(
        url("version_review", old),
        {"review-feedback": "Mijn lange feedback", "review-decision": "approved"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mijn lange feedback" in page
    assert nl("A newer version has been handed in: review that one.") in page
    assert not VersionReview.objects.exists()


def test_review_without_feedback_is_refused(client, project, supervisor):
    version = hand_in(project, "proposal")
    client.force_login(supervisor)
    response = client.post(
        url("version_review", version), {"review-feedback": "", "review-decision": "approved"}
    )
    assert response.status_code == 400
    assert not VersionReview.objects.exists()


def test_review_without_decision_keeps_the_feedback(client, project, supervisor):
    version = hand_in(project, "proposal")
    client.force_login(supervisor)
    response = client.post(url("version_review", version), {"review-feedback": "Bijna"})
    assert response.status_code == 400
    assert "Bijna" in response.content.decode()
    assert not VersionReview.objects.exists()


@pytest.mark.parametrize("role", ["student", "programme_admin"])
def test_only_the_supervisor_reviews(client, request, project, role):
    version = hand_in(project, "proposal")
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("version_review", version), {"review-feedback": "Ok", "review-decision": "approved"}
    )
    assert response.status_code == 403
    assert not VersionReview.objects.exists()


def test_second_reader_cannot_review_a_draft(client, project, reader, supervisor):
    for kind in ("proposal", "literature", "analysis"):
        approve(project, kind, supervisor)
    version = hand_in(project, "draft")
    client.force_login(reader)
    response = client.post(
        url("version_review", version), {"review-feedback": "Ok", "review-decision": "approved"}
    )
    assert response.status_code == 403


# --- reopening, due dates, sign-off -----------------------------------------------------------


def test_supervisor_reopens_with_a_reason(client, project, supervisor):
    approved = approve(project, "proposal", supervisor)
    client.force_login(supervisor)
    response = client.post(url("milestone_reopen", approved), {"reopen-reason": "Bron ontbreekt"})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == S.REVISE
    assert approved.events.filter(kind=MilestoneEvent.Kind.REOPENED, reason="Bron ontbreekt")


def test_reopen_needs_a_reason(client, project, supervisor):
    approved = approve(project, "proposal", supervisor)
    client.force_login(supervisor)
    response = client.post(url("milestone_reopen", approved), {"reopen-reason": ""})
    assert response.status_code == 400
    approved.refresh_from_db()
    assert approved.status == S.APPROVED


def test_reopen_of_an_open_milestone_keeps_the_reason(client, supervisor, proposal):
    client.force_login(supervisor)
    response = client.post(url("milestone_reopen", proposal), {"reopen-reason": "Waarom ook"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Waarom ook" in page
    assert nl("Only an approved milestone can be reopened.") in page


def test_student_cannot_reopen(client, project, student, supervisor):
    approved = approve(project, "proposal", supervisor)
    client.force_login(student)
    response = client.post(url("milestone_reopen", approved), {"reopen-reason": "Graag"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["supervisor", "programme_admin"])
def test_staff_move_the_due_date(client, request, proposal, role):
    new = proposal.due_on + datetime.timedelta(weeks=2)
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("milestone_due", proposal), {"due-due_on": new.isoformat(), "due-reason": "Ziekte"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.due_on == new
    event = proposal.events.get(kind=MilestoneEvent.Kind.DUE_CHANGED)
    assert event.reason == "Ziekte"


def test_same_due_date_is_refused_and_keeps_the_reason(client, supervisor, proposal):
    client.force_login(supervisor)
    response = client.post(
        url("milestone_due", proposal),
        {"due-due_on": proposal.due_on.isoformat(), "due-reason": "Mijn reden"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mijn reden" in page
    assert nl("That is already the due date.") in page


def test_student_cannot_move_the_due_date(client, student, proposal):
    client.force_login(student)
    response = client.post(
        url("milestone_due", proposal),
        {
            "due-due_on": (proposal.due_on + datetime.timedelta(days=7)).isoformat(),
            "due-reason": "Liever later",
        },
    )
    assert response.status_code == 403


def test_sign_off_before_the_final_thesis_is_refused_and_keeps_the_note(
    client, project, supervisor
):
    defence = milestone(project, MilestoneKind.DEFENCE)
    client.force_login(supervisor)
    response = client.post(url("defence_sign_off", defence), {"signoff-note": "Mooi verdedigd"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Mooi verdedigd" in page
    assert nl("The final thesis must be approved before the defence.") in page
    defence.refresh_from_db()
    assert defence.status == S.NOT_STARTED


def test_student_cannot_sign_off(client, project, student):
    defence = milestone(project, MilestoneKind.DEFENCE)
    client.force_login(student)
    assert client.post(url("defence_sign_off", defence), {"signoff-note": ""}).status_code == 403


def test_supervisor_signs_off_the_defence_after_the_released_assessment(
    client, project, supervisor, enrolment, version
):
    from .test_project_pages import released_final_assessment

    approve(project, "final", supervisor)
    released_final_assessment(enrolment, version)
    defence = milestone(project, MilestoneKind.DEFENCE)
    client.force_login(supervisor)
    response = client.post(url("defence_sign_off", defence), {"signoff-note": "Mooi verdedigd"})
    assert response.status_code == 302
    defence.refresh_from_db()
    assert defence.status == S.APPROVED
    project.refresh_from_db()
    assert project.status == project.Status.COMPLETED
    assert messages_of(response) == [nl("The defence is signed off: the thesis is completed.")]
