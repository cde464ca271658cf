"""Formative feedback threads, the rules: who may ask whom about what, replies and their
status, closing, the limits on text, and the mails after commit in the recipient's language."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from cohorts.models import Enrolment, LecturerAssignment
from competencies.models import FeedbackMessage, FeedbackThread, Portfolio
from competencies.services import feedback as services
from competencies.services import portfolio as portfolio_services
from tests.competencies.portfolio_helpers import (
    complete,
    make_evidence,
    start,
)
from tests.factories import EnrolmentFactory, LecturerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def teacher(lecturer, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    return lecturer


@pytest.fixture
def evidence(enrolment):
    return make_evidence(enrolment, title="Coachgesprek 3")


@pytest.fixture
def portfolio(enrolment, version):
    return start(enrolment, version.review_moments.get(code="year-1-review"))


def ask(enrolment, lecturer, **kwargs):
    kwargs.setdefault("subject", "Mijn vraag")
    kwargs.setdefault("question", "Is dit **voldoende**?")
    return services.ask_feedback(
        enrolment=enrolment, lecturer=lecturer, by=kwargs.pop("by", enrolment.student), **kwargs
    )


# --- asking -----------------------------------------------------------------------------------


def test_student_asks_about_own_evidence(enrolment, teacher, evidence):
    thread = ask(enrolment, teacher, evidence=evidence)
    assert thread.status == FeedbackThread.Status.OPEN
    assert (thread.evidence, thread.portfolio, thread.lecturer) == (evidence, None, teacher)
    assert [(m.author, m.text) for m in thread.messages.all()] == [
        (enrolment.student, "Is dit **voldoende**?")
    ]


def test_student_asks_about_own_draft_portfolio(enrolment, teacher, portfolio):
    thread = ask(enrolment, teacher, portfolio=portfolio)
    assert thread.portfolio == portfolio and thread.evidence is None


def test_nobody_but_the_student_asks(enrolment, teacher, evidence, student2, programme_admin):
    for user in (student2, teacher, programme_admin):
        with pytest.raises(PermissionDenied):
            ask(enrolment, teacher, evidence=evidence, by=user)
    assert not FeedbackThread.objects.exists()


def test_not_about_another_students_evidence(enrolment, teacher, student2):
    foreign = make_evidence(student2.enrolments.get(), title="Niet van mij")
    with pytest.raises(PermissionDenied):
        ask(enrolment, teacher, evidence=foreign)
    assert not FeedbackThread.objects.exists()


def test_not_about_another_students_portfolio(enrolment, teacher, student2, version):
    other = start(student2.enrolments.get(), version.review_moments.get(code="year-1-review"))
    with pytest.raises(PermissionDenied):
        ask(enrolment, teacher, portfolio=other)


def test_exactly_one_subject(enrolment, teacher, evidence, portfolio):
    with pytest.raises(ValidationError):
        ask(enrolment, teacher)
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence, portfolio=portfolio)
    assert not FeedbackThread.objects.exists()


def test_not_about_a_submitted_portfolio(enrolment, teacher, portfolio):
    complete(portfolio)
    portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED
    with pytest.raises(ValidationError) as error:
        ask(enrolment, teacher, portfolio=portfolio)
    assert error.value.messages == [
        gettext(
            "This portfolio is submitted: feedback from a lecturer can be asked only "
            "before it is submitted."
        )
    ]
    assert not FeedbackThread.objects.exists()


def test_not_an_unassigned_lecturer(enrolment, evidence, lecturer):
    with pytest.raises(ValidationError):
        ask(enrolment, lecturer, evidence=evidence)


def test_not_a_lecturer_of_another_cohort(enrolment, evidence, other_cohort):
    elsewhere = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=elsewhere)
    with pytest.raises(ValidationError):
        ask(enrolment, elsewhere, evidence=evidence)


def test_not_a_lecturer_whose_assignment_ended(enrolment, evidence, teacher, cohort):
    from django.utils import timezone

    LecturerAssignment.objects.filter(cohort=cohort, lecturer=teacher).update(
        ended_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence)


def test_not_a_lecturer_who_neither_teaches_nor_examines(enrolment, evidence, teacher, cohort):
    LecturerAssignment.objects.filter(cohort=cohort, lecturer=teacher).update(
        teaches=False, examines=False
    )
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence)


def test_an_examining_only_lecturer_may_be_asked(enrolment, evidence, teacher, cohort):
    LecturerAssignment.objects.filter(cohort=cohort, lecturer=teacher).update(teaches=False)
    assert ask(enrolment, teacher, evidence=evidence).pk


def test_not_after_the_enrolment_ended(enrolment, evidence, teacher):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WITHDRAWN)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence)


@pytest.mark.parametrize("question", ["", "   \n\t "])
def test_empty_question_refused(enrolment, teacher, evidence, question):
    with pytest.raises(ValidationError) as error:
        ask(enrolment, teacher, evidence=evidence, question=question)
    assert (
        gettext("Write a message first: an empty message can't be sent.") in error.value.messages
    )
    assert not FeedbackThread.objects.exists()


def test_long_text_and_subject_refused(enrolment, teacher, evidence):
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence, question="x" * 5001)
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence, subject="x" * 201)
    with pytest.raises(ValidationError):
        ask(enrolment, teacher, evidence=evidence, subject="  ")
    assert ask(enrolment, teacher, evidence=evidence, question="x" * 5000).pk


# --- replies and closing -------------------------------------------------------------------------


@pytest.fixture
def thread(enrolment, teacher, evidence):
    return ask(enrolment, teacher, evidence=evidence)


def test_status_flips_with_each_reply(thread, teacher, enrolment):
    services.reply(thread=thread, text="Ja, met één kanttekening.", by=teacher)
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.ANSWERED
    services.reply(thread=thread, text="Welke?", by=enrolment.student)
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.OPEN
    assert thread.messages.count() == 3


def test_only_the_two_parties_reply(thread, student2, programme_admin):
    other_lecturer = LecturerFactory()
    LecturerAssignment.objects.create(cohort=thread.enrolment.cohort, lecturer=other_lecturer)
    for user in (student2, programme_admin, other_lecturer):
        with pytest.raises(PermissionDenied):
            services.reply(thread=thread, text="Hallo", by=user)
    assert thread.messages.count() == 1


def test_empty_reply_refused(thread, teacher):
    with pytest.raises(ValidationError):
        services.reply(thread=thread, text=" \n ", by=teacher)
    with pytest.raises(ValidationError):
        services.reply(thread=thread, text="x" * 5001, by=teacher)
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.OPEN
    assert thread.messages.count() == 1


@pytest.mark.parametrize("closer", ["student", "lecturer"])
def test_either_party_closes_and_a_closed_thread_takes_no_replies(thread, teacher, closer):
    by = thread.enrolment.student if closer == "student" else teacher
    services.close_thread(thread=thread, by=by)
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.CLOSED
    for user in (thread.enrolment.student, teacher):
        with pytest.raises(ValidationError) as error:
            services.reply(thread=thread, text="Nog één ding", by=user)
        assert error.value.messages == [
            gettext(
                "This conversation is closed and can't be reopened. To ask more, start a new "
                "question."
            )
        ]
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.CLOSED
    assert thread.messages.count() == 1
    with pytest.raises(ValidationError):
        services.close_thread(thread=thread, by=by)


def test_an_administrator_cannot_close(thread, programme_admin):
    with pytest.raises(PermissionDenied):
        services.close_thread(thread=thread, by=programme_admin)


# --- mail -------------------------------------------------------------------------------------


def test_asking_mails_the_lecturer_after_commit_in_their_language(
    enrolment, teacher, evidence, mailoutbox, django_capture_on_commit_callbacks
):
    teacher.preferred_language = "en"
    teacher.save(update_fields=["preferred_language"])
    enrolment.student.family_name = "D'Hondt"
    enrolment.student.save(update_fields=["family_name"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        thread = ask(enrolment, teacher, evidence=evidence)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    [mail] = mailoutbox
    name = enrolment.student.get_full_name()
    assert mail.to == [teacher.email]
    assert mail.subject == f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{name} asks for your feedback"
    link = settings.SITE_URL + reverse("competencies:feedback_thread", args=[thread.uuid])
    assert link in mail.body
    assert "the evidence “Coachgesprek 3”" in mail.body
    # The question itself stays on the platform.
    assert "voldoende" not in mail.body


def test_mail_is_written_in_the_recipients_language(
    enrolment, teacher, evidence, mailoutbox, django_capture_on_commit_callbacks
):
    teacher.preferred_language = "nl"
    teacher.save(update_fields=["preferred_language"])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        ask(enrolment, teacher, evidence=evidence)
    with translation.override("nl"):
        expected = gettext("%(name)s asks for your feedback") % {
            "name": enrolment.student.get_full_name()
        }
        greeting = gettext("Dear %(name)s,") % {"name": teacher.given_name}
    assert mailoutbox[0].subject.endswith(expected)
    assert mailoutbox[0].body.startswith(greeting)


def test_replies_mail_the_other_party(
    thread, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    FeedbackThread.objects.filter(pk=thread.pk).update(subject="Jan's <verslag> & zo")
    thread.refresh_from_db()
    student = thread.enrolment.student
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread=thread, text="Goed begin.", by=teacher)
    [mail] = mailoutbox
    assert mail.to == [student.email]
    # Plain text: nothing is HTML-escaped.
    assert mail.subject.endswith("New message: Jan's <verslag> & zo")
    assert "Jan's <verslag> & zo" in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread=thread, text="Dank!", by=student)
    assert mailoutbox[1].to == [teacher.email]


def test_no_mail_when_the_transaction_is_rolled_back(
    enrolment, teacher, evidence, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        ask(enrolment, teacher, evidence=evidence, question="")
    assert callbacks == [] and mailoutbox == []


def test_closing_sends_no_mail(thread, teacher, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.close_thread(thread=thread, by=teacher)
    assert mailoutbox == []


def test_a_deleted_message_mails_nothing(thread, mailoutbox):
    message = thread.messages.get()
    FeedbackMessage.objects.filter(pk=message.pk).delete()
    services.send_feedback_mail(message_id=message.pk)
    assert mailoutbox == []


def test_lecturer_choices_are_the_cohorts_current_lecturers(enrolment, teacher, cohort):
    ended = LecturerFactory()
    LecturerAssignment.objects.create(cohort=cohort, lecturer=ended, ended_at="2025-01-01T00:00Z")
    inactive = LecturerFactory(is_active=False)
    LecturerAssignment.objects.create(cohort=cohort, lecturer=inactive)
    elsewhere = LecturerFactory()
    LecturerAssignment.objects.create(cohort=EnrolmentFactory().cohort, lecturer=elsewhere)
    assert list(services.current_lecturers(enrolment)) == [teacher]
