"""Feedback requests: a single-use, expiring link that needs no account; the answer arrives as
client-feedback evidence."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, override

from competencies.models import ClientEngagement, Evidence, FeedbackRequest
from competencies.services.evidence import (
    FeedbackLinkClosed,
    answer_feedback_request,
    create_feedback_request,
    default_questions,
    revoke_feedback_request,
)
from tests.competencies.evidence_helpers import (  # noqa: F401 (fixtures)
    assigned_lecturer_fixture,
    competencies_fixture,
    enrolment_fixture,
)

pytestmark = pytest.mark.django_db

QUESTIONS = "Wat hielp je het meest?\nWat kan beter?"


def _request(enrolment, **overrides):
    arguments = {
        "enrolment": enrolment,
        "recipient_label": "opdrachtgever, HR",
        "relation": FeedbackRequest.Relation.SPONSOR,
        "questions": QUESTIONS,
        "by": enrolment.student,
    }
    arguments.update(overrides)
    return create_feedback_request(**arguments)


def _answer_url(token):
    return reverse("competencies:feedback_answer", args=[token])


def _answers(**extra):
    return {"answer_0": "De vragen die je stelde.", "answer_1": "", **extra}


# --- asking ---------------------------------------------------------------------------------


def test_student_makes_a_link_that_is_shown_once(client, student, enrolment, competencies):
    engagement = ClientEngagement.objects.create(
        enrolment=enrolment, client_code="C-07", client_type="individual"
    )
    client.force_login(student)
    assert client.get(reverse("competencies:feedback_create")).status_code == 200
    response = client.post(
        reverse("competencies:feedback_create"),
        {
            "recipient_label": "coachee C-07",
            "relation": "client",
            "engagement": str(engagement.uuid),
            "competencies": [str(competencies[0].uuid)],
            "questions": QUESTIONS,
            "expires_in_days": "7",
            "email": "",
        },
    )
    feedback_request = FeedbackRequest.objects.get()
    created_url = reverse("competencies:feedback_created", args=[feedback_request.uuid])
    assert response.status_code == 302 and response["Location"] == created_url
    assert feedback_request.engagement == engagement
    assert list(feedback_request.competencies.all()) == [competencies[0]]
    assert feedback_request.question_list == ["Wat hielp je het meest?", "Wat kan beter?"]
    expected_expiry = timezone.now() + datetime.timedelta(days=7)
    assert abs(feedback_request.expires_at - expected_expiry) < datetime.timedelta(minutes=1)

    page = client.get(created_url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    link = page.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 40
    # Only the hash is stored.
    assert feedback_request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(FeedbackRequest.objects.values().get())
    # A second visit does not show it again.
    again = client.get(created_url)
    assert again.status_code == 302
    assert again["Location"] == reverse("competencies:feedback_list")


def test_the_email_address_receives_the_link_and_is_not_stored(
    client, student, enrolment, django_capture_on_commit_callbacks
):
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("competencies:feedback_create"),
            {
                "recipient_label": "sponsor",
                "relation": "sponsor",
                "questions": QUESTIONS,
                "expires_in_days": "14",
                "email": "sponsor@klant.example",
            },
        )
    feedback_request = FeedbackRequest.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sponsor@klant.example"]
    assert student.given_name in message.subject
    token = message.body.split("/feedback/", 1)[1].split("/", 1)[0]
    assert feedback_request.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = str(FeedbackRequest.objects.values().get())
    assert "klant.example" not in stored


def test_untouched_questions_become_questions_about_the_chosen_competencies(
    client, student, enrolment, competencies
):
    client.force_login(student)
    with override("nl"):
        suggested = default_questions()
    client.post(
        reverse("competencies:feedback_create"),
        {
            "recipient_label": "teamlid",
            "relation": "colleague",
            "competencies": [str(competencies[1].uuid)],
            "questions": suggested,
            "expires_in_days": "14",
        },
    )
    questions = FeedbackRequest.objects.get().question_list
    assert len(questions) == 3
    assert competencies[1].name_nl in questions[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("expires_in_days", "0"),
        ("expires_in_days", "61"),
        ("questions", "\n".join(f"Vraag {n}?" for n in range(11))),
        ("recipient_label", ""),
        ("email", "geen-adres"),
    ],
)
def test_bad_requests_are_refused(client, student, enrolment, field, value):
    client.force_login(student)
    data = {
        "recipient_label": "teamlid",
        "relation": "colleague",
        "questions": QUESTIONS,
        "expires_in_days": "14",
    }
    data[field] = value
    response = client.post(reverse("competencies:feedback_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not FeedbackRequest.objects.exists()


def test_an_engagement_of_another_student_cannot_be_chosen(student2, enrolment):
    other = student2.enrolments.get()
    engagement = ClientEngagement.objects.create(
        enrolment=other, client_code="X", client_type="individual"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _request(enrolment, engagement=engagement)


def test_staff_cannot_ask_for_a_student(enrolment, assigned_lecturer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _request(enrolment, by=assigned_lecturer)


def test_the_list_shows_each_state(client, student, enrolment):
    open_request, _token = _request(enrolment, recipient_label="open")
    revoked, _token = _request(enrolment, recipient_label="ingetrokken")
    revoke_feedback_request(feedback_request=revoked, by=student)
    expired, _token = _request(enrolment, recipient_label="verlopen")
    FeedbackRequest.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    answered, token = _request(enrolment, recipient_label="beantwoord")
    answer_feedback_request(token=token, answers=["ja", "nee"])
    client.force_login(student)
    response = client.get(reverse("competencies:feedback_list"))
    states = {r.recipient_label: r.state for r in response.context["page"]}
    assert states == {
        "open": FeedbackRequest.State.OPEN,
        "ingetrokken": FeedbackRequest.State.REVOKED,
        "verlopen": FeedbackRequest.State.EXPIRED,
        "beantwoord": FeedbackRequest.State.ANSWERED,
    }
    html = response.content.decode()
    assert reverse("competencies:feedback_revoke", args=[open_request.uuid]) in html
    assert reverse("competencies:feedback_revoke", args=[revoked.uuid]) not in html
    assert reverse("competencies:evidence_detail", args=[answered.answer.uuid]) in html


@pytest.mark.parametrize("size", [10, 300])
def test_feedback_list_query_count_does_not_grow(
    client, student, enrolment, size, django_assert_num_queries
):
    FeedbackRequest.objects.bulk_create(
        FeedbackRequest(
            enrolment=enrolment,
            token_hash=f"{n:064d}",
            recipient_label=f"teamlid {n}",
            relation="colleague",
            questions="Wat?",
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        for n in range(size)
    )
    client.force_login(student)
    client.get(reverse("competencies:feedback_list"))
    # session, user, enrolment, count, page
    with django_assert_num_queries(5):
        response = client.get(reverse("competencies:feedback_list"))
    assert len(response.context["page"]) == min(size, 25)


# --- answering ------------------------------------------------------------------------------


def test_anyone_with_the_link_sees_the_questions_and_only_the_given_name(client, enrolment):
    _feedback_request, token = _request(enrolment)
    response = client.get(_answer_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    student = enrolment.student
    assert escape(student.given_name) in html
    assert escape(student.family_name) not in html
    assert student.email not in html
    assert enrolment.student_number not in html
    assert "opdrachtgever, HR" not in html  # the label is the student's note, not for them
    form = response.context["form"]
    assert [form[f"answer_{n}"].label for n in range(2)] == QUESTIONS.splitlines()
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"


def test_an_answer_without_an_account_becomes_client_feedback_evidence(client, enrolment):
    feedback_request, token = _request(enrolment)
    response = client.post(_answer_url(token), _answers(respondent_role="HR-manager"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    evidence = Evidence.objects.get()
    assert evidence.enrolment == enrolment
    assert evidence.kind == Evidence.Kind.CLIENT_FEEDBACK
    assert evidence.feedback_request == feedback_request
    assert evidence.is_answered_feedback
    assert not evidence.claims.exists()
    assert "Wat hielp je het meest?" in evidence.text
    assert "De vragen die je stelde." in evidence.text
    assert "HR-manager" in evidence.text
    with override("nl"):
        assert evidence.title == gettext("Feedback from %(who)s") % {"who": "opdrachtgever, HR"}
    feedback_request.refresh_from_db()
    assert feedback_request.used_at is not None
    assert feedback_request.state == FeedbackRequest.State.ANSWERED


def test_a_logged_in_stranger_can_answer_too(client, enrolment, student2):
    _feedback_request, token = _request(enrolment)
    client.force_login(student2)
    assert client.post(_answer_url(token), _answers()).status_code == 200
    assert Evidence.objects.get().enrolment == enrolment


def test_an_empty_answer_is_refused(client, enrolment):
    _feedback_request, token = _request(enrolment)
    response = client.post(_answer_url(token), {"answer_0": " ", "answer_1": ""})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Evidence.objects.exists()


def test_a_link_works_once(client, enrolment):
    _feedback_request, token = _request(enrolment)
    assert client.post(_answer_url(token), _answers()).status_code == 200
    for method in ("get", "post"):
        response = getattr(client, method)(_answer_url(token), _answers())
        assert response.status_code == 410
        assert response.context["state"] == FeedbackRequest.State.ANSWERED
        assert response["Cache-Control"] == "no-store"
    assert Evidence.objects.count() == 1


def test_a_double_submit_answers_once(enrolment):
    _feedback_request, token = _request(enrolment)
    answer_feedback_request(token=token, answers=["ja", "nee"])
    with pytest.raises(FeedbackLinkClosed) as closed:
        answer_feedback_request(token=token, answers=["nog", "eens"])
    assert closed.value.state == FeedbackRequest.State.ANSWERED
    assert Evidence.objects.count() == 1


def test_an_expired_link_says_so(client, enrolment):
    feedback_request, token = _request(enrolment, expires_in_days=1)
    FeedbackRequest.objects.filter(pk=feedback_request.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    for method in ("get", "post"):
        response = getattr(client, method)(_answer_url(token), _answers())
        assert response.status_code == 410
        assert response.context["state"] == FeedbackRequest.State.EXPIRED
    assert not Evidence.objects.exists()


def test_a_revoked_link_says_so(client, student, enrolment):
    feedback_request, token = _request(enrolment)
    client.force_login(student)
    response = client.post(reverse("competencies:feedback_revoke", args=[feedback_request.uuid]))
    assert response.status_code == 302
    feedback_request.refresh_from_db()
    assert feedback_request.revoked_at is not None
    client.logout()
    for method in ("get", "post"):
        response = getattr(client, method)(_answer_url(token), _answers())
        assert response.status_code == 410
        assert response.context["state"] == FeedbackRequest.State.REVOKED
    assert not Evidence.objects.exists()


def test_an_answered_request_cannot_be_revoked(client, student, enrolment):
    feedback_request, token = _request(enrolment)
    answer_feedback_request(token=token, answers=["ja", "nee"])
    client.force_login(student)
    response = client.post(
        reverse("competencies:feedback_revoke", args=[feedback_request.uuid]), follow=True
    )
    feedback_request.refresh_from_db()
    assert feedback_request.revoked_at is None
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("token", ["onbekend", "x" * 43, "a" * 500])
def test_an_unknown_link_is_not_found(client, enrolment, token):
    _request(enrolment)
    assert client.get(_answer_url(token)).status_code == 404
    assert client.post(_answer_url(token), _answers()).status_code == 404


def test_the_student_cannot_answer_their_own_link(client, student, enrolment):
    _feedback_request, token = _request(enrolment)
    client.force_login(student)
    page = client.get(_answer_url(token))
    assert page.status_code == 200 and page.context["own_link"]
    assert client.post(_answer_url(token), _answers()).status_code == 403
    assert not Evidence.objects.exists()


def test_feedback_evidence_keeps_its_text_but_takes_claims(
    client, student, enrolment, competencies
):
    _feedback_request, token = _request(enrolment)
    evidence = answer_feedback_request(token=token, answers=["ja", "nee"])
    text = evidence.text
    client.force_login(student)
    detail = client.get(reverse("competencies:evidence_detail", args=[evidence.uuid]))
    assert detail.context["feedback_request"].question_list == QUESTIONS.splitlines()
    url = reverse("competencies:evidence_edit", args=[evidence.uuid])
    form = client.get(url).context["form"]
    assert "text" not in form.fields and "kind" not in form.fields
    response = client.post(
        url,
        {
            "title": "Feedback van de opdrachtgever",
            "text": "vervalst",
            "kind": "document",
            "claims-TOTAL_FORMS": "1",
            "claims-INITIAL_FORMS": "0",
            "claims-MIN_NUM_FORMS": "0",
            "claims-MAX_NUM_FORMS": "50",
            "claims-0-competency": str(competencies[0].uuid),
            "claims-0-level": "2",
            "claims-0-justification": "De opdrachtgever zag het.",
        },
    )
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.title == "Feedback van de opdrachtgever"
    assert evidence.text == text
    assert evidence.kind == Evidence.Kind.CLIENT_FEEDBACK
    assert evidence.claims.count() == 1
