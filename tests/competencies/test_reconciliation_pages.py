"""Reconciliation pages: the hub, the side-by-side page with proposing, approving, asking
for a third examiner and releasing, correcting, the portfolio pages after release, who may
do what, and query counts."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import get_resolver, reverse
from django.utils.html import escape
from django.utils.translation import gettext

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.models import (
    Assessment,
    AssessmentEvent,
    Correction,
    Judgement,
    Portfolio,
    Verdict,
)
from competencies.services import portfolio as portfolio_services
from competencies.services import reconciliation as services
from tests.competencies.assessment_helpers import (
    agree,
    assign,
    judge,
    levels_of,
    submitted,
    two_examiners,
)
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    SupervisorFactory,
    UserFactory,
    make_programme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

# The whole message (a fragment of a msgid is not translated as such).
STALE = (
    "Another examiner changed the proposal while you were editing; here is the "
    "current one. Check it, and propose again if you still want a change."
)
STALE_APPROVAL = (
    "Another examiner changed the proposal while you were reading it; here is the "
    "current one. Check it before you approve."
)


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


@pytest.fixture
def pair(assessment, programme_admin):
    return two_examiners(assessment, by=programme_admin)


@pytest.fixture
def reconciling(assessment, pair):
    judge(pair[0], rank=1, ranks={"IC2": 3, "IC3": 3}, verdict=Verdict.NOT_YET, grade=None)
    judge(pair[1], rank=3, verdict=Verdict.PASS, grade=None)
    assessment.refresh_from_db()
    return assessment


def _proposal_data(assessment, *, revision=0, rank=3, verdict="pass", grade="7,5", text="Ok."):
    data = {
        "revision": str(revision),
        "verdict": verdict,
        "grade": grade,
        "explanation": text,
        "resubmission_deadline": "",
    }
    levels = levels_of(assessment)
    for competency in services.assessed_competencies(assessment):
        data[f"level_{competency.pk}"] = str(levels[rank].pk)
    return data


def _release(assessment, pair, **overrides):
    kwargs = {
        "levels": {
            c.pk: levels_of(assessment)[3] for c in services.assessed_competencies(assessment)
        },
        "verdict": Verdict.PASS,
        "grade": Decimal("7.5"),
        "explanation": "Samen **besloten**.",
        "resubmission_deadline": None,
        "revision": assessment.revision,
    }
    kwargs.update(overrides)
    services.propose_result(assessment=assessment, by=pair[0].user, **kwargs)
    services.approve_result(assessment=assessment, revision=assessment.revision, by=pair[1].user)
    services.release_result(assessment=assessment, by=pair[0].user)
    return Assessment.objects.get(pk=assessment.pk)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the hub -------------------------------------------------------------------------------------


def test_the_hub_shows_status_examiners_and_actions_to_an_examiner(client, reconciling, pair):
    client.force_login(pair[0].user)
    response = client.get(url("assessment", reconciling.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    assert escape(pair[1].user.get_full_name()) in page
    assert url("assessment_reconcile", reconciling.uuid) in page
    assert url("assessment_release", reconciling.uuid) not in page  # not agreed yet
    assert response.context["result"] is None
    assert [r.pk for r in response.context["rounds"]] == [reconciling.pk]


def test_an_examiner_who_has_not_submitted_is_offered_the_form(client, assessment, pair):
    judge(pair[0], submit=False)
    client.force_login(pair[0].user)
    response = client.get(url("assessment", assessment.uuid))
    assert response.context["can_assess"]
    assert not response.context["can_reconcile"]
    assert url("assessment_form", assessment.uuid) in response.content.decode()


def test_the_administrator_gets_the_management_links(client, reconciling, programme_admin):
    client.force_login(programme_admin)
    page = client.get(url("assessment", reconciling.uuid)).content.decode()
    assert url("assessment_examiners", reconciling.uuid) in page
    assert url("assessment_history", reconciling.uuid) in page


def test_the_student_sees_nothing_before_release(client, reconciling, student):
    client.force_login(student)
    assert client.get(url("assessment", reconciling.uuid)).status_code == 404


def test_the_student_reads_the_released_result_with_merged_feedback(
    client, reconciling, pair, student, programme_admin
):
    released = _release(reconciling, pair)
    # An examiner added later whose draft is not submitted: never shown.
    (late,) = assign(released, LecturerFactory(), by=programme_admin)
    Judgement.objects.create(
        examiner=late,
        competency=services.assessed_competencies(released)[0],
        feedback="GEHEIM concept",
    )
    client.force_login(student)
    response = client.get(url("assessment", released.uuid))
    assert response.status_code == 200
    page = response.content.decode()
    result = response.context["result"]
    assert result.outcome.verdict == Verdict.PASS
    assert "7,5" in page  # Dutch notation
    assert "<strong>besloten</strong>" in page
    for row in result.rows:
        assert row.level.rank == 3 and row.target.rank == 3
        assert [text for _e, text in row.feedback] == [
            f"1: {row.competency.code} Goed gedaan.",
            f"2: {row.competency.code} Goed gedaan.",
        ]
        for _examiner, text in row.feedback:
            assert text in page
    assert "GEHEIM" not in page
    assert url("assessment_correct", released.uuid) not in page
    assert url("assessment_reconcile", released.uuid) not in page


def test_levels_are_named_in_the_readers_language(client, reconciling, pair, student):
    released = _release(reconciling, pair)
    level = levels_of(released)[3]
    client.force_login(student)
    response = client.get(url("assessment", released.uuid), HTTP_ACCEPT_LANGUAGE="en")
    assert str(level) in response.content.decode()


def test_corrections_show_with_reason_who_and_when(client, reconciling, pair, programme_admin):
    released = _release(reconciling, pair)
    services.correct_result(
        assessment=released, reason="Rekenfout.", grade=Decimal("8.0"), by=programme_admin
    )
    client.force_login(released.portfolio.enrolment.student)
    response = client.get(url("assessment", released.uuid))
    page = response.content.decode()
    assert response.context["result"].outcome.grade == Decimal("8.0")
    assert "Rekenfout." in page
    assert escape(programme_admin.get_full_name()) in page
    assert "8,0" in page


# --- reconciling ---------------------------------------------------------------------------------


def test_an_examiner_who_has_not_submitted_gets_404(client, assessment, pair):
    judge(pair[0])
    judge(pair[1], submit=False)
    client.force_login(pair[1].user)
    assert client.get(url("assessment_reconcile", assessment.uuid)).status_code == 404


def test_administrators_read_once_everyone_has_submitted(
    client, assessment, pair, programme_admin
):
    judge(pair[0])
    client.force_login(programme_admin)
    assert client.get(url("assessment_reconcile", assessment.uuid)).status_code == 404
    judge(pair[1])
    response = client.get(url("assessment_reconcile", assessment.uuid))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_the_judgements_side_by_side_with_discrepancies(client, reconciling, pair):
    client.force_login(pair[0].user)
    response = client.get(url("assessment_reconcile", reconciling.uuid))
    assert response.status_code == 200
    rows = {row["competency"].code: row for row in response.context["rows"]}
    assert rows["IC1"]["flagged"] and not rows["IC2"]["flagged"]
    assert rows["IC1"]["self_level"].rank == 3  # from the snapshot
    assert [j.level.rank for _e, j in rows["IC1"]["cells"]] == [1, 3]
    assert response.context["found"].verdicts_differ
    page = response.content.decode()
    assert gettext("The verdicts differ.") in page
    assert "2: IC1 Goed gedaan." in page and "1: IC1 Goed gedaan." in page
    # Prefilled with the levels the examiners agree on, not with the disputed one.
    form = response.context["form"]
    ic = {c.code: c for c in response.context["competencies"]}
    assert form.initial[f"level_{ic['IC2'].pk}"] == str(levels_of(reconciling)[3].pk)
    assert f"level_{ic['IC1'].pk}" not in form.initial
    assert "verdict" not in form.initial


def test_proposing_through_the_page(client, reconciling, pair):
    client.force_login(pair[0].user)
    response = client.post(
        url("assessment_reconcile", reconciling.uuid), _proposal_data(reconciling)
    )
    assert response.status_code == 302
    reconciling.refresh_from_db()
    assert reconciling.revision == 1 and reconciling.final_grade == Decimal("7.5")
    page = client.get(url("assessment_reconcile", reconciling.uuid))
    assert page.context["form"].initial["revision"] == 1
    assert page.context["can_approve"] is False  # proposing was approving


def test_a_bad_proposal_is_shown_again_and_writes_nothing(client, reconciling, pair):
    client.force_login(pair[0].user)
    data = _proposal_data(reconciling, grade="5,0")  # a pass below the pass mark
    response = client.post(url("assessment_reconcile", reconciling.uuid), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Assessment.objects.get(pk=reconciling.pk).revision == 0


def test_the_second_examiner_proposing_from_a_stale_form_is_told(client, reconciling, pair):
    client.force_login(pair[0].user)
    client.post(url("assessment_reconcile", reconciling.uuid), _proposal_data(reconciling))
    client.force_login(pair[1].user)
    data = _proposal_data(reconciling, revision=0, verdict="fail", grade="3,0", text="Mijn tekst.")
    response = client.post(url("assessment_reconcile", reconciling.uuid), data)
    assert response.status_code == 409
    assert any(gettext(STALE) in m for m in _messages(response))
    # The current proposal is shown in the form; what they typed is kept on the page.
    assert response.context["form"].initial["revision"] == 1
    assert response.context["form"].initial["verdict"] == Verdict.PASS
    assert "Mijn tekst." in response.content.decode()
    reconciling.refresh_from_db()
    assert reconciling.revision == 1 and reconciling.final_verdict == Verdict.PASS


def test_approving_and_releasing_through_the_pages(
    client, reconciling, pair, student, mailoutbox, django_capture_on_commit_callbacks
):
    agree(reconciling)
    client.force_login(pair[1].user)
    response = client.post(url("assessment_approve", reconciling.uuid), {"revision": "1"})
    assert response.status_code == 302
    client.force_login(pair[0].user)
    client.post(url("assessment_approve", reconciling.uuid), {"revision": "1"})
    page = client.get(url("assessment_reconcile", reconciling.uuid))
    assert page.context["agreed"] and page.context["can_release"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("assessment_release", reconciling.uuid))
    assert response.status_code == 302
    assert response["Location"] == url("assessment", reconciling.uuid)
    reconciling.refresh_from_db()
    assert reconciling.is_released
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [student.email]
    portfolio = Portfolio.objects.get(pk=reconciling.portfolio_id)
    assert portfolio.status == Portfolio.Status.ASSESSED


def test_releasing_without_agreement_is_refused_with_a_message(client, reconciling, pair):
    client.force_login(pair[0].user)
    response = client.post(url("assessment_release", reconciling.uuid))
    assert response.status_code == 302
    assert _messages(response)
    assert Assessment.objects.get(pk=reconciling.pk).status == Assessment.Status.RECONCILING


def test_approving_a_stale_revision_through_the_page(client, reconciling, pair):
    agree(reconciling)
    agree(reconciling)  # revision 2
    client.force_login(pair[1].user)
    response = client.post(url("assessment_approve", reconciling.uuid), {"revision": "1"})
    assert response.status_code == 302
    assert any(gettext(STALE_APPROVAL) in m for m in _messages(response))
    assert not reconciling.approvals.exists()


def test_asking_for_a_third_examiner(client, reconciling, pair, programme_admin):
    client.force_login(pair[0].user)
    response = client.post(url("assessment_escalate", reconciling.uuid), {"reason": ""})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=reconciling.pk).escalated_at is None
    client.post(url("assessment_escalate", reconciling.uuid), {"reason": "Wij verschillen."})
    reconciling.refresh_from_db()
    assert reconciling.escalation_reason == "Wij verschillen."
    client.force_login(programme_admin)
    page = client.get(url("assessment", reconciling.uuid)).content.decode()
    assert "Wij verschillen." in page


# --- correcting ----------------------------------------------------------------------------------


def test_correcting_through_the_page(client, reconciling, pair, programme_admin):
    released = _release(reconciling, pair)
    client.force_login(programme_admin)
    assert client.get(url("assessment_correct", released.uuid)).status_code == 200
    response = client.post(
        url("assessment_correct", released.uuid), {"reason": "", "grade": "8,0"}
    )
    assert response.status_code == 400
    response = client.post(
        url("assessment_correct", released.uuid), {"reason": "Ok.", "grade": ""}
    )
    assert response.status_code == 400  # nothing changes
    response = client.post(
        url("assessment_correct", released.uuid), {"reason": "Rekenfout.", "grade": "8,0"}
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.grade == Decimal("8.0") and correction.by == programme_admin
    assert released.events.filter(kind=AssessmentEvent.Kind.CORRECTED).exists()


def test_correcting_before_release_sends_back_to_the_hub(client, reconciling, pair):
    client.force_login(pair[0].user)
    response = client.get(url("assessment_correct", reconciling.uuid))
    assert response.status_code == 302
    assert response["Location"] == url("assessment", reconciling.uuid)


# --- the portfolio after release -----------------------------------------------------------------


def test_not_yet_reopens_the_portfolio_with_the_feedback_next_to_each_entry(
    client, reconciling, pair, student
):
    released = _release(
        reconciling, pair, verdict=Verdict.NOT_YET, grade=Decimal("5.0"), explanation="Nog niet."
    )
    client.force_login(student)
    response = client.get(url("portfolio", released.portfolio.uuid))
    assert response.status_code == 200
    assert response.context["editable"]
    earlier = response.context["earlier"]
    assert earlier.assessment.pk == released.pk
    assert earlier.deadline == released.resubmission_deadline
    page = response.content.decode()
    for row in response.context["rows"]:
        assert row["form"] is not None
        assert row["earlier"].level.rank == 3
        assert [text for _e, text in row["earlier"].feedback] == [
            f"1: {row['competency'].code} Goed gedaan.",
            f"2: {row['competency'].code} Goed gedaan.",
        ]
    assert url("assessment", released.uuid) in page

    # Round two: the resubmitted portfolio still shows round one's feedback, and its hub
    # lists both rounds in order.
    portfolio = Portfolio.objects.get(pk=released.portfolio_id)
    snapshot = portfolio_services.submit_portfolio(portfolio=portfolio, by=student)
    second = Assessment.objects.get(snapshot=snapshot)
    response = client.get(url("portfolio", portfolio.uuid))
    assert response.context["earlier"].assessment.pk == released.pk
    assert "1: IC1 Goed gedaan." in response.content.decode()
    examiners = two_examiners(second)
    judge(examiners[0])
    judge(examiners[1])
    second.refresh_from_db()
    released_two = _release(second, examiners)
    response = client.get(url("assessment", released_two.uuid))
    assert [r.snapshot.number for r in response.context["rounds"]] == [1, 2]
    assert [r.effective_verdict for r in response.context["rounds"]] == ["not_yet", "pass"]
    response = client.get(url("portfolio", portfolio.uuid))
    assert response.context["earlier"] is None


def test_the_portfolio_lists_show_the_assessed_state_and_verdict(
    client, reconciling, pair, student
):
    released = _release(reconciling, pair)
    client.force_login(student)
    response = client.get(url("portfolios"))
    status = next(s for s in response.context["statuses"] if s.portfolio)
    assert status.state == "assessed"
    assert status.portfolio.latest_result.effective_verdict == Verdict.PASS
    assert gettext("Assessed") in response.content.decode()
    page = client.get(url("portfolio", released.portfolio.uuid)).content.decode()
    assert url("assessment", released.uuid) in page
    snapshot_page = client.get(url("portfolio_snapshot", released.snapshot.uuid))
    assert url("assessment", released.uuid) in snapshot_page.content.decode()


# --- who may do what -----------------------------------------------------------------------------

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
N = MISSING
# While the examiners reconcile (a proposal of revision 1, not yet approved by all).
RECONCILING = [
    ("assessment", "get", (LOGIN, N, N, N, OK, N, OK, N)),
    ("assessment_reconcile", "get", (LOGIN, N, N, N, OK, N, OK, N)),
    ("assessment_reconcile", "post", (LOGIN, N, N, N, BAD, N, FORBIDDEN, N)),
    ("assessment_approve", "post", (LOGIN, N, N, N, REDIRECT, N, FORBIDDEN, N)),
    ("assessment_escalate", "post", (LOGIN, N, N, N, REDIRECT, N, FORBIDDEN, N)),
    ("assessment_release", "post", (LOGIN, N, N, N, REDIRECT, N, REDIRECT, N)),
    ("assessment_correct", "get", (LOGIN, N, N, N, REDIRECT, N, REDIRECT, N)),
    ("assessment_correct", "post", (LOGIN, N, N, N, REDIRECT, N, REDIRECT, N)),
]
# After release: the student and the staff who see the portfolio open the hub.
RELEASED = [
    ("assessment", "get", (LOGIN, OK, N, OK, OK, OK, OK, N)),
    ("assessment_reconcile", "get", (LOGIN, N, N, N, OK, N, OK, N)),
    ("assessment_reconcile", "post", (LOGIN, N, N, N, REDIRECT, N, FORBIDDEN, N)),
    ("assessment_approve", "post", (LOGIN, N, N, N, REDIRECT, N, FORBIDDEN, N)),
    ("assessment_escalate", "post", (LOGIN, N, N, N, REDIRECT, N, FORBIDDEN, N)),
    (
        "assessment_release",
        "post",
        (LOGIN, FORBIDDEN, N, FORBIDDEN, REDIRECT, FORBIDDEN, REDIRECT, N),
    ),
    ("assessment_correct", "get", (LOGIN, FORBIDDEN, N, FORBIDDEN, OK, FORBIDDEN, OK, N)),
    ("assessment_correct", "post", (LOGIN, FORBIDDEN, N, FORBIDDEN, BAD, FORBIDDEN, BAD, N)),
]
WRONG_METHODS = [
    ("assessment", "post"),
    ("assessment_reconcile", "put"),
    ("assessment_approve", "get"),
    ("assessment_escalate", "get"),
    ("assessment_release", "get"),
    ("assessment_correct", "delete"),
]
NAMES = {
    "assessment",
    "assessment_reconcile",
    "assessment_approve",
    "assessment_escalate",
    "assessment_release",
    "assessment_correct",
}


@pytest.fixture
def people(reconciling, pair, student, student2, lecturer, supervisor, programme_admin, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    SupervisorAssignment.objects.create(
        enrolment=reconciling.portfolio.enrolment, supervisor=supervisor
    )
    SupervisorAssignment.objects.create(
        enrolment=student2.enrolments.get(), supervisor=SupervisorFactory()
    )
    return {
        "anonymous": None,
        "student": student,
        "classmate": student2,
        "lecturer": lecturer,
        "examiner": pair[0].user,
        "supervisor": supervisor,
        "admin": programme_admin,
        "outsider": UserFactory(),
    }


def test_every_reconciliation_url_has_an_expectation():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "competencies"
        for pattern in pattern.url_patterns
        if pattern.name in NAMES or (pattern.name or "") == "assessment"
    }
    assert names == NAMES
    assert {name for name, _m, _a in RECONCILING} == NAMES
    assert {name for name, _m, _a in RELEASED} == NAMES
    assert {name for name, _m in WRONG_METHODS} == NAMES


def _check(client, people, target, method, answers, subtests, name):
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
                assert response.status_code == expected, (name, method, role)


@pytest.mark.parametrize(("name", "method", "answers"), RECONCILING)
def test_each_role_while_reconciling(client, people, reconciling, name, method, answers, subtests):
    agree(reconciling)
    _check(client, people, url(name, reconciling.uuid), method, answers, subtests, name)


@pytest.mark.parametrize(("name", "method", "answers"), RELEASED)
def test_each_role_after_release(
    client, people, reconciling, pair, name, method, answers, subtests
):
    released = _release(reconciling, pair)
    _check(client, people, url(name, released.uuid), method, answers, subtests, name)


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_the_wrong_method_is_refused(client, reconciling, pair, name, method):
    client.force_login(pair[0].user)
    response = getattr(client, method)(url(name, reconciling.uuid))
    assert response.status_code == 405


# --- query counts --------------------------------------------------------------------------------

MAX_QUERIES_RECONCILE = 16
MAX_QUERIES_HUB = 16


def _sized(competencies: int):
    version = make_programme(competencies=competencies, name=f"size-{competencies}")
    cohort = CohortFactory(name=f"cohort-{competencies}", curriculum_version=version)
    enrolment = EnrolmentFactory(cohort=cohort)
    assessment = submitted(enrolment)
    pair = two_examiners(assessment, by=UserFactory(is_programme_admin=True))
    for examiner in pair:
        judge(examiner, submit=False)
        for judgement in examiner.judgements.select_related("competency"):
            judgement.indicators.set(judgement.competency.indicators.all()[:2])
        judge(examiner)
    assessment.refresh_from_db()
    agree(assessment)
    return assessment, pair


def test_the_reconcile_page_takes_the_same_queries_at_any_size(
    client, django_assert_max_num_queries
):
    for size in (3, 8):
        assessment, pair = _sized(size)
        client.force_login(pair[0].user)
        client.get(url("assessment_reconcile", assessment.uuid))
        with django_assert_max_num_queries(MAX_QUERIES_RECONCILE):
            response = client.get(url("assessment_reconcile", assessment.uuid))
        assert len(response.context["rows"]) == size
        assert response.context["rows"][0]["cells"][0][1].indicator_count == 2


def test_the_hub_takes_the_same_queries_at_any_size(client, django_assert_max_num_queries):
    for size in (3, 8):
        assessment, pair = _sized(size)
        services.approve_result(assessment=assessment, revision=1, by=pair[0].user)
        services.approve_result(assessment=assessment, revision=1, by=pair[1].user)
        services.release_result(assessment=assessment, by=pair[0].user)
        client.force_login(assessment.portfolio.enrolment.student)
        client.get(url("assessment", assessment.uuid))
        with django_assert_max_num_queries(MAX_QUERIES_HUB):
            response = client.get(url("assessment", assessment.uuid))
        assert len(response.context["result"].rows) == size


def test_the_portfolio_page_after_not_yet_takes_the_same_queries_at_any_size(
    client, django_assert_max_num_queries
):
    for size in (3, 8):
        assessment, pair = _sized(size)
        services.propose_result(
            assessment=assessment,
            levels={
                c.pk: levels_of(assessment)[2] for c in services.assessed_competencies(assessment)
            },
            verdict=Verdict.NOT_YET,
            grade=None,
            explanation="Nog niet.",
            resubmission_deadline=None,
            revision=1,
            by=pair[0].user,
        )
        services.approve_result(assessment=assessment, revision=2, by=pair[1].user)
        services.release_result(assessment=assessment, by=pair[0].user)
        client.force_login(assessment.portfolio.enrolment.student)
        client.get(url("portfolio", assessment.portfolio.uuid))
        with django_assert_max_num_queries(MAX_QUERIES_PORTFOLIO_AFTER_NOT_YET):
            response = client.get(url("portfolio", assessment.portfolio.uuid))
        assert len([row for row in response.context["rows"] if row["earlier"]]) == size


# The portfolio page's own queries plus the latest released round, its corrections, final
# levels, examiners and judgements.
MAX_QUERIES_PORTFOLIO_AFTER_NOT_YET = 18
