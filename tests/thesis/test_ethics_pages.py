"""Ethics review pages: the checklist (saving, submitting, the risk preview), deciding,
referring, new rounds, the queue of reviews waiting, the ethics reviewers page; who may open
what, wrong methods and query counts."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import EnrolmentFactory, LecturerFactory, StudentFactory
from thesis import ethics, services
from thesis.models import EthicsReview, EthicsReviewerAppointment, RiskClass

from .helpers import HIGHER_RISK, LOW_RISK, approve_ethics, make_project, submit_ethics

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
Status, Route = EthicsReview.Status, EthicsReview.Route
CONSENT = "Informatiebrief en **toestemming**; terugtrekken kan altijd."
STORAGE = "Op de universiteitsschijf, gepseudonimiseerd."


def url(name, *args):
    return reverse(f"thesis:{name}", args=args)


def checklist(answers=LOW_RISK, consent=CONSENT, storage=STORAGE) -> dict:
    return {**answers, "consent_procedure": consent, "data_management": storage}


@pytest.fixture
def review(project):
    return project.ethics_reviews.current().get()


@pytest.fixture
def reviewer(programme_admin):
    person = LecturerFactory(email="ethiek@example.org")
    services.appoint_ethics_reviewer(user=person, by=programme_admin)
    return person


@pytest.fixture
def reader(project, programme_admin):
    person = LecturerFactory(email="lezer@example.org")
    services.assign_second_reader(project=project, reader=person, by=programme_admin)
    return person


def get(client, user, address, **extra):
    client.force_login(user)
    return client.get(address, **extra)


def post(client, user, address, data=None, **extra):
    client.force_login(user)
    return client.post(address, data or {}, **extra)


# --- the checklist ------------------------------------------------------------------------------


def test_the_student_sees_the_checklist_as_a_form(client, student, review):
    response = get(client, student, url("ethics", review.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    with translation.override("nl"):
        for question in ethics.QUESTIONS:
            assert escape(str(question.text)) in content
            assert escape(str(question.help)) in content
    assert content.count("<fieldset") >= len(ethics.QUESTIONS)
    assert (
        f'action="{url("ethics_submit", review.uuid)}"' in content
        or url("ethics_submit", review.uuid) in content
    )


def test_saving_keeps_a_part_filled_checklist(client, student, review):
    data = checklist({"insider": ethics.YES, "power": ethics.NO}, storage="")
    response = post(client, student, url("ethics", review.uuid), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.answers == {"insider": ethics.YES, "power": ethics.NO}
    assert review.consent_procedure == CONSENT
    assert review.status == Status.DRAFT


def test_save_and_submit_sends_a_low_risk_review_to_the_supervisor(client, student, review):
    response = post(client, student, url("ethics_submit", review.uuid), checklist())
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED
    assert (review.risk_class, review.route) == (RiskClass.LOW, Route.SUPERVISOR)


def test_submitting_an_incomplete_checklist_keeps_what_was_typed(client, student, review):
    answers = {k: v for k, v in LOW_RISK.items() if k != "recording"}
    response = post(
        client,
        student,
        url("ethics_submit", review.uuid),
        checklist(answers, consent="Mijn tekst"),
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Mijn tekst" in content
    with translation.override("nl"):
        assert (
            gettext("Answer every question of the checklist (%(count)s open).") % {"count": 1}
            in content
        )
    review.refresh_from_db()
    assert review.status == Status.DRAFT
    assert review.consent_procedure == "Mijn tekst"  # saved, not lost


def test_an_invalid_answer_is_refused_with_the_text_kept(client, student, review):
    data = checklist({**LOW_RISK, "insider": "misschien"}, consent="Bewaard <b>")
    response = post(client, student, url("ethics", review.uuid), data)
    assert response.status_code == 400
    assert "Bewaard &lt;b&gt;" in response.content.decode()
    review.refresh_from_db()
    assert review.answers == {}


def test_the_preview_shows_the_risk_class_and_the_concerns(client, student, review):
    services.save_ethics_answers(review=review, answers=HIGHER_RISK, by=student)
    response = get(client, student, url("ethics", review.uuid))
    content = response.content.decode()
    with translation.override("nl"):
        assert str(RiskClass.MEDIUM.label) in content
        assert str(Route.ETHICS_REVIEWER.label) in content
        for key in ("insider", "power", "double_role"):
            question = next(q for q in ethics.QUESTIONS if q.key == key)
            assert escape(str(question.text)) in content


def test_the_live_preview_with_htmx_returns_the_preview_only(client, student, review):
    response = get(
        client,
        student,
        url("ethics", review.uuid) + "?" + "&".join(f"{k}={v}" for k, v in HIGHER_RISK.items()),
        HTTP_HX_TARGET="risk-preview",
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<section id="risk-preview"')
    with translation.override("nl"):
        assert str(RiskClass.MEDIUM.label) in content
    review.refresh_from_db()
    assert review.answers == {}  # a preview saves nothing


def test_a_submitted_review_is_read_only_for_the_student(client, student, project):
    review = submit_ethics(project)
    response = get(client, student, url("ethics", review.uuid))
    assert response.status_code == 200
    assert url("ethics_submit", review.uuid) not in response.content.decode()
    response = post(client, student, url("ethics", review.uuid), checklist(HIGHER_RISK))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.answers == LOW_RISK


def test_consent_text_is_rendered_as_safe_markdown(client, supervisor, project, review, student):
    services.save_ethics_answers(
        review=review,
        answers=LOW_RISK,
        consent_procedure="**vet** <script>alert(1)</script>",
        data_management=STORAGE,
        by=student,
    )
    services.submit_ethics(review=review, by=student)
    content = get(client, supervisor, url("ethics", review.uuid)).content.decode()
    assert "<strong>vet</strong>" in content
    assert "<script>alert(1)</script>" not in content


# --- deciding -----------------------------------------------------------------------------------


def test_the_supervisor_decides_a_low_risk_review(client, supervisor, project):
    review = submit_ethics(project)
    response = get(client, supervisor, url("ethics", review.uuid))
    assert url("ethics_decide", review.uuid) in response.content.decode()
    assert url("ethics_refer", review.uuid) in response.content.decode()
    response = post(
        client, supervisor, url("ethics_decide", review.uuid), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Status.APPROVED
    assert review.decided_by == supervisor
    content = get(client, supervisor, url("ethics", review.uuid)).content.decode()
    assert escape(supervisor.get_full_name()) in content


def test_asking_for_changes_without_explanation_is_refused(client, supervisor, project):
    review = submit_ethics(project)
    response = post(
        client, supervisor, url("ethics_decide", review.uuid), {"decision": "changes", "note": ""}
    )
    assert response.status_code == 400
    with translation.override("nl"):
        assert gettext("Explain what has to change.") in response.content.decode()
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED


def test_asking_for_changes_reopens_the_checklist(client, supervisor, student, project):
    review = submit_ethics(project)
    post(
        client,
        supervisor,
        url("ethics_decide", review.uuid),
        {"decision": "changes", "note": "Beschrijf *hoe* je anonimiseert."},
    )
    review.refresh_from_db()
    assert review.status == Status.CHANGES
    content = get(client, student, url("ethics", review.uuid)).content.decode()
    assert "<em>hoe</em>" in content
    assert url("ethics_submit", review.uuid) in content


def test_the_supervisor_may_not_decide_a_higher_risk_review(client, supervisor, project):
    review = submit_ethics(project, HIGHER_RISK)
    response = get(client, supervisor, url("ethics", review.uuid))
    assert url("ethics_decide", review.uuid) not in response.content.decode()
    response = post(client, supervisor, url("ethics_decide", review.uuid), {"decision": "approve"})
    assert response.status_code == 403


def test_the_ethics_reviewer_decides_a_higher_risk_review(client, reviewer, project):
    review = submit_ethics(project, HIGHER_RISK)
    response = get(client, reviewer, url("ethics", review.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert url("ethics_decide", review.uuid) in content
    assert url("project", project.uuid) not in content  # no access to the project page
    response = post(
        client, reviewer, url("ethics_decide", review.uuid), {"decision": "approve", "note": "Ok"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Status.APPROVED
    # Once decided: still readable, no form.
    response = get(client, reviewer, url("ethics", review.uuid))
    assert response.status_code == 200
    assert url("ethics_decide", review.uuid) not in response.content.decode()


def test_the_ethics_reviewer_may_not_decide_a_low_risk_review(client, reviewer, project):
    review = submit_ethics(project)
    assert get(client, reviewer, url("ethics", review.uuid)).status_code == 404
    response = post(client, reviewer, url("ethics_decide", review.uuid), {"decision": "approve"})
    assert response.status_code == 404


def test_the_ethics_reviewer_does_not_see_a_draft(client, reviewer, review):
    assert get(client, reviewer, url("ethics", review.uuid)).status_code == 404


def test_the_supervisor_refers_a_low_risk_review(client, supervisor, reviewer, project):
    review = submit_ethics(project)
    response = post(client, supervisor, url("ethics_refer", review.uuid), {"note": "Twijfel."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.route == Route.ETHICS_REVIEWER
    content = get(client, reviewer, url("ethics", review.uuid)).content.decode()
    assert "Twijfel." in content
    assert url("ethics_decide", review.uuid) in content


def test_referring_needs_a_note(client, supervisor, project):
    review = submit_ethics(project)
    response = post(client, supervisor, url("ethics_refer", review.uuid), {"note": ""})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.route == Route.SUPERVISOR


def test_the_student_may_not_refer_or_decide(client, student, project):
    review = submit_ethics(project)
    assert (
        post(client, student, url("ethics_refer", review.uuid), {"note": "x"}).status_code == 403
    )
    response = post(client, student, url("ethics_decide", review.uuid), {"decision": "approve"})
    assert response.status_code == 403


# --- new rounds ---------------------------------------------------------------------------------


def test_the_student_starts_a_new_round_after_approval(client, student, supervisor, project):
    approved = approve_ethics(project, supervisor)
    content = get(client, student, url("ethics", approved.uuid)).content.decode()
    assert url("ethics_revise", approved.uuid) in content
    response = post(
        client, student, url("ethics_revise", approved.uuid), {"reason": "Nu ook interviews."}
    )
    new = project.ethics_reviews.current().get()
    assert new.number == 2
    assert response.status_code == 302
    assert response.url == url("ethics", new.uuid)
    content = get(client, student, url("ethics", new.uuid)).content.decode()
    assert "Nu ook interviews." in content
    assert url("ethics", approved.uuid) in content  # the earlier round
    old = get(client, student, url("ethics", approved.uuid)).content.decode()
    assert url("ethics", new.uuid) in old  # points to the current round


def test_a_new_round_needs_a_reason(client, student, supervisor, project):
    approved = approve_ethics(project, supervisor)
    response = post(client, student, url("ethics_revise", approved.uuid), {"reason": ""})
    assert response.status_code == 400
    assert project.ethics_reviews.count() == 1


def test_no_new_round_before_approval(client, student, review):
    response = post(client, student, url("ethics_revise", review.uuid), {"reason": "x"})
    assert response.status_code == 302
    assert review.project.ethics_reviews.count() == 1


# --- access -------------------------------------------------------------------------------------


def test_the_admin_reads_but_does_not_write(client, programme_admin, project, review):
    response = get(client, programme_admin, url("ethics", review.uuid))
    assert response.status_code == 200
    assert url("ethics_submit", review.uuid) not in response.content.decode()
    assert (
        post(client, programme_admin, url("ethics", review.uuid), checklist()).status_code == 403
    )
    assert (
        post(client, programme_admin, url("ethics_submit", review.uuid), checklist()).status_code
        == 403
    )
    submitted = submit_ethics(project)
    content = get(client, programme_admin, url("ethics", submitted.uuid)).content.decode()
    assert url("ethics_decide", submitted.uuid) not in content
    response = post(client, programme_admin, url("ethics_decide", submitted.uuid), {})
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["reader", "student2", "outsider", "lecturer"])
def test_others_get_404(client, request, project, who):
    review = submit_ethics(project)
    user = request.getfixturevalue(who)
    for name in ("ethics", "ethics_submit", "ethics_decide", "ethics_refer", "ethics_revise"):
        if name == "ethics":
            response = get(client, user, url(name, review.uuid))
        else:
            response = post(client, user, url(name, review.uuid), {"note": "x", "reason": "x"})
        assert response.status_code == 404, name


def test_anonymous_is_sent_to_log_in(client, review):
    response = client.get(url("ethics", review.uuid))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


@pytest.mark.parametrize(
    "name", ["ethics_submit", "ethics_decide", "ethics_refer", "ethics_revise"]
)
def test_post_only_pages_refuse_get(client, student, review, name):
    assert get(client, student, url(name, review.uuid)).status_code == 405


def test_the_review_page_refuses_put(client, student, review):
    client.force_login(student)
    assert client.put(url("ethics", review.uuid)).status_code == 405


# --- the queue ----------------------------------------------------------------------------------


@pytest.fixture
def waiting(project, cohort, supervisor, lecturer_supervisor):
    """A low-risk review of the supervisor's supervisee, a higher-risk one of theirs, and a
    low-risk one of somebody else's supervisee."""
    low = submit_ethics(project)
    higher_project = make_project(EnrolmentFactory(cohort=cohort), supervisor=supervisor)
    higher = submit_ethics(higher_project, HIGHER_RISK)
    other_project = make_project(EnrolmentFactory(cohort=cohort), supervisor=lecturer_supervisor)
    other = submit_ethics(other_project)
    return {"low": low, "higher": higher, "other": other}


def uuids(response):
    return {review.uuid for review in response.context["reviews"]}


def test_the_supervisor_sees_the_low_risk_reviews_of_supervisees(client, supervisor, waiting):
    response = get(client, supervisor, url("ethics_queue"))
    assert response.status_code == 200
    assert uuids(response) == {waiting["low"].uuid}


def test_the_ethics_reviewer_sees_the_reviews_routed_to_them(client, reviewer, waiting):
    response = get(client, reviewer, url("ethics_queue"))
    assert response.status_code == 200
    assert uuids(response) == {waiting["higher"].uuid}
    assert waiting["higher"].project.working_title in response.content.decode()


def test_the_admin_sees_every_review_waiting(client, programme_admin, waiting, project):
    response = get(client, programme_admin, url("ethics_queue"))
    assert response.status_code == 200
    assert uuids(response) == {w.uuid for w in waiting.values()}
    assert all(review.days_waiting == 0 for review in response.context["reviews"])
    assert url("ethics_reviewers") in response.content.decode()


def test_decided_reviews_leave_the_queue(client, supervisor, waiting):
    services.decide_ethics(review=waiting["low"], approve=True, note="", by=supervisor)
    assert uuids(get(client, supervisor, url("ethics_queue"))) == set()


@pytest.mark.parametrize("who", ["student", "lecturer", "outsider"])
def test_the_queue_is_refused_to_others(client, request, who):
    assert get(client, request.getfixturevalue(who), url("ethics_queue")).status_code == 403


def test_the_queue_refuses_post(client, programme_admin):
    assert post(client, programme_admin, url("ethics_queue")).status_code == 405


def many_waiting(cohort, supervisor, count):
    for number in range(count):
        project = make_project(EnrolmentFactory(cohort=cohort), supervisor=supervisor)
        submit_ethics(project, LOW_RISK if number % 2 else HIGHER_RISK)


@pytest.mark.parametrize("count", [2, 12])
def test_the_queue_query_count_is_fixed(
    client,
    programme_admin,
    supervisor,
    reviewer,
    cohort,
    version,
    count,
    django_assert_max_num_queries,
):
    many_waiting(cohort, supervisor, count)
    for user, expected in ((programme_admin, count), (supervisor, count // 2)):
        client.force_login(user)
        client.get(url("ethics_queue"))
        with django_assert_max_num_queries(6):
            response = client.get(url("ethics_queue"))
        assert len(response.context["reviews"]) == expected
    client.force_login(reviewer)
    with django_assert_max_num_queries(6):
        response = client.get(url("ethics_queue"))
    assert len(response.context["reviews"]) == count - count // 2


# --- ethics reviewers ---------------------------------------------------------------------------


def test_the_admin_appoints_an_ethics_reviewer(client, programme_admin, lecturer, student):
    response = get(client, programme_admin, url("ethics_reviewers"))
    assert response.status_code == 200
    choices = set(response.context["form"].fields["user"].queryset)
    assert lecturer in choices
    assert student not in choices
    response = post(client, programme_admin, url("ethics_reviewers"), {"user": lecturer.uuid})
    assert response.status_code == 302
    assert EthicsReviewerAppointment.objects.current().filter(reviewer=lecturer).exists()
    response = get(client, programme_admin, url("ethics_reviewers"))
    assert lecturer not in set(response.context["form"].fields["user"].queryset)
    assert lecturer.sort_name in response.content.decode()


def test_a_student_cannot_be_appointed(client, programme_admin):
    learner = StudentFactory()
    response = post(client, programme_admin, url("ethics_reviewers"), {"user": learner.uuid})
    assert response.status_code == 400
    assert not EthicsReviewerAppointment.objects.exists()


def test_the_admin_ends_an_appointment(client, programme_admin, reviewer):
    appointment = EthicsReviewerAppointment.objects.get(reviewer=reviewer)
    response = post(client, programme_admin, url("ethics_reviewer_end", appointment.pk))
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ended_at is not None
    response = get(client, programme_admin, url("ethics_reviewers"))
    assert response.context["ended"] == [appointment]
    assert response.context["current"] == []


@pytest.mark.parametrize("who", ["student", "lecturer", "supervisor", "outsider"])
def test_the_reviewers_page_is_for_admins_only(client, request, reviewer, who):
    user = request.getfixturevalue(who)
    appointment = EthicsReviewerAppointment.objects.get(reviewer=reviewer)
    assert get(client, user, url("ethics_reviewers")).status_code == 403
    assert post(client, user, url("ethics_reviewers"), {"user": user.uuid}).status_code == 403
    assert post(client, user, url("ethics_reviewer_end", appointment.pk)).status_code == 403
    assert EthicsReviewerAppointment.objects.current().count() == 1


def test_ending_refuses_get(client, programme_admin, reviewer):
    appointment = EthicsReviewerAppointment.objects.get(reviewer=reviewer)
    assert (
        get(client, programme_admin, url("ethics_reviewer_end", appointment.pk)).status_code == 405
    )


def test_ending_an_unknown_appointment_is_404(client, programme_admin):
    assert post(client, programme_admin, url("ethics_reviewer_end", 999)).status_code == 404
