"""The examiner's pages: the queue, the assessment form (drafts with and without htmx,
submitting and signing), the CSV of judgements, independence of examiners on every one of
these routes, who may do what, and query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import get_resolver, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from coachmaster.accounts.models import User
from cohorts.models import Enrolment, LecturerAssignment, SupervisorAssignment
from competencies import snapshots
from competencies.models import (
    Approval,
    Assessment,
    AssessmentEvent,
    Correction,
    Examiner,
    FeedbackThread,
    Indicator,
    Judgement,
    Portfolio,
    PortfolioSnapshot,
    Verdict,
)
from competencies.services import judging as services
from competencies.views.judging import PER_PAGE
from tests.competencies.assessment_helpers import agree, assign, judge, levels_of, submitted
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    make_programme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET = "GEHEIM-van-examinator-B"


@pytest.fixture
def assessment(enrolment):
    moment = enrolment.cohort.curriculum_version.review_moments.get(code="final-portfolio")
    moment.grade_required = True
    moment.save()
    return submitted(enrolment)


@pytest.fixture
def pair(assessment):
    """Examiners A and B of the assessment."""
    return assign(
        assessment, LecturerFactory(given_name="Anna"), LecturerFactory(given_name="Bram")
    )


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


def form_data(
    assessment, *, rank=3, verdict="pass", grade="7,5", feedback="Sterk.", confirm=False
):
    """What the assessment form posts: every competency at ``rank``, one indicator each."""
    levels = levels_of(assessment)
    data = {"judgement": "1", "verdict": verdict, "grade": grade, "feedback": feedback}
    for competency in services.competencies_of(assessment):
        pk = competency.pk
        data[f"level_{pk}"] = str(levels[rank].pk) if rank else ""
        data[f"indicators_{pk}"] = [
            str(i.pk) for i in Indicator.objects.filter(competency=competency)[:1]
        ]
        data[f"feedback_{pk}"] = f"{competency.code}: {feedback}"
    if confirm:
        data["confirm"] = "on"
    return data


def speaking(user, language):
    """Pages are rendered in the user's preferred language."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def secret_judgement_of(examiner):
    """B's submitted judgement, with text found nowhere else."""
    return judge(examiner, rank=1, verdict=Verdict.FAIL, grade=Decimal("3.1"), feedback=SECRET)


# --- the queue --------------------------------------------------------------------------------


def test_the_queue_lists_my_waiting_assessments_by_due_date(client, enrolment, student2, pair):
    first = pair[0]
    later = Assessment.objects.get(examiners=first)
    other = submitted(student2.enrolments.get())
    assign(other, first.user)
    Assessment.objects.filter(pk=other.pk).update(due_on=datetime.date(2020, 1, 1))
    not_mine = submitted(student2.enrolments.get(), "year-1-review")
    assign(not_mine, LecturerFactory())
    client.force_login(first.user)
    response = client.get(url("assessment_queue"))
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [row.assessment_id for row in rows] == [other.pk, later.pk]
    content = response.content.decode()
    assert _("overdue") in content  # text, not only colour
    assert url("assessment_form", later.uuid) in content
    assert url("assessment_form", not_mine.uuid) not in content
    assert escape(student2.get_full_name()) in content


def test_my_state_follows_the_assessment(client, assessment, pair):
    first, second = pair
    client.force_login(first.user)

    def state():
        return list(client.get(url("assessment_queue")).context["page"])[0].state

    assert state() == "to_assess"
    client.post(url("assessment_autosave", assessment.uuid), form_data(assessment), **HTMX)
    assert state() == "draft_saved"
    services.submit_judgement(examiner=first, by=first.user)
    assert state() == "waiting"
    judge(second)
    assert state() == "to_reconcile"
    agree(assessment)
    Approval.objects.create(assessment=assessment, examiner=first, revision=1)
    assert state() == "to_reconcile"
    Approval.objects.create(assessment=assessment, examiner=second, revision=1)
    assert state() == "ready_to_release"
    response = client.get(url("assessment_queue"))
    assert url("assessment", assessment.uuid) in response.content.decode()
    assert str(_("Ready to release")) in response.content.decode()


def test_the_queue_filters_by_state_cohort_and_moment_with_htmx(
    client, enrolment, student2, pair, other_cohort
):
    first = pair[0]
    other = submitted(student2.enrolments.get(), "year-1-review")
    assign(other, first.user)
    judge(Examiner.objects.get(assessment=other, user=first.user), submit=False)
    client.force_login(first.user)
    response = client.get(url("assessment_queue"), {"state": "draft_saved"})
    assert [e.assessment_id for e in response.context["page"]] == [other.pk]
    moment = other.portfolio.review_moment
    response = client.get(url("assessment_queue"), {"moment": moment.uuid})
    assert [e.assessment_id for e in response.context["page"]] == [other.pk]
    response = client.get(
        url("assessment_queue"),
        {"cohort": enrolment.cohort.uuid},
        HTTP_HX_TARGET="queue-results",
        **HTMX,
    )
    content = response.content.decode()
    assert len(response.context["page"].object_list) == 2
    assert "<h1" not in content and 'id="queue-results"' in content


def test_assessed_before_shows_the_effective_result(client, assessment, pair, programme_admin):
    first, second = pair
    judge(first)
    judge(second)
    agree(assessment, verdict=Verdict.PASS, grade=Decimal("7.5"))
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED, released_at=timezone.now(), released_by=first.user
    )
    Correction.objects.create(
        assessment=assessment, by=programme_admin, reason="Rekenfout.", grade=Decimal("8.0")
    )
    client.force_login(speaking(first.user, "en"))
    assert not list(client.get(url("assessment_queue")).context["page"])
    response = client.get(url("assessment_queue"), {"show": "done"})
    (row,) = list(response.context["page"])
    assert row.effective_grade == Decimal("8.0")
    content = response.content.decode()
    assert "8.0" in content and "Pass" in content
    assert url("assessment", assessment.uuid) in content


def test_the_queue_lists_my_open_feedback_requests(client, enrolment, lecturer, student):
    LecturerAssignment.objects.create(cohort=enrolment.cohort, lecturer=lecturer)
    portfolio = Portfolio.objects.create(
        enrolment=enrolment,
        review_moment=enrolment.cohort.curriculum_version.review_moments.first(),
    )
    mine = FeedbackThread.objects.create(
        enrolment=enrolment,
        lecturer=lecturer,
        portfolio=portfolio,
        subject="Mijn zelfbeoordeling?",
    )
    FeedbackThread.objects.create(
        enrolment=enrolment,
        lecturer=lecturer,
        portfolio=portfolio,
        subject="Al beantwoord",
        status=FeedbackThread.Status.ANSWERED,
    )
    client.force_login(lecturer)
    response = client.get(url("assessment_queue"))
    assert response.context["threads"] == [mine]
    content = response.content.decode()
    assert url("feedback_thread", mine.uuid) in content
    assert "Al beantwoord" not in content


# --- the form, drafts and submission ---------------------------------------------------------


def test_the_form_shows_the_submitted_portfolio_next_to_the_fields(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.get(url("assessment_form", assessment.uuid))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mijn argument voor IC1." in content  # from the snapshot
    assert response.context["editable"]
    assert [row["competency"].code for row in response.context["rows"]] == ["IC1", "IC2", "IC3"]
    row = response.context["rows"][0]
    assert row["target_value"] == str(levels_of(assessment)[3].pk)
    assert _("the target") in content
    assert 'name="grade"' in content
    assert url("assessment_autosave", assessment.uuid) in content
    assert 'hx-trigger="change, input delay:1500ms"' in content
    assert url("assessment_submit", assessment.uuid) in content


def test_the_submitted_work_is_rendered_once_per_snapshot_and_language(
    client, assessment, pair, monkeypatch
):
    """The submitted work is cached (a snapshot never changes): the page shows the same HTML
    from the cache, and each language has its own copy."""
    first = pair[0]
    client.force_login(first.user)
    page = url("assessment_form", assessment.uuid)
    fresh = client.get(page).context["rows"][0]["work"]
    assert "Mijn argument voor IC1." in fresh
    key = snapshots.rendered_work_key(assessment.snapshot)
    assert key.endswith(f"{assessment.snapshot.uuid}:nl")
    assert cache.get(key)["IC1"] == fresh
    rendered = []
    original = snapshots.render_to_string
    monkeypatch.setattr(
        snapshots,
        "render_to_string",
        lambda *args, **kwargs: rendered.append(args[0]) or original(*args, **kwargs),
    )
    response = client.get(page)
    assert rendered == []  # served from the cache
    assert response.context["rows"][0]["work"] == fresh
    assert fresh in response.content.decode()
    speaking(first.user, "en")
    english = client.get(page).context["rows"][0]["work"]
    assert len(rendered) == 3  # one per competency, in English
    assert "Target level" in english and "Target level" not in fresh
    assert "Mijn argument voor IC1." in english


def test_the_grade_field_only_shows_when_the_moment_asks_for_it(client, enrolment):
    assessment = submitted(enrolment, "year-1-review")
    (only,) = assign(assessment, LecturerFactory())
    client.force_login(only.user)
    response = client.get(url("assessment_form", assessment.uuid))
    assert "grade" not in response.context["form"].fields
    assert 'name="grade"' not in response.content.decode()


def test_a_saved_grade_is_shown_in_the_language_of_the_page(client, assessment, pair):
    first = pair[0]
    judge(first, grade=Decimal("7.5"), submit=False)
    client.force_login(first.user)
    assert 'value="7,5"' in client.get(url("assessment_form", assessment.uuid)).content.decode()
    speaking(first.user, "en")
    assert 'value="7.5"' in client.get(url("assessment_form", assessment.uuid)).content.decode()


def test_a_draft_saves_without_javascript(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(url("assessment_form", assessment.uuid), form_data(assessment))
    assert response.status_code == 302
    assert response["Location"] == url("assessment_form", assessment.uuid)
    first.refresh_from_db()
    assert first.grade == Decimal("7.5") and first.draft_saved_at and not first.submitted_at
    assert Judgement.objects.filter(examiner=first, level__rank=3).count() == 3


def test_a_bad_grade_without_javascript_re_renders_and_writes_nothing(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(
        url("assessment_form", assessment.uuid), form_data(assessment, grade="11")
    )
    assert response.status_code == 400
    assert _("A grade is between 1 and 10.") in response.content.decode()
    assert not Judgement.objects.exists()
    assert 'value="11"' in response.content.decode()  # nothing typed is lost


def test_autosave_with_htmx_answers_with_the_status(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(
        url("assessment_autosave", assessment.uuid), form_data(assessment), **HTMX
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="status"' in content
    first.refresh_from_db()
    saved_at = timezone.localtime(first.draft_saved_at).strftime("%H:%M")
    assert saved_at in content
    assert "<h1" not in content
    assert AssessmentEvent.objects.filter(kind="draft_saved", actor=first.user).count() == 1


def test_autosave_errors_show_in_the_status_and_write_nothing(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    for text, message in (
        ("abc", "Enter a grade from 1 to 10 with at most one decimal, e.g. 7,5."),
        ("11", "A grade is between 1 and 10."),
    ):
        for language in ("nl", "en"):
            speaking(first.user, language)
            with translation.override(language):
                response = client.post(
                    url("assessment_autosave", assessment.uuid),
                    form_data(assessment, grade=text),
                    **HTMX,
                )
                assert response.status_code == 200
                assert escape(_(message)) in response.content.decode()
    assert not Judgement.objects.exists()
    first.refresh_from_db()
    assert first.draft_saved_at is None


def test_autosave_without_htmx_goes_back_to_the_form(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(url("assessment_autosave", assessment.uuid), form_data(assessment))
    assert response.status_code == 302
    assert Judgement.objects.filter(examiner=first).count() == 3


def test_submitting_an_incomplete_judgement_lists_what_is_missing(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    data = form_data(assessment, rank=None, verdict="", confirm=True)
    response = client.post(url("assessment_submit", assessment.uuid), data)
    assert response.status_code == 400
    problems = response.context["problems"]
    competency = services.competencies_of(assessment)[0]
    assert any(p.anchor == f"level-{competency.pk}" for p in problems)
    content = response.content.decode()
    assert f'href="#level-{competency.pk}"' in content
    assert f'id="level-{competency.pk}"' in content
    assert 'href="#verdict"' in content and 'id="verdict"' in content
    first.refresh_from_db()
    assert first.submitted_at is None
    # Nothing is lost: what was typed is saved as a draft.
    assert Judgement.objects.get(examiner=first, competency=competency).feedback == "IC1: Sterk."


def test_submitting_needs_the_confirmation(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(url("assessment_submit", assessment.uuid), form_data(assessment))
    assert response.status_code == 400
    assert escape(_("Tick the box to confirm that you sign your judgement.")) in (
        response.content.decode()
    )
    first.refresh_from_db()
    assert first.submitted_at is None and first.draft_saved_at is not None


def test_an_inconsistent_grade_says_why(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    speaking(first.user, "en")
    data = form_data(assessment, verdict="pass", grade="5.0", confirm=True)
    response = client.post(url("assessment_submit", assessment.uuid), data)
    assert response.status_code == 400
    assert [p.anchor for p in response.context["problems"]] == ["id_grade"]
    with translation.override("en"):
        message = _("A pass needs a grade of at least %(mark)s, but the grade is %(grade)s.") % {
            "mark": "5.5",
            "grade": "5.0",
        }
    assert message in response.content.decode()
    assert 'href="#id_grade"' in response.content.decode()


def test_submitting_signs_and_then_shows_it_read_only(client, assessment, pair):
    first = pair[0]
    client.force_login(first.user)
    response = client.post(
        url("assessment_submit", assessment.uuid), form_data(assessment, confirm=True)
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.submitted_at is not None
    response = client.get(url("assessment_form", assessment.uuid))
    assert not response.context["editable"]
    content = response.content.decode()
    assert escape(first.user.get_full_name()) in content
    assert 'name="verdict"' not in content
    assert "IC1: Sterk." in content
    # A second submission and a later save are refused with a clear message.
    response = client.post(
        url("assessment_submit", assessment.uuid), form_data(assessment, confirm=True), follow=True
    )
    refused = _("You have already submitted and signed your judgement: it can't be changed.")
    assert escape(refused) in response.content.decode()
    response = client.post(
        url("assessment_autosave", assessment.uuid), form_data(assessment, rank=1), **HTMX
    )
    assert escape(refused) in response.content.decode()
    assert not Judgement.objects.filter(examiner=first, level__rank=1).exists()


# --- independence -----------------------------------------------------------------------------


def _csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig")), delimiter=";"))


def test_a_drafting_examiner_never_sees_the_other_judgement(client, assessment, pair):
    first, second = pair
    secret_judgement_of(second)
    client.force_login(first.user)
    client.post(url("assessment_form", assessment.uuid), form_data(assessment))
    # The form page.
    response = client.get(url("assessment_form", assessment.uuid))
    assert response.context["others"] == []
    content = response.content.decode()
    assert SECRET not in content
    assert "3,1" not in content and "3.1" not in content
    assert escape(second.user.get_full_name()) not in content
    assert all(len(row["judgements"]) == 1 for row in response.context["rows"])
    # The autosave answer.
    response = client.post(
        url("assessment_autosave", assessment.uuid), form_data(assessment, rank=2), **HTMX
    )
    assert SECRET not in response.content.decode()
    # The spreadsheet.
    rows = _csv(client.get(url("assessment_export", assessment.uuid)))
    assert len(rows) == 1 + 3
    assert {row[1] for row in rows[1:]} == {str(first.position)}
    assert SECRET not in str(rows)


def test_after_submitting_an_examiner_reads_the_other_judgement(client, assessment, pair):
    first, second = pair
    secret_judgement_of(second)
    client.force_login(first.user)
    client.post(url("assessment_submit", assessment.uuid), form_data(assessment, confirm=True))
    response = client.get(url("assessment_form", assessment.uuid))
    assert [item.pk for item in response.context["others"]] == [second.pk]
    content = response.content.decode()
    assert SECRET in content
    assert "3,1" in content
    rows = _csv(client.get(url("assessment_export", assessment.uuid)))
    assert {row[1] for row in rows[1:]} == {"1", "2"}
    assert any(SECRET in row[6] for row in rows[1:])


def test_the_other_examiners_draft_stays_hidden_after_i_submit(client, assessment, pair):
    first, second = pair
    judge(second, feedback=SECRET, submit=False)
    judge(first)
    client.force_login(first.user)
    assert SECRET not in client.get(url("assessment_form", assessment.uuid)).content.decode()
    assert SECRET not in str(_csv(client.get(url("assessment_export", assessment.uuid))))


# --- the export -------------------------------------------------------------------------------


def test_the_export_is_safe_in_a_spreadsheet(client, assessment, pair, programme_admin):
    first, second = pair
    judge(first, feedback='=HYPERLINK("http://evil")')
    judge(second)
    client.force_login(speaking(programme_admin, "en"))
    response = client.get(url("assessment_export", assessment.uuid))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:4] == ["Examiner", "Examiner number", "Competency", "Level"]
    assert len(rows) == 1 + 6
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert rows[1][0] == first.user.get_full_name()
    assert rows[1][2] == "IC1" and rows[1][3] == "3"
    assert rows[1][7] == "Pass" and rows[1][8] == "7.5"


def test_the_administrator_exports_submitted_judgements_only(
    client, assessment, pair, programme_admin
):
    first, second = pair
    judge(first)
    judge(second, feedback=SECRET, submit=False)
    client.force_login(programme_admin)
    rows = _csv(client.get(url("assessment_export", assessment.uuid)))
    assert {row[1] for row in rows[1:]} == {"1"}


# --- who may do what --------------------------------------------------------------------------

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT, BAD = 200, "login", 403, 404, 302, 400
ROLES = (
    "anonymous",
    "student",
    "classmate",
    "lecturer",
    "examiner",
    "supervisor",
    "admin",
    "outsider",
)
EXPECTATIONS = [
    # Lecturers have a queue (maybe empty); nobody else does.
    (
        "assessment_queue",
        "get",
        (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ),
    # Only the assessment's examiners; administrators may see the assessment, not judge it.
    ("assessment_form", "get", (LOGIN, MISSING, MISSING, MISSING, OK, MISSING, MISSING, MISSING)),
    (
        "assessment_form",
        "post",
        (LOGIN, MISSING, MISSING, MISSING, REDIRECT, MISSING, MISSING, MISSING),
    ),
    (
        "assessment_autosave",
        "post",
        (LOGIN, MISSING, MISSING, MISSING, REDIRECT, MISSING, FORBIDDEN, MISSING),
    ),
    # An empty submission is incomplete: the examiner gets the form back with what is missing.
    (
        "assessment_submit",
        "post",
        (LOGIN, MISSING, MISSING, MISSING, BAD, MISSING, FORBIDDEN, MISSING),
    ),
    ("assessment_export", "get", (LOGIN, MISSING, MISSING, MISSING, OK, MISSING, OK, MISSING)),
]
WRONG_METHODS = [
    ("assessment_queue", "post"),
    ("assessment_form", "put"),
    ("assessment_autosave", "get"),
    ("assessment_submit", "get"),
    ("assessment_export", "post"),
]


@pytest.fixture
def matrix(assessment, pair, student, student2, lecturer, supervisor, programme_admin, outsider):
    LecturerAssignment.objects.create(
        cohort=assessment.portfolio.enrolment.cohort, lecturer=lecturer
    )
    SupervisorAssignment.objects.create(
        enrolment=assessment.portfolio.enrolment, supervisor=supervisor
    )
    people = {
        "anonymous": None,
        "student": student,
        "classmate": student2,
        "lecturer": lecturer,
        "examiner": pair[0].user,
        "supervisor": supervisor,
        "admin": programme_admin,
        "outsider": outsider,
    }
    return people, [assessment.uuid]


def test_every_judging_url_has_an_expectation():
    from competencies.views import judging

    names = {pattern.name for pattern in judging.urlpatterns}
    assert names == {name for name, _method, _answers in EXPECTATIONS}
    assert names == {name for name, _method in WRONG_METHODS}
    resolver_names = {
        p.name
        for ns in get_resolver().url_patterns
        if getattr(ns, "namespace", None) == "competencies"
        for p in ns.url_patterns
    }
    assert names <= resolver_names


@pytest.mark.parametrize(("name", "method", "answers"), EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name, method, answers, subtests):
    people, args = matrix
    target = url(name) if name == "assessment_queue" else url(name, *args)
    for role, expected in zip(ROLES, answers, strict=True):
        with subtests.test(role=role):
            client.logout()
            if people[role] is not None:
                client.force_login(people[role])
            with transaction.atomic():
                response = getattr(client, method)(target)
                transaction.set_rollback(True)
            if expected == LOGIN:
                assert response.status_code == 302
                assert reverse("account_login") in response["Location"]
            else:
                assert response.status_code == expected, (name, role)


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_the_wrong_method_is_refused(client, matrix, name, method):
    people, args = matrix
    client.force_login(people["examiner"])
    target = url(name) if name == "assessment_queue" else url(name, *args)
    assert getattr(client, method)(target).status_code == 405


def test_the_student_reads_the_export_only_after_release(client, assessment, pair, student):
    first, second = pair
    judge(first)
    judge(second)
    client.force_login(student)
    assert client.get(url("assessment_export", assessment.uuid)).status_code == 404
    agree(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.RELEASED, released_at=timezone.now(), released_by=first.user
    )
    rows = _csv(client.get(url("assessment_export", assessment.uuid)))
    assert len(rows) == 1 + 6
    assert client.get(url("assessment_form", assessment.uuid)).status_code == 404


def test_writes_by_others_change_nothing(client, matrix, assessment):
    people, _args = matrix
    for role in ("admin",):
        client.force_login(people[role])
        client.post(url("assessment_autosave", assessment.uuid), form_data(assessment))
        client.post(url("assessment_submit", assessment.uuid), form_data(assessment, confirm=True))
    assert not Judgement.objects.exists()
    assert not Examiner.objects.exclude(submitted_at=None).exists()


# --- query counts -----------------------------------------------------------------------------

# Session, user, filter choices (cohorts, review moments), count, the page, feedback requests.
QUERIES_QUEUE = 7


def _bulk_waiting(examiner_user, size: int):
    """``size`` portfolios waiting for ``examiner_user``, written in bulk."""
    version = make_programme(competencies=2, name=f"bulk-{size}")
    cohort = CohortFactory(name=f"bulk-{size}", curriculum_version=version)
    moment = version.review_moments.get(code="final-portfolio")
    users = User.objects.bulk_create(
        User(
            email=f"bulk{size}-{n}@example.org",
            given_name="Student",
            family_name=f"{n:04d}",
            is_student=True,
        )
        for n in range(size)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort,
            student=user,
            student_number=f"B{size}-{n}",
            enrolled_on=cohort.start_date,
        )
        for n, user in enumerate(users)
    )
    portfolios = Portfolio.objects.bulk_create(
        Portfolio(enrolment=enrolment, review_moment=moment) for enrolment in enrolments
    )
    now = timezone.now()
    snapshots = PortfolioSnapshot.objects.bulk_create(
        PortfolioSnapshot(
            portfolio=portfolio,
            number=1,
            data={"competencies": []},
            sha256="0" * 64,
            submitted_at=now,
            submitted_by=portfolio.enrolment.student,
        )
        for portfolio in portfolios
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(
            portfolio=snapshot.portfolio,
            snapshot=snapshot,
            due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n % 40),
        )
        for n, snapshot in enumerate(snapshots)
    )
    Examiner.objects.bulk_create(
        Examiner(
            assessment=assessment,
            user=examiner_user,
            position=1,
            assigned_by=examiner_user,
            draft_saved_at=now if n % 3 else None,
            submitted_at=now if n % 3 == 2 else None,
            verdict=Verdict.PASS if n % 3 == 2 else "",
        )
        for n, assessment in enumerate(assessments)
    )


@pytest.mark.parametrize("show", ["", "done"])
def test_the_queue_query_count_is_pinned(client, django_assert_max_num_queries, show, lecturer):
    client.force_login(lecturer)
    client.get(url("assessment_queue"))
    for size in (10, 500):
        _bulk_waiting(lecturer, size)
        if show:
            Assessment.objects.filter(examiners__user=lecturer).exclude(
                status=Assessment.Status.RELEASED
            ).update(status=Assessment.Status.RELEASED, released_at=timezone.now())
        with django_assert_max_num_queries(QUERIES_QUEUE):
            response = client.get(url("assessment_queue"), {"show": show} if show else {})
        assert response.context["page"].paginator.count >= size
        assert len(response.context["page"].object_list) == min(
            PER_PAGE, response.context["page"].paginator.count
        )


def test_every_waiting_assessment_is_reachable_through_the_pages(client, lecturer):
    _bulk_waiting(lecturer, PER_PAGE + 5)
    client.force_login(lecturer)
    first = client.get(url("assessment_queue"))
    assert first.context["page"].paginator.num_pages == 2
    content = first.content.decode()
    assert 'rel="next"' in content
    assert "page=2" in content
    second = client.get(url("assessment_queue"), {"page": 2}, headers={"HX-Request": "true"})
    seen = [e.pk for e in first.context["page"]] + [e.pk for e in second.context["page"]]
    waiting = Examiner.objects.filter(user=lecturer).exclude(
        assessment__status=Assessment.Status.RELEASED
    )
    assert sorted(seen) == sorted(waiting.values_list("pk", flat=True))
    assert 'rel="prev"' in second.content.decode()


# Session, user, my examiner row with the assessment, competencies, levels, indicators, the
# readable examiners, their judgements and the judgements' indicators.
QUERIES_FORM = 9


def _sized_assessment(competencies: int):
    version = make_programme(competencies=competencies, name=f"size-{competencies}")
    cohort = CohortFactory(name=f"size-{competencies}", curriculum_version=version)
    enrolment = EnrolmentFactory(cohort=cohort)
    assessment = submitted(enrolment)
    return assessment, assign(assessment, LecturerFactory(), LecturerFactory())


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_the_form_query_count_is_pinned(client, django_assert_num_queries, state):
    for competencies in (3, 8):
        assessment, (first, second) = _sized_assessment(competencies)
        judge(first, submit=state == "submitted")
        judge(second)
        client.force_login(first.user)
        client.get(url("assessment_form", assessment.uuid))
        with django_assert_num_queries(QUERIES_FORM):
            response = client.get(url("assessment_form", assessment.uuid))
        assert len(response.context["rows"]) == competencies


def test_the_form_query_count_does_not_grow_with_the_queue(client, django_assert_max_num_queries):
    assessment, (first, _second) = _sized_assessment(3)
    client.force_login(first.user)
    client.get(url("assessment_form", assessment.uuid))
    for size in (10, 500):
        _bulk_waiting(first.user, size)
        with django_assert_max_num_queries(QUERIES_FORM):
            response = client.get(url("assessment_form", assessment.uuid))
        assert response.status_code == 200
        assert Examiner.objects.filter(user=first.user).count() > size
