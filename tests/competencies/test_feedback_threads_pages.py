"""Formative feedback pages: the list, a thread (reading, replying with and without htmx,
closing), asking about evidence or a draft portfolio, the sections on the evidence and
portfolio pages, who may open what, wrong methods and query counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import get_resolver, reverse
from django.utils.html import escape
from django.utils.translation import gettext

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.models import FeedbackMessage, FeedbackThread
from competencies.services import feedback as services
from competencies.services import portfolio as portfolio_services
from competencies.views import feedback as feedback_views
from tests.competencies.portfolio_helpers import (
    complete,
    make_evidence,
    start,
)
from tests.factories import EnrolmentFactory, LecturerFactory, ProgrammeAdminFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teacher(lecturer, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    return lecturer


@pytest.fixture
def colleague(cohort):
    """Another lecturer of the same cohort, not the one asked."""
    other = LecturerFactory(given_name="Collega")
    LecturerAssignment.objects.create(cohort=cohort, lecturer=other)
    return other


@pytest.fixture
def evidence(enrolment):
    return make_evidence(enrolment, title="Coachgesprek <3>")


@pytest.fixture
def portfolio(enrolment, version):
    return start(enrolment, version.review_moments.get(code="year-1-review"))


@pytest.fixture
def thread(enrolment, teacher, evidence):
    return services.ask_feedback(
        enrolment=enrolment,
        lecturer=teacher,
        subject="Over mijn gesprek",
        question="Is dit **voldoende**?",
        evidence=evidence,
        by=enrolment.student,
    )


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- who may open what -----------------------------------------------------------------------

LOGIN, OK, REDIRECT, FORBIDDEN, MISSING = "login", 200, 302, 403, 404
ROLES = (
    "anonymous",
    "student",
    "other_student",
    "lecturer",
    "other_lecturer",
    "supervisor",
    "admin",
    "outsider",
)
# url name → (method, answer per role in the order of ROLES). The supervisor is assigned to
# the student (sees the evidence and the portfolio) but is no party to the thread.
EXPECTATIONS = {
    "feedback_threads": ("get", (LOGIN, OK, OK, OK, OK, OK, OK, OK)),
    "feedback_thread": ("get", (LOGIN, OK, MISSING, OK, MISSING, MISSING, OK, MISSING)),
    "feedback_reply": (
        "post",
        (LOGIN, REDIRECT, MISSING, REDIRECT, MISSING, MISSING, FORBIDDEN, MISSING),
    ),
    "feedback_close": (
        "post",
        (LOGIN, REDIRECT, MISSING, REDIRECT, MISSING, MISSING, FORBIDDEN, MISSING),
    ),
    "evidence_feedback_ask": (
        "get",
        (LOGIN, OK, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING),
    ),
    "portfolio_feedback_ask": (
        "get",
        (LOGIN, OK, MISSING, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, MISSING),
    ),
}


def _args(name, thread, portfolio):
    if name == "feedback_threads":
        return ()
    if name == "evidence_feedback_ask":
        return (thread.evidence.uuid,)
    if name == "portfolio_feedback_ask":
        return (portfolio.uuid,)
    return (thread.uuid,)


def test_every_feedback_url_has_expectations():
    names = {pattern.name for pattern in feedback_views.urlpatterns}
    assert names == set(EXPECTATIONS)
    routed = {
        name
        for name in get_resolver().namespace_dict["competencies"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names <= routed


@pytest.fixture
def people(world, teacher, colleague, enrolment):
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=world["supervisor"])
    return {
        "anonymous": None,
        "student": world["student"],
        "other_student": world["student2"],
        "lecturer": teacher,
        "other_lecturer": colleague,
        "supervisor": world["supervisor"],
        "admin": world["programme_admin"],
        "outsider": world["outsider"],
    }


@pytest.mark.parametrize("name", EXPECTATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_access(client, people, thread, portfolio, name, role):
    method, answers = EXPECTATIONS[name]
    expected = answers[ROLES.index(role)]
    if people[role] is not None:
        client.force_login(people[role])
    target = url(name, *_args(name, thread, portfolio))
    data = {"text": "Een antwoord."} if name == "feedback_reply" else {}
    response = getattr(client, method)(target, data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if method == "post" and expected != REDIRECT:
        thread.refresh_from_db()
        assert thread.status == FeedbackThread.Status.OPEN
        assert thread.messages.count() == 1


WRONG_METHODS = {
    "feedback_threads": ("post",),
    "feedback_thread": ("post", "delete"),
    "feedback_reply": ("get", "put"),
    "feedback_close": ("get", "delete"),
    "evidence_feedback_ask": ("put", "delete"),
    "portfolio_feedback_ask": ("put", "delete"),
}


@pytest.mark.parametrize("name", WRONG_METHODS)
def test_wrong_method_is_405(client, student, thread, portfolio, name):
    client.force_login(student)
    target = url(name, *_args(name, thread, portfolio))
    for method in WRONG_METHODS[name]:
        assert getattr(client, method)(target).status_code == 405
    assert thread.messages.count() == 1


# --- the list --------------------------------------------------------------------------------


def _thread(enrolment, lecturer, *, status=FeedbackThread.Status.OPEN, evidence=None, **kw):
    evidence = evidence or make_evidence(enrolment)
    thread = services.ask_feedback(
        enrolment=enrolment,
        lecturer=lecturer,
        subject=kw.get("subject", f"Vraag over {evidence.title}"),
        question="Vraag",
        evidence=evidence,
        by=enrolment.student,
    )
    if status != FeedbackThread.Status.OPEN:
        services.reply(thread=thread, text="Antwoord", by=lecturer)
    if status == FeedbackThread.Status.CLOSED:
        services.close_thread(thread=thread, by=lecturer)
    return thread


def test_lecturer_sees_requests_to_them_open_first(client, enrolment, teacher, colleague):
    closed = _thread(enrolment, teacher, status=FeedbackThread.Status.CLOSED)
    answered = _thread(enrolment, teacher, status=FeedbackThread.Status.ANSWERED)
    opened = _thread(enrolment, teacher)
    _thread(enrolment, colleague)
    client.force_login(teacher)
    response = client.get(url("feedback_threads"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [opened, answered, closed]
    page = response.content.decode()
    assert escape(enrolment.student.get_full_name()) in page
    assert escape(opened.subject) in page
    assert escape(gettext("Evidence: %(title)s") % {"title": opened.evidence.title}) in page
    assert gettext("Antwoord") in page  # the last message


def test_lecturer_filters_by_status(client, enrolment, teacher):
    _thread(enrolment, teacher, status=FeedbackThread.Status.CLOSED)
    opened = _thread(enrolment, teacher)
    client.force_login(teacher)
    response = client.get(url("feedback_threads"), {"status": "open"})
    assert list(response.context["page"]) == [opened]
    response = client.get(
        url("feedback_threads"), {"status": "open"}, **HTMX, HTTP_HX_TARGET="thread-list"
    )
    assert response.status_code == 200
    assert "<h1>" not in response.content.decode()
    assert list(response.context["page"]) == [opened]


def test_student_sees_only_their_own_threads(client, enrolment, teacher, student2):
    mine = _thread(enrolment, teacher)
    _thread(student2.enrolments.get(), teacher)
    client.force_login(enrolment.student)
    response = client.get(url("feedback_threads"))
    assert list(response.context["page"]) == [mine]
    assert escape(teacher.get_full_name()) in response.content.decode()


def test_administrator_sees_all_and_filters_by_cohort(
    client, enrolment, teacher, programme_admin, other_cohort
):
    here = _thread(enrolment, teacher)
    elsewhere_enrolment = EnrolmentFactory(cohort=other_cohort)
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=teacher)
    there = _thread(elsewhere_enrolment, teacher)
    client.force_login(programme_admin)
    response = client.get(url("feedback_threads"))
    assert set(response.context["page"]) == {here, there}
    response = client.get(url("feedback_threads"), {"cohort": str(other_cohort.uuid)})
    assert list(response.context["page"]) == [there]


def test_others_see_an_empty_list(client, thread, colleague, outsider):
    for user in (colleague, outsider):
        client.force_login(user)
        assert list(client.get(url("feedback_threads")).context["page"]) == []


def test_the_list_is_paginated_keeping_the_filter(client, enrolment, teacher):
    evidence = make_evidence(enrolment)
    for _ in range(feedback_views.PER_PAGE + 1):
        _thread(enrolment, teacher, evidence=evidence)
    client.force_login(teacher)
    response = client.get(url("feedback_threads"), {"status": "open"})
    assert len(response.context["page"]) == feedback_views.PER_PAGE
    assert "status=open&amp;page=2" in response.content.decode()
    response = client.get(url("feedback_threads"), {"status": "open", "page": 2})
    assert len(response.context["page"]) == 1


def _many_threads(count, enrolment, lecturers):
    """``count`` threads with two messages each, spread over lecturers and evidence."""
    evidence = [make_evidence(enrolment) for _ in range(3)]
    portfolio = start(enrolment, enrolment.cohort.curriculum_version.review_moments.first())
    for n in range(count):
        lecturer = lecturers[n % len(lecturers)]
        subject = {"portfolio": portfolio} if n % 4 == 0 else {"evidence": evidence[n % 3]}
        thread = FeedbackThread.objects.create(
            enrolment=enrolment, lecturer=lecturer, subject=f"Vraag {n}", **subject
        )
        FeedbackMessage.objects.create(thread=thread, author=enrolment.student, text="Vraag")
        FeedbackMessage.objects.create(thread=thread, author=lecturer, text="Antwoord")


@pytest.mark.parametrize("count", [5, 100])
@pytest.mark.parametrize("who", ["lecturer", "student", "admin"])
def test_list_query_count_is_fixed(
    client, django_assert_max_num_queries, enrolment, teacher, colleague, count, who
):
    _many_threads(count, enrolment, [teacher, colleague])
    user = {
        "lecturer": teacher,
        "student": enrolment.student,
        "admin": ProgrammeAdminFactory(),
    }[who]
    client.force_login(user)
    with django_assert_max_num_queries(6):
        response = client.get(url("feedback_threads"))
    assert response.status_code == 200
    visible = FeedbackThread.objects.visible_to(user).count()
    assert len(response.context["page"]) == min(visible, feedback_views.PER_PAGE)
    assert response.context["page"].paginator.count == visible


# --- one thread ------------------------------------------------------------------------------


def test_thread_shows_subject_about_and_messages_in_order(client, thread, teacher):
    services.reply(thread=thread, text="Bijna: *let op* de structuur.", by=teacher)
    client.force_login(thread.enrolment.student)
    response = client.get(url("feedback_thread", thread.uuid))
    page = response.content.decode()
    assert response.status_code == 200
    assert [m.text for m in response.context["thread_messages"]] == [
        "Is dit **voldoende**?",
        "Bijna: *let op* de structuur.",
    ]
    assert "<strong>voldoende</strong>" in page and "<em>let op</em>" in page
    assert page.index("voldoende") < page.index("let op")
    assert f'href="{url("evidence_detail", thread.evidence.uuid)}"' in page
    assert escape(thread.evidence.title) in page
    assert response.context["can_write"] is True
    assert url("feedback_reply", thread.uuid) in page
    assert url("feedback_close", thread.uuid) in page


def test_markdown_in_messages_is_rendered_safely(client, thread, teacher):
    services.reply(
        thread=thread,
        text='<script>alert("x")</script> [klik](javascript:alert(1)) '
        "<img src=x onerror=alert(1)>",
        by=teacher,
    )
    client.force_login(thread.enrolment.student)
    page = client.get(url("feedback_thread", thread.uuid)).content.decode()
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img" not in page


def test_administrator_reads_without_a_reply_form(client, thread, programme_admin):
    client.force_login(programme_admin)
    response = client.get(url("feedback_thread", thread.uuid))
    assert response.status_code == 200
    assert response.context["can_write"] is False
    assert url("feedback_reply", thread.uuid) not in response.content.decode()


def test_thread_about_a_portfolio_links_to_it(client, enrolment, teacher, portfolio):
    thread = services.ask_feedback(
        enrolment=enrolment,
        lecturer=teacher,
        subject="Zelfbeoordeling",
        question="Klopt mijn niveau?",
        portfolio=portfolio,
        by=enrolment.student,
    )
    client.force_login(teacher)
    response = client.get(url("feedback_thread", thread.uuid))
    assert response.context["about_url"] == url("portfolio", portfolio.uuid)
    assert escape(portfolio.review_moment.name) in response.content.decode()


def test_no_link_to_what_the_reader_may_no_longer_see(client, thread, teacher, cohort):
    from django.utils import timezone

    LecturerAssignment.objects.filter(cohort=cohort, lecturer=teacher).update(
        ended_at=timezone.now()
    )
    client.force_login(teacher)
    response = client.get(url("feedback_thread", thread.uuid))
    assert response.status_code == 200
    assert response.context["about_url"] is None


@pytest.mark.parametrize("count", [5, 50])
def test_thread_query_count_is_fixed(
    client, django_assert_max_num_queries, thread, teacher, count
):
    for n in range(count):
        FeedbackMessage.objects.create(thread=thread, author=teacher, text=f"Bericht {n}")
    client.force_login(teacher)
    with django_assert_max_num_queries(6):
        response = client.get(url("feedback_thread", thread.uuid))
    assert len(response.context["thread_messages"]) == count + 1


# --- replying and closing --------------------------------------------------------------------


def test_lecturer_reply_without_javascript_redirects(client, thread, teacher):
    client.force_login(teacher)
    response = client.post(url("feedback_reply", thread.uuid), {"text": "Goed zo."})
    message = thread.messages.latest("created_at")
    assert response.status_code == 302
    assert response["Location"] == f"{url('feedback_thread', thread.uuid)}#message-{message.pk}"
    assert message.text == "Goed zo." and message.author == teacher
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.ANSWERED
    assert gettext("Your message is sent.") in messages_of(response)


def test_htmx_reply_appends_the_message_and_resets_the_form(client, thread, teacher):
    client.force_login(teacher)
    response = client.post(url("feedback_reply", thread.uuid), {"text": "Mooi **werk**."}, **HTMX)
    page = response.content.decode()
    message = thread.messages.latest("created_at")
    assert response.status_code == 200
    assert 'hx-swap-oob="beforeend:#messages"' in page
    assert f'id="message-{message.pk}"' in page and "<strong>werk</strong>" in page
    # A fresh, empty form replaces the old one.
    assert 'id="reply"' in page
    assert "Mooi **werk**." not in page
    assert 'id="thread-status" hx-swap-oob="true"' in page
    assert escape(gettext("Answered")) in page
    assert gettext("Your message is sent.") in page


def test_student_reply_opens_the_thread_again(client, thread, teacher):
    services.reply(thread=thread, text="Antwoord", by=teacher)
    client.force_login(thread.enrolment.student)
    client.post(url("feedback_reply", thread.uuid), {"text": "Nog een vraag."})
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.OPEN


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_reply_rerenders_with_an_error(client, thread, teacher, text):
    client.force_login(teacher)
    response = client.post(url("feedback_reply", thread.uuid), {"text": text})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    response = client.post(url("feedback_reply", thread.uuid), {"text": text}, **HTMX)
    assert response.status_code == 200
    assert "error-text" in response.content.decode()
    assert thread.messages.count() == 1


def test_too_long_reply_keeps_the_text(client, thread, teacher):
    client.force_login(teacher)
    response = client.post(url("feedback_reply", thread.uuid), {"text": "x" * 5001})
    assert response.status_code == 400
    assert "x" * 5001 in response.content.decode()
    assert thread.messages.count() == 1


def test_reply_to_a_closed_thread_is_refused(client, thread, teacher):
    services.close_thread(thread=thread, by=teacher)
    client.force_login(thread.enrolment.student)
    response = client.post(url("feedback_reply", thread.uuid), {"text": "Toch nog?"})
    assert response.status_code == 302
    assert response["Location"] == url("feedback_thread", thread.uuid)
    assert gettext(
        "This conversation is closed and can't be reopened. To ask more, start a new question."
    ) in messages_of(response)
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.CLOSED
    assert thread.messages.count() == 1
    response = client.post(url("feedback_reply", thread.uuid), {"text": "Toch nog?"}, **HTMX)
    assert response.headers["HX-Redirect"] == url("feedback_thread", thread.uuid)


def test_close_and_the_page_says_it_is_closed(client, thread):
    client.force_login(thread.enrolment.student)
    response = client.post(url("feedback_close", thread.uuid))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == FeedbackThread.Status.CLOSED
    response = client.get(url("feedback_thread", thread.uuid))
    page = response.content.decode()
    assert response.context["can_write"] is False
    assert url("feedback_reply", thread.uuid) not in page
    assert url("feedback_close", thread.uuid) not in page
    assert (
        gettext(
            "This conversation is closed and can't be reopened. To ask more, start a new question."
        )
        in page
    )
    response = client.post(url("feedback_close", thread.uuid))
    assert gettext("This conversation is already closed.") in messages_of(response)


# --- asking ----------------------------------------------------------------------------------


def test_ask_about_evidence_form(client, evidence, teacher, colleague):
    client.force_login(evidence.enrolment.student)
    response = client.get(url("evidence_feedback_ask", evidence.uuid))
    form = response.context["form"]
    assert form.initial["subject"] == evidence.title
    choices = dict(form.fields["lecturer"].choices)
    assert choices[str(teacher.uuid)] == teacher.get_full_name()
    assert choices[str(colleague.uuid)] == colleague.get_full_name()
    page = response.content.decode()
    assert escape(teacher.get_full_name()) in page and 'name="question"' in page


def test_asking_about_evidence_creates_the_thread(
    client, evidence, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(evidence.enrolment.student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("evidence_feedback_ask", evidence.uuid),
            {"lecturer": str(teacher.uuid), "subject": "Mijn verslag", "question": "Wat vindt u?"},
        )
    thread = FeedbackThread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("feedback_thread", thread.uuid)
    assert (thread.evidence, thread.lecturer, thread.subject) == (
        evidence,
        teacher,
        "Mijn verslag",
    )
    assert [mail.to for mail in mailoutbox] == [[teacher.email]]


def test_asking_a_lecturer_not_offered_is_refused(client, evidence, teacher, other_cohort):
    stranger = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=stranger)
    client.force_login(evidence.enrolment.student)
    response = client.post(
        url("evidence_feedback_ask", evidence.uuid),
        {"lecturer": str(stranger.uuid), "subject": "S", "question": "Q"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["lecturer"]
    assert not FeedbackThread.objects.exists()


def test_empty_question_is_refused(client, evidence, teacher):
    client.force_login(evidence.enrolment.student)
    response = client.post(
        url("evidence_feedback_ask", evidence.uuid),
        {"lecturer": str(teacher.uuid), "subject": "S", "question": "   "},
    )
    assert response.status_code == 400
    assert not FeedbackThread.objects.exists()


def test_without_lecturers_the_student_is_told(client, evidence):
    client.force_login(evidence.enrolment.student)
    response = client.get(url("evidence_feedback_ask", evidence.uuid))
    assert response.context["has_lecturers"] is False
    assert 'name="question"' not in response.content.decode()


def test_ask_about_draft_portfolio(client, portfolio, teacher):
    client.force_login(portfolio.enrolment.student)
    response = client.get(url("portfolio_feedback_ask", portfolio.uuid))
    assert response.context["form"].initial["subject"] == gettext(
        "My self-assessment for %(moment)s"
    ) % {"moment": portfolio.review_moment.name}
    response = client.post(
        url("portfolio_feedback_ask", portfolio.uuid),
        {"lecturer": str(teacher.uuid), "subject": "Zelfbeoordeling", "question": "Klopt dit?"},
    )
    thread = FeedbackThread.objects.get()
    assert response.status_code == 302
    assert thread.portfolio == portfolio and thread.evidence is None


def test_no_asking_about_a_submitted_portfolio(client, portfolio, teacher):
    complete(portfolio)
    portfolio_services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    client.force_login(portfolio.enrolment.student)
    for method in ("get", "post"):
        response = getattr(client, method)(
            url("portfolio_feedback_ask", portfolio.uuid),
            {"lecturer": str(teacher.uuid), "subject": "S", "question": "Q"},
        )
        assert response.status_code == 302
        assert response["Location"] == url("portfolio", portfolio.uuid)
    assert not FeedbackThread.objects.exists()


# --- evidence and portfolio pages, and the frozen snapshot -----------------------------------


def test_evidence_page_shows_the_threads_and_the_ask_link(client, thread, teacher, colleague):
    client.force_login(thread.enrolment.student)
    response = client.get(url("evidence_detail", thread.evidence.uuid))
    page = response.content.decode()
    assert response.context["feedback_threads"] == [thread]
    assert url("feedback_thread", thread.uuid) in page
    assert url("evidence_feedback_ask", thread.evidence.uuid) in page
    client.force_login(teacher)
    response = client.get(url("evidence_detail", thread.evidence.uuid))
    assert response.context["feedback_threads"] == [thread]
    assert url("evidence_feedback_ask", thread.evidence.uuid) not in response.content.decode()
    # Another lecturer of the cohort reads the evidence, not the conversation.
    client.force_login(colleague)
    response = client.get(url("evidence_detail", thread.evidence.uuid))
    assert response.status_code == 200
    assert response.context["feedback_threads"] == []
    assert url("feedback_thread", thread.uuid) not in response.content.decode()


def test_portfolio_history_and_the_frozen_snapshot(client, enrolment, teacher, portfolio):
    complete(portfolio)
    selected = portfolio.entries.first().evidence.first()
    about_evidence = _thread(enrolment, teacher, evidence=selected, subject="Over bewijs")
    about_portfolio = services.ask_feedback(
        enrolment=enrolment,
        lecturer=teacher,
        subject="Over mijn zelfbeoordeling",
        question="Klopt dit?",
        portfolio=portfolio,
        by=enrolment.student,
    )
    unrelated = _thread(enrolment, teacher, subject="Los bewijs")
    client.force_login(enrolment.student)
    response = client.get(url("portfolio", portfolio.uuid))
    page = response.content.decode()
    assert set(response.context["feedback_threads"]) == {about_evidence, about_portfolio}
    assert unrelated not in response.context["feedback_threads"]
    assert url("portfolio_feedback_ask", portfolio.uuid) in page
    assert url("feedback_thread", about_portfolio.uuid) in page

    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=enrolment.student)
    response = client.get(url("portfolio", portfolio.uuid))
    assert url("portfolio_feedback_ask", portfolio.uuid) not in response.content.decode()
    assert url("feedback_thread", about_portfolio.uuid) in response.content.decode()
    for user in (enrolment.student, teacher):
        client.force_login(user)
        page = client.get(url("portfolio_snapshot", snapshot.uuid)).content.decode()
        for thread in (about_evidence, about_portfolio):
            assert url("feedback_thread", thread.uuid) not in page
            assert escape(thread.subject) not in page
        assert "Klopt dit?" not in page
