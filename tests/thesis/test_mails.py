"""The mails that follow a thesis act: after commit, to the right person, in their language."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cohorts.models import SupervisorAssignment
from tests.factories import LecturerFactory, SupervisorFactory
from thesis import services, tasks
from thesis.models import EthicsReviewerAppointment, MilestoneKind

from .helpers import HIGHER_RISK, approve, hand_in, milestone, submit_ethics

PROPOSAL = MilestoneKind.PROPOSAL
SITE = "https://coachmaster.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def english_supervisor(supervisor):
    supervisor.preferred_language = "en"
    supervisor.save(update_fields=["preferred_language"])
    return supervisor


@pytest.fixture
def reviewers(programme_admin, supervisor, student):
    """Two programme ethics reviewers (one English), plus appointments that must not be
    mailed: the student's own supervisor, the student, an inactive and a former reviewer."""
    english = LecturerFactory(email="ethiek-en@example.org", preferred_language="en")
    dutch = LecturerFactory(email="ethiek-nl@example.org")
    inactive = LecturerFactory(email="ethiek-weg@example.org", is_active=False)
    former = LecturerFactory(email="ethiek-oud@example.org")
    for user in (english, dutch, inactive, former, supervisor):
        services.appoint_ethics_reviewer(user=user, by=programme_admin)
    EthicsReviewerAppointment.objects.create(reviewer=student, assigned_by=programme_admin)
    services.end_ethics_reviewer(
        appointment=EthicsReviewerAppointment.objects.get(reviewer=former), by=programme_admin
    )
    return english, dutch


def translated(user, msgid: str, **params) -> str:
    with translation.override(user.preferred_language):
        return translation.gettext(msgid) % params


def name_in(user, item) -> str:
    with translation.override(user.preferred_language):
        return item.name


def milestone_url(item) -> str:
    return SITE + reverse("thesis:milestone", args=[item.uuid])


def ethics_url(review) -> str:
    return SITE + reverse("thesis:ethics", args=[review.uuid])


# --- versions --------------------------------------------------------------------------------


def test_a_handed_in_version_is_mailed_to_the_supervisor_after_commit(
    project, student, english_supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = hand_in(project, PROPOSAL, comment="Met de bronnen erbij.")
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    (mail,) = mailoutbox
    assert mail.to == [english_supervisor.email]
    item = milestone(project, PROPOSAL)
    expected = translated(
        english_supervisor,
        "%(student)s handed in version %(number)s of %(milestone)s",
        student=student.get_full_name(),
        number=1,
        milestone=name_in(english_supervisor, item),
    )
    assert mail.subject == "[CoachMaster] " + expected
    assert expected != translated(
        student,
        "%(student)s handed in version %(number)s of %(milestone)s",
        student=student.get_full_name(),
        number=1,
        milestone=name_in(student, item),
    )
    assert milestone_url(item) in mail.body
    assert "Met de bronnen erbij." in mail.body
    assert version.number == 1


def test_a_dutch_supervisor_reads_it_in_dutch(
    project, student, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    student.family_name = "D'Hondt & Zn"  # plain text: not escaped in subject or body
    student.save(update_fields=["family_name"])
    with django_capture_on_commit_callbacks(execute=True):
        hand_in(project, PROPOSAL)
        hand_in(project, PROPOSAL)
    assert [mail.to for mail in mailoutbox] == [[supervisor.email]] * 2
    item = milestone(project, PROPOSAL)
    expected = translated(
        supervisor,
        "%(student)s handed in version %(number)s of %(milestone)s",
        student=student.get_full_name(),
        number=2,
        milestone=name_in(supervisor, item),
    )
    assert mailoutbox[1].subject.endswith(expected)
    assert "versie 2" in mailoutbox[1].subject
    assert "D'Hondt & Zn" in mailoutbox[1].body


def test_no_mail_to_an_inactive_supervisor(
    project, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hand_in(project, PROPOSAL)
    assert len(callbacks) == 1
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("decision", "msgid"),
    [
        ("approved", "Version %(number)s of %(milestone)s is approved"),
        ("revise", "Feedback on version %(number)s of %(milestone)s: a revision is asked"),
    ],
)
def test_a_review_is_mailed_to_the_student_with_the_feedback(
    project,
    student,
    supervisor,
    decision,
    msgid,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])
    version = hand_in(project, PROPOSAL)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_version(
            version=version,
            decision=decision,
            feedback="Mooi <b>werk</b> & sterke vraag.",
            by=supervisor,
        )
    (mail,) = mailoutbox
    assert mail.to == [student.email]
    item = milestone(project, PROPOSAL)
    expected = translated(student, msgid, number=1, milestone=name_in(student, item))
    assert mail.subject.endswith(expected)
    assert expected != translated(supervisor, msgid, number=1, milestone=name_in(student, item))
    assert "Mooi <b>werk</b> & sterke vraag." in mail.body  # plain text, not escaped
    assert milestone_url(item) in mail.body


def test_no_review_mail_to_an_inactive_student(
    project, student, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    version = hand_in(project, PROPOSAL)
    student.is_active = False
    student.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.review_version(
            version=version, decision="revise", feedback="Nog niet.", by=supervisor
        )
    assert mailoutbox == []


# --- reopening -------------------------------------------------------------------------------


def test_reopening_is_mailed_to_the_student_with_the_reason(
    project, student, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    item = approve(project, PROPOSAL, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_milestone(
            milestone=item, reason="De onderzoeksvraag is verschoven.", by=supervisor
        )
    (mail,) = mailoutbox
    assert mail.to == [student.email]
    expected = translated(
        student, "%(milestone)s has been reopened", milestone=name_in(student, item)
    )
    assert mail.subject.endswith(expected)
    assert "De onderzoeksvraag is verschoven." in mail.body
    assert milestone_url(item) in mail.body


def test_no_mail_when_reopening_is_refused(
    project, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    item = milestone(project, PROPOSAL)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.reopen_milestone(milestone=item, reason="Waarom niet.", by=supervisor)
    assert mailoutbox == []


# --- the ethics review -----------------------------------------------------------------------


def test_a_low_risk_review_is_mailed_to_the_supervisor_only(
    project,
    student,
    english_supervisor,
    reviewers,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        review = submit_ethics(project)
    (mail,) = mailoutbox
    assert mail.to == [english_supervisor.email]
    expected = translated(
        english_supervisor,
        "%(student)s submitted an ethics review for your decision",
        student=student.get_full_name(),
    )
    assert mail.subject.endswith(expected)
    assert ethics_url(review) in mail.body


def test_a_higher_risk_review_goes_to_every_ethics_reviewer_but_supervisor_and_student(
    project, student, supervisor, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = submit_ethics(project, HIGHER_RISK)
    assert review.route == review.Route.ETHICS_REVIEWER
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(r.email for r in reviewers)
    msgid = "%(student)s submitted an ethics review for your decision"
    for mail in mailoutbox:
        user = next(r for r in reviewers if r.email == mail.to[0])
        assert mail.subject.endswith(translated(user, msgid, student=student.get_full_name()))
        assert ethics_url(review) in mail.body
    english, dutch = reviewers
    assert translated(english, msgid, student="X") != translated(dutch, msgid, student="X")


def test_a_referred_review_goes_to_the_ethics_reviewers(
    project, student, supervisor, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    review = submit_ethics(project)
    with django_capture_on_commit_callbacks(execute=True):
        services.refer_ethics(review=review, note="Ik twijfel over de dubbele rol.", by=supervisor)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(r.email for r in reviewers)
    for mail in mailoutbox:
        user = next(r for r in reviewers if r.email == mail.to[0])
        expected = translated(
            user,
            "An ethics review of %(student)s was referred to you",
            student=student.get_full_name(),
        )
        assert mail.subject.endswith(expected)
        assert "Ik twijfel over de dubbele rol." in mail.body


@pytest.mark.parametrize(
    ("approve_it", "msgid"),
    [(True, "Your ethics review is approved"), (False, "Your ethics review: changes are asked")],
)
def test_an_ethics_decision_is_mailed_to_the_student(
    project,
    student,
    supervisor,
    approve_it,
    msgid,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    review = submit_ethics(project)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_ethics(
            review=review, approve=approve_it, note="Let op de bewaartermijn.", by=supervisor
        )
    (mail,) = mailoutbox
    assert mail.to == [student.email]
    assert mail.subject.endswith(translated(student, msgid))
    assert "Let op de bewaartermijn." in mail.body
    assert ethics_url(review) in mail.body


def test_an_ethics_reviewers_decision_is_mailed_to_the_student_only(
    project, student, supervisor, reviewers, mailoutbox, django_capture_on_commit_callbacks
):
    review = submit_ethics(project, HIGHER_RISK)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_ethics(review=review, approve=True, note="", by=reviewers[0])
    assert [mail.to for mail in mailoutbox] == [[student.email]]


def test_no_decision_mail_to_an_inactive_student(
    project, student, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    review = submit_ethics(project)
    student.is_active = False
    student.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_ethics(review=review, approve=False, note="Meer uitleg.", by=supervisor)
    assert mailoutbox == []


# --- the tasks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "task",
    [
        tasks.mail_version_handed_in,
        tasks.mail_version_reviewed,
        tasks.mail_milestone_reopened,
        tasks.mail_ethics_submitted,
        tasks.mail_ethics_referred,
        tasks.mail_ethics_decided,
    ],
)
def test_a_task_for_a_missing_row_returns_quietly(task, db, mailoutbox):
    assert task(987654) is None
    assert mailoutbox == []


def test_the_supervisor_who_supervises_when_the_mail_goes_out_gets_it(
    project, enrolment, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hand_in(project, PROPOSAL)
    successor = SupervisorFactory(email="opvolger@example.org")
    SupervisorAssignment.objects.current().filter(enrolment=enrolment).update(
        ended_at=timezone.now()
    )
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=successor)
    for callback in callbacks:
        callback()
    assert [mail.to for mail in mailoutbox] == [[successor.email]]
