"""The ethics checklist's risk logic and routing: every question's concern, the decisive
consent question, the thresholds, who decides by risk class, referring, and re-approval after
a change of research design (which blocks data collection again)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from thesis import ethics, services
from thesis.models import EthicsReview, Milestone, MilestoneKind, RiskClass

from .helpers import HIGHER_RISK, LOW_RISK, approve_ethics, milestone, submit_ethics

pytestmark = pytest.mark.django_db

S = Milestone.Status
Route = EthicsReview.Route
QUESTIONS = {question.key: question for question in ethics.QUESTIONS}


def with_concerns(*keys: str) -> dict:
    """The low-risk answers, with the given questions answered the worrying way."""
    return {**LOW_RISK, **{key: QUESTIONS[key].concern for key in keys}}


@pytest.fixture
def reviewer(lecturer, programme_admin):
    services.appoint_ethics_reviewer(user=lecturer, by=programme_admin)
    return lecturer


# --- the risk class -----------------------------------------------------------------------------


def test_the_low_risk_answers_raise_no_concern():
    assert ethics.concerns(LOW_RISK) == []
    assert ethics.score(LOW_RISK) == 0
    assert ethics.risk_class(LOW_RISK) == RiskClass.LOW
    assert ethics.unanswered(LOW_RISK) == []


@pytest.mark.parametrize("question", ethics.QUESTIONS, ids=lambda q: q.key)
def test_each_question_raises_its_own_concern(question):
    answers = with_concerns(question.key)
    assert ethics.concerns(answers) == [question]
    assert ethics.score(answers) == question.weight
    expected = RiskClass.HIGH if question.decisive else RiskClass.LOW
    assert ethics.risk_class(answers) == expected


@pytest.mark.parametrize("question", ethics.QUESTIONS, ids=lambda q: q.key)
def test_the_other_answer_raises_no_concern(question):
    other = ethics.NO if question.concern == ethics.YES else ethics.YES
    assert ethics.concerns({**LOW_RISK, question.key: other}) == []


def test_no_consent_is_high_risk_on_its_own():
    assert QUESTIONS["consent"].decisive
    assert [q.key for q in ethics.QUESTIONS if q.decisive] == ["consent"]
    assert ethics.risk_class(with_concerns("consent")) == RiskClass.HIGH


@pytest.mark.parametrize(
    ("keys", "total", "risk"),
    [
        (("insider",), 1, RiskClass.LOW),
        (("power",), 2, RiskClass.LOW),
        (("insider", "recording"), 2, RiskClass.LOW),
        (("insider", "power"), 3, RiskClass.MEDIUM),  # MEDIUM_FROM
        (("power", "anonymity"), 4, RiskClass.MEDIUM),
        (("insider", "power", "double_role"), 5, RiskClass.MEDIUM),
        (("power", "anonymity", "sensitive"), 6, RiskClass.HIGH),  # HIGH_FROM
        (("power", "voluntary", "anonymity", "storage"), 8, RiskClass.HIGH),
    ],
)
def test_thresholds(keys, total, risk):
    answers = with_concerns(*keys)
    assert ethics.score(answers) == total
    assert ethics.risk_class(answers) == risk


def test_thresholds_are_the_documented_ones():
    assert (ethics.MEDIUM_FROM, ethics.HIGH_FROM) == (3, 6)


def test_unanswered_lists_the_open_questions():
    answers = {"insider": ethics.YES, "power": "maybe"}
    assert [q.key for q in ethics.unanswered(answers)] == [
        key for key in ethics.QUESTION_KEYS if key != "insider"
    ]


def test_routes_by_risk_class():
    assert ethics.route_for(RiskClass.LOW) == Route.SUPERVISOR
    assert ethics.route_for(RiskClass.MEDIUM) == Route.ETHICS_REVIEWER
    assert ethics.route_for(RiskClass.HIGH) == Route.ETHICS_REVIEWER


# --- routing and deciding -----------------------------------------------------------------------


def test_low_risk_goes_to_the_supervisor(project, supervisor, reviewer):
    review = submit_ethics(project, LOW_RISK)
    assert (review.risk_class, review.route) == (RiskClass.LOW, Route.SUPERVISOR)
    assert services.may_decide_ethics(supervisor, review)
    assert not services.may_decide_ethics(reviewer, review)
    assert not services.may_decide_ethics(project.enrolment.student, review)
    with pytest.raises(PermissionDenied):
        services.decide_ethics(review=review, approve=True, note="", by=reviewer)
    services.decide_ethics(review=review, approve=True, note="", by=supervisor)
    review.refresh_from_db()
    assert review.status == EthicsReview.Status.APPROVED
    assert milestone(project, MilestoneKind.ETHICS).status == S.APPROVED


@pytest.mark.parametrize(
    ("answers", "risk"),
    [(HIGHER_RISK, RiskClass.MEDIUM), (with_concerns("consent"), RiskClass.HIGH)],
)
def test_higher_risk_goes_to_the_ethics_reviewer(project, supervisor, reviewer, answers, risk):
    review = submit_ethics(project, answers)
    assert (review.risk_class, review.route) == (risk, Route.ETHICS_REVIEWER)
    assert services.may_decide_ethics(reviewer, review)
    assert not services.may_decide_ethics(supervisor, review)
    with pytest.raises(PermissionDenied):
        services.decide_ethics(review=review, approve=True, note="", by=supervisor)
    services.decide_ethics(review=review, approve=True, note="Zorgvuldig.", by=reviewer)
    review.refresh_from_db()
    assert review.status == EthicsReview.Status.APPROVED
    assert review.decided_by == reviewer


def test_asking_for_changes_needs_an_explanation(project, supervisor):
    review = submit_ethics(project, LOW_RISK)
    with pytest.raises(ValidationError):
        services.decide_ethics(review=review, approve=False, note=" ", by=supervisor)
    services.decide_ethics(
        review=review, approve=False, note="Beschrijf de opslag.", by=supervisor
    )
    review.refresh_from_db()
    assert review.status == EthicsReview.Status.CHANGES
    assert review.is_editable
    assert milestone(project, MilestoneKind.ETHICS).status == S.REVISE


def test_an_ended_ethics_reviewer_may_no_longer_decide(project, reviewer, programme_admin):
    review = submit_ethics(project, HIGHER_RISK)
    appointment = reviewer.ethics_appointments.get()
    services.end_ethics_reviewer(appointment=appointment, by=programme_admin)
    assert not services.may_decide_ethics(reviewer, review)


def test_the_supervisor_can_refer_a_low_risk_review(project, supervisor, reviewer):
    review = submit_ethics(project, LOW_RISK)
    services.refer_ethics(review=review, note="Twijfel over de dubbelrol.", by=supervisor)
    review.refresh_from_db()
    assert review.route == Route.ETHICS_REVIEWER
    assert review.risk_class == RiskClass.LOW
    assert services.may_decide_ethics(reviewer, review)
    assert not services.may_decide_ethics(supervisor, review)


def test_only_the_supervisor_refers_and_only_low_risk(project, supervisor, reviewer):
    review = submit_ethics(project, LOW_RISK)
    with pytest.raises(PermissionDenied):
        services.refer_ethics(review=review, note="", by=project.enrolment.student)
    with pytest.raises(PermissionDenied):
        services.refer_ethics(review=review, note="", by=reviewer)
    services.refer_ethics(review=review, note="", by=supervisor)
    with pytest.raises(PermissionDenied):  # already with the ethics reviewer
        services.refer_ethics(review=review, note="", by=supervisor)


# --- re-approval after a design change ----------------------------------------------------------


def test_data_collection_can_start_once_the_ethics_review_is_approved(project, supervisor):
    data_collection = milestone(project, MilestoneKind.DATA_COLLECTION)
    with pytest.raises(ValidationError):
        services.start_milestone(milestone=data_collection, by=project.enrolment.student)
    approve_ethics(project, supervisor)
    services.start_milestone(milestone=data_collection, by=project.enrolment.student)
    assert milestone(project, MilestoneKind.DATA_COLLECTION).status == S.IN_PROGRESS


def test_a_design_change_after_approval_starts_a_new_round(project, supervisor):
    first = approve_ethics(project, supervisor)
    student = project.enrolment.student
    services.update_project(project=project, research_question="new", by=student)
    first.refresh_from_db()
    assert first.status == EthicsReview.Status.SUPERSEDED
    second = project.ethics_reviews.current().get()
    assert second.number == 2
    assert second.status == EthicsReview.Status.DRAFT
    assert second.answers == first.answers
    assert second.reason_for_round
    assert milestone(project, MilestoneKind.ETHICS).status == S.IN_PROGRESS
    assert not services.ethics_approved(project)
    with pytest.raises(ValidationError):
        services.start_milestone(
            milestone=milestone(project, MilestoneKind.DATA_COLLECTION), by=student
        )


def test_saving_the_same_design_keeps_the_approval(project, supervisor):
    approve_ethics(project, supervisor)
    services.update_project(
        project=project, working_title="Een nieuwe titel", by=project.enrolment.student
    )
    assert project.ethics_reviews.get().status == EthicsReview.Status.APPROVED


def test_the_new_round_is_approved_again_by_the_route_of_its_answers(project, supervisor):
    approve_ethics(project, supervisor)
    student = project.enrolment.student
    services.update_project(project=project, research_question="new", by=student)
    second = project.ethics_reviews.current().get()
    services.submit_ethics(review=second, by=student)
    services.decide_ethics(review=second, approve=True, note="", by=supervisor)
    assert services.ethics_approved(project)
    assert milestone(project, MilestoneKind.ETHICS).status == S.APPROVED


def test_revise_ethics_asks_a_reason_and_an_approved_round(project, supervisor):
    student = project.enrolment.student
    review = project.ethics_reviews.get()
    with pytest.raises(ValidationError):
        services.revise_ethics(review=review, reason="Andere methode.", by=student)
    approved = approve_ethics(project, supervisor)
    with pytest.raises(ValidationError):
        services.revise_ethics(review=approved, reason=" ", by=student)
    new = services.revise_ethics(review=approved, reason="Andere methode.", by=student)
    assert new.number == 2
    assert new.reason_for_round == "Andere methode."


def test_a_supervisor_who_is_an_ethics_reviewer_is_not_asked_about_a_supervisees_review(
    project, supervisor, programme_admin
):
    """The queue, the dashboard count and the digest share ``waiting_for``; it follows who
    may decide (``may_decide_ethics``): not one's own supervisee's higher-risk review."""
    from thesis.models import EthicsReview
    from thesis.summary import ethics_waiting_for

    from .helpers import HIGHER_RISK, submit_ethics

    services.appoint_ethics_reviewer(user=supervisor, by=programme_admin)
    review = submit_ethics(project, HIGHER_RISK)
    assert not services.may_decide_ethics(supervisor, review)
    assert not EthicsReview.objects.waiting_for(supervisor).exists()
    assert ethics_waiting_for(supervisor) == 0
