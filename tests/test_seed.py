import datetime
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min, Sum

from coachmaster.accounts.models import Role, User
from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from coachmaster.demo.student_work import LOG_UNTIL
from coachmaster.privacy.models import ErasureRequest, RetentionRun
from coachmaster.reports.models import ReportJob
from cohorts.models import (
    Attendance,
    Cohort,
    Enrolment,
    EnrolmentStatusChange,
    Group,
    IntervisionSession,
    LecturerAssignment,
    SupervisorAssignment,
)
from competencies.ledger import hours_ledger
from competencies.models import (
    Assessment,
    AssessmentEvent,
    ClientEngagement,
    Competency,
    Evidence,
    EvidenceClaim,
    FeedbackRequest,
    FeedbackThread,
    Judgement,
    LearningActivity,
    ModuleTarget,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    Verdict,
)
from competencies.services.portfolio import completeness_problems
from competencies.snapshots import files_of, hash_data, hash_stored_file
from curriculum.models import CurriculumVersion
from tests.private_files import private_files_in
from thesis.models import (
    EthicsReview,
    EthicsReviewerAppointment,
    HostOrganisation,
    MeetingAction,
    Milestone,
    MilestoneEvent,
    MilestoneVersion,
    SupervisionMeeting,
    ThesisProject,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def private_media(tmp_path_factory):
    """Evidence files, snapshot copies, thesis versions and reports go to a temporary folder
    (``tests/private_files.py``); one folder for the module, so that files seeded once for a
    class stay readable."""
    with (
        pytest.MonkeyPatch.context() as patch,
        private_files_in(tmp_path_factory.mktemp("private"), patch) as location,
    ):
        yield location


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "is_student", "is_lecturer")),
        sorted(
            Enrolment.objects.values_list(
                "student__email", "cohort__name", "student_number", "status", "status_since"
            )
        ),
        sorted(
            Cohort.objects.values_list("name", "start_date", "status", "curriculum_version__name")
        ),
        sorted(CurriculumVersion.objects.values_list("name", "status")),
        Competency.objects.count(),
        ModuleTarget.objects.count(),
        sorted(
            EnrolmentStatusChange.objects.values_list(
                "enrolment__student__email", "from_status", "to_status", "effective_on", "reason"
            )
        ),
        sorted(
            LecturerAssignment.objects.values_list(
                "cohort__name", "lecturer__email", "teaches", "examines", "ended_at"
            ),
            key=str,  # ended_at may be None
        ),
        sorted(
            SupervisorAssignment.objects.values_list(
                "enrolment__student__email", "supervisor__email", "ended_at"
            ),
            key=str,
        ),
        sorted(Group.objects.values_list("cohort__name", "name", "kind", "facilitator__email")),
        sorted(
            Group.members.through.objects.values_list(
                "group__cohort__name", "group__name", "enrolment__student__email"
            )
        ),
        sorted(
            IntervisionSession.objects.values_list(
                "group__cohort__name",
                "group__name",
                "date",
                "hours",
                "method__code",
                "case_bringer__student__email",
                "case_question",
            )
        ),
        sorted(
            Attendance.objects.values_list(
                "session__group__cohort__name",
                "session__group__name",
                "session__date",
                "enrolment__student__email",
                "hours",
            )
        ),
        LearningActivity.objects.count(),
        LearningActivity.competencies.through.objects.count(),
        LearningActivity.disciplines.through.objects.count(),
        ClientEngagement.objects.count(),
        Evidence.objects.count(),
        EvidenceClaim.objects.count(),
        FeedbackRequest.objects.count(),
        sorted(Portfolio.objects.values_list("enrolment__student__email", "status")),
        PortfolioEntry.objects.count(),
        PortfolioSnapshot.objects.count(),
        sorted(ThesisProject.objects.values_list("enrolment__student__email", "status")),
        sorted(
            Milestone.objects.values_list("project__working_title", "kind", "status", "due_on")
        ),
        MilestoneVersion.objects.count(),
        MilestoneEvent.objects.count(),
        SupervisionMeeting.objects.count(),
        MeetingAction.objects.count(),
        HostOrganisation.objects.count(),
        EthicsReviewerAppointment.objects.count(),
        sorted(ReportJob.objects.values_list("kind", "language", "source_hash")),
    )


@pytest.fixture(scope="module")
def seeded_once(private_media, django_db_setup, django_db_blocker):
    """One demo for every test of the module that only reads it (it takes a second or two to
    make): each such test runs in a savepoint inside this transaction, which is rolled back
    after the module. Tests that must watch the seed run themselves come first in the file,
    before this is set up (``fresh_db`` checks that)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", quiet_logins=True)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def seeded(seeded_once, db):
    """The shared demo of ``seeded_once``, for a module-level test."""


@pytest.fixture
def fresh_db(db):
    """For tests that run the seed themselves: the shared demo must not be there yet."""
    assert not Cohort.objects.exists(), "the shared demo is already seeded; move this test up"


def _enrolment(email):
    return Enrolment.objects.select_related("cohort").get(student__email=email)


# --- tests that watch the seed run: each on an empty database, before the shared demo -----


def test_seed_twice_changes_nothing(fresh_db):
    call_command("seed_demo", quiet_logins=True)
    before = _snapshot()
    call_command("seed_demo", quiet_logins=True)
    assert _snapshot() == before


def test_seed_prints_the_logins(fresh_db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for person in DEMO_LOGINS:
        assert person.email in out
    assert DEMO_PASSWORD in out


def test_seed_twice_keeps_one_of_everything_in_cohorts(fresh_db):
    call_command("seed_demo", quiet_logins=True)
    call_command("seed_demo", quiet_logins=True)
    assert Group.objects.count() == 8
    assert IntervisionSession.objects.count() == 10
    assert LecturerAssignment.objects.count() == 4
    assert SupervisorAssignment.objects.count() == 7
    assert EnrolmentStatusChange.objects.count() == 2


# --- tests that only read the demo: one shared seed (``seeded``/``seeded_once``) ----------


def test_seed_builds_the_demo_programme(seeded):
    people = User.objects.all()
    assert Cohort.objects.count() == 2
    assert people.with_role(Role.STUDENT).count() >= 12
    assert people.with_role(Role.LECTURER).count() == 3
    assert people.with_role(Role.SUPERVISOR).count() == 2
    assert people.with_role(Role.PROGRAMME_ADMIN).count() == 1
    cohort_of = dict(Enrolment.objects.values_list("student__email", "cohort__name"))
    assert cohort_of["student@example.org"] == cohort_of["student2@example.org"]
    assert cohort_of["student3@example.org"] != cohort_of["student@example.org"]
    numbers = Enrolment.objects.values_list("student_number", flat=True)
    assert all(len(n) == 8 and n.isdigit() for n in numbers)


def test_seed_gives_each_cohort_its_own_active_version_of_the_default_programme(seeded):
    versions = dict(Cohort.objects.values_list("name", "curriculum_version__name"))
    assert versions == {"2025–2027": "2025", "2026–2028": "2026"}
    first, second = (
        CurriculumVersion.objects.get(name="2025"),
        CurriculumVersion.objects.get(name="2026"),
    )
    assert first.status == second.status == CurriculumVersion.Status.ACTIVE
    assert second.derived_from == first
    assert second.framework.competencies.count() == first.framework.competencies.count() >= 15
    assert not first.is_editable and not second.is_editable


@pytest.mark.parametrize("person", DEMO_LOGINS, ids=lambda p: p.email)
def test_every_demo_login_works_with_the_demo_password(seeded, person):
    user = authenticate(email=person.email, password=DEMO_PASSWORD)
    assert user is not None
    assert user.roles == list(person.roles)
    assert user.emailaddress_set.get().verified


def test_both_cohorts_are_running(seeded):
    assert set(Cohort.objects.values_list("status", flat=True)) == {Cohort.Status.RUNNING}


def test_lecturers_are_assigned_to_their_cohorts(seeded):
    assignments = {
        (a.lecturer.email, a.cohort.name): (a.teaches, a.examines)
        for a in LecturerAssignment.objects.current().select_related("lecturer", "cohort")
    }
    assert assignments == {
        ("docent@example.org", "2025–2027"): (True, True),
        ("docent@example.org", "2026–2028"): (True, True),
        ("r.hoekstra@example.org", "2025–2027"): (True, True),
        ("m.dewit@example.org", "2026–2028"): (False, True),
    }


def test_each_supervisor_has_their_supervisees(seeded):
    supervisees = {}
    for a in SupervisorAssignment.objects.current().select_related("supervisor", "enrolment"):
        supervisees.setdefault(a.supervisor.email, set()).add(a.enrolment.student.email)
    assert supervisees["begeleider@example.org"] >= {
        "student@example.org",
        "student2@example.org",
    }
    assert "student3@example.org" in supervisees["m.dewit@example.org"]
    cohort_of = dict(Enrolment.objects.values_list("student__email", "cohort__name"))
    assert Counter(cohort_of[e] for e in supervisees["begeleider@example.org"]) == {"2025–2027": 4}
    assert Counter(cohort_of[e] for e in supervisees["m.dewit@example.org"]) == {"2026–2028": 3}


def test_some_students_in_each_cohort_have_no_supervisor_yet(seeded):
    for cohort in Cohort.objects.all():
        unsupervised = cohort.enrolments.exclude(
            pk__in=SupervisorAssignment.objects.current().values("enrolment_id")
        )
        assert unsupervised.exists(), cohort


def test_every_student_in_the_programme_has_one_learning_and_one_intervision_group(seeded):
    for enrolment in Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN):
        kinds = Counter(group.kind for group in enrolment.groups.all())
        assert kinds == {Group.Kind.LEARNING: 1, Group.Kind.INTERVISION: 1}, enrolment
        assert {group.cohort_id for group in enrolment.groups.all()} == {enrolment.cohort_id}


def test_each_cohort_has_two_learning_and_two_intervision_groups_led_by_staff(seeded):
    for cohort in Cohort.objects.all():
        groups = {(g.kind, g.name) for g in cohort.groups.all()}
        assert groups == {
            (Group.Kind.LEARNING, "Leergroep A"),
            (Group.Kind.LEARNING, "Leergroep B"),
            (Group.Kind.INTERVISION, "Intervisiegroep 1"),
            (Group.Kind.INTERVISION, "Intervisiegroep 2"),
        }
    for group in Group.objects.select_related("facilitator"):
        if group.kind == Group.Kind.LEARNING:
            assert group.facilitator.is_lecturer, group
        else:
            assert group.facilitator.is_lecturer or group.facilitator.is_supervisor, group


def test_student_and_student2_share_intervision_group_1(seeded):
    group = Group.objects.get(cohort__name="2025–2027", name="Intervisiegroep 1")
    members = set(group.members.values_list("student__email", flat=True))
    assert {"student@example.org", "student2@example.org"} <= members


def test_intervision_sessions_rotate_the_case_bringer(seeded):
    for group in Group.objects.filter(kind=Group.Kind.INTERVISION).select_related("cohort"):
        sessions = list(group.sessions.order_by("date"))
        expected = 4 if group.cohort.name == "2025–2027" else 1
        assert len(sessions) == expected, group
        assert len({s.method_id for s in sessions}) == expected
        bringers = [s.case_bringer_id for s in sessions]
        assert None not in bringers
        active = group.members.filter(status=Enrolment.Status.ACTIVE).count()
        # Nobody brings a second case before every active member has brought one.
        assert len(set(bringers)) == min(len(bringers), active), group
        for session in sessions:
            assert group.cohort.start_date < session.date < datetime.date(2026, 11, 1)
            assert session.hours == Decimal("2.5")
            assert session.case_question.endswith("?")
            assert session.attendance.filter(enrolment=session.case_bringer).exists()


def test_most_members_attend_and_one_sent_apologies(seeded):
    sessions = IntervisionSession.objects.filter(group__cohort__name="2025–2027")
    for session in sessions:
        members = session.group.members.count()
        attended = session.attendance.count()
        assert members - 1 <= attended <= members, session
        assert set(session.attendance.values_list("hours", flat=True)) == {Decimal("2.5")}
    absences = [s for s in sessions if s.attendance.count() < s.group.members.count()]
    assert absences


def test_a_paused_student_misses_sessions_after_her_pause_only(seeded):
    paused = _enrolment("e.vanleeuwen@example.org")
    assert paused.status == Enrolment.Status.PAUSED
    assert paused.status_since == datetime.date(2026, 3, 1)
    change = paused.history.get()
    assert (change.from_status, change.reason) == (Enrolment.Status.ACTIVE, "Zwangerschapsverlof")
    attended = set(paused.attendance.values_list("session__date", flat=True))
    sessions = IntervisionSession.objects.filter(group__members=paused)
    assert attended == {s.date for s in sessions if s.date < paused.status_since}
    assert not sessions.filter(case_bringer=paused).exists()


def test_one_student_of_2026_withdrew_with_a_reason(seeded):
    withdrawn = Enrolment.objects.filter(status=Enrolment.Status.WITHDRAWN).select_related(
        "cohort", "student"
    )
    assert [e.cohort.name for e in withdrawn] == ["2026–2028"]
    assert withdrawn[0].history.get().reason
    demo_logins = {person.email for person in DEMO_LOGINS}
    changed = EnrolmentStatusChange.objects.values_list("enrolment__student__email", flat=True)
    assert not demo_logins & set(changed)
    assert not withdrawn[0].groups.exists()


# --- the students' own work -------------------------------------------------------------------


def _active():
    return Enrolment.objects.filter(status=Enrolment.Status.ACTIVE).select_related(
        "cohort", "student"
    )


def _year_1(email):
    return Portfolio.objects.get(
        enrolment__student__email=email, review_moment__code="year-1-review"
    )


# A full name: two to four capitalised words (Dutch prefixes allowed), no digits, and not a
# collective such as a team, department or network.
NAME = re.compile(r"[A-Z][a-z]+(?: (?:van|de|der|den|el|ten|ter|'t))* [A-Z][a-z]+")
COLLECTIVES = ("team", "mt", "keten", "afdeling", "docententeam", "wijkteam", "netwerk")


@pytest.mark.usefixtures("seeded_once")
class TestStudentWork:
    """The students' own work, read from the shared demo of ``seeded_once``."""

    def test_every_active_student_has_months_of_log_and_evidence(self):
        for enrolment in _active():
            span = enrolment.activities.aggregate(first=Min("date"), last=Max("date"))
            assert span["first"] is not None, enrolment
            assert enrolment.cohort.start_date <= span["first"] <= span["last"] <= LOG_UNTIL
            weeks = (span["last"] - span["first"]).days / 7
            per_week = enrolment.activities.count() / weeks
            if enrolment.cohort.name == "2025–2027":
                assert (span["last"] - span["first"]).days >= 60, enrolment
                assert 2 <= per_week <= 4, enrolment
            else:
                assert per_week < 3, enrolment
            assert 6 <= enrolment.evidence.count() <= 12, enrolment
            assert 2 <= enrolment.engagements.count() <= 4, enrolment

    def test_activities_are_realistic_and_linked_to_the_cohorts_own_framework(self):
        activities = LearningActivity.objects.select_related("enrolment__cohort", "kind")
        assert {a.kind.code for a in activities} >= {
            "coaching-session",
            "team-coaching",
            "module-session",
            "literature",
            "supervision",
            "workshop",
            "practice-assignment",
            "research",
        }
        assert {a.system_level for a in activities} >= {
            "individual",
            "team",
            "organisation",
            "network",
        }
        assert {a.role for a in activities} >= {"coach", "advisor", "researcher"}
        for activity in activities:
            assert Decimal("0.5") <= activity.hours <= Decimal("4"), activity
            assert activity.title and activity.description, activity
            if activity.engagement_id:
                assert activity.kind.is_client_work
                assert activity.engagement.enrolment_id == activity.enrolment_id
        through = LearningActivity.competencies.through.objects.select_related(
            "learningactivity__enrolment__cohort", "competency__framework"
        )
        assert through.count() >= LearningActivity.objects.count()
        for link in through:
            cohort = link.learningactivity.enrolment.cohort
            assert link.competency.framework.curriculum_version_id == cohort.curriculum_version_id
        assert LearningActivity.disciplines.through.objects.exists()
        assert LearningActivity.objects.filter(reflection__contains="**").exists()

    def test_evidence_has_claims_activities_files_and_client_feedback(self):
        for enrolment in _active():
            evidence = enrolment.evidence.all()
            for item in evidence:
                claims = list(item.claims.select_related("level", "competency__framework"))
                assert 1 <= len(claims) <= 3, item
                for claim in claims:
                    assert 1 <= claim.level.rank <= 3
                    assert claim.justification
                    assert claim.competency.framework.curriculum_version_id == (
                        enrolment.cohort.curriculum_version_id
                    )
            files = evidence.exclude(file="")
            assert 1 <= files.count() <= 2, enrolment
            for item in files:
                assert hash_stored_file(item.file.name) == (item.sha256, item.size)
                assert item.content_type in {"application/pdf", "image/png"}
            assert evidence.filter(kind=Evidence.Kind.LINK).exclude(url="").exists()
            assert evidence.filter(activities__isnull=False).exists()
            requests = list(enrolment.feedback_requests.all())
            assert any(r.is_open for r in requests), enrolment
            if enrolment.cohort.name == "2025–2027":
                answered = evidence.filter(feedback_request__isnull=False)
                assert answered.filter(kind=Evidence.Kind.CLIENT_FEEDBACK).count() == 1
                assert answered.get().claims.exists()

    def test_engagements_have_a_contract_and_mostly_consent(self):
        engagements = ClientEngagement.objects.all()
        for engagement in engagements:
            engagement.full_clean()
            assert engagement.sponsor and engagement.goals and engagement.sector
            assert engagement.contract_goals and engagement.contract_confidentiality
            assert engagement.contract_reporting and engagement.contract_evaluation
            assert engagement.contract_agreed_on <= engagement.started_on
            assert engagement.consent == (engagement.consent_on is not None)
        assert engagements.filter(client_type="group", group_size__gte=2).exists()
        assert engagements.filter(client_type="individual").exists()
        assert engagements.filter(paid=True).exists() and engagements.filter(paid=False).exists()
        assert engagements.filter(internal=True).exists()
        without = engagements.filter(consent=False)
        assert 0 < without.count() < engagements.count() / 4
        for enrolment in _active():
            assert enrolment.engagements.filter(consent=False).count() <= 1

    def test_no_client_pseudonym_looks_like_a_name(self):
        for code in ClientEngagement.objects.values_list("client_code", flat=True):
            collective = code.split()[0].lower() in COLLECTIVES
            assert collective or re.search(r"\d", code) or not NAME.fullmatch(code), code
        for label in FeedbackRequest.objects.values_list("recipient_label", flat=True):
            assert label.split()[0] in {"coachee", "team", "opdrachtgever"}, label

    def test_only_consenting_engagements_count_in_the_hours_ledger(self):
        checked = 0
        for enrolment in _active():
            client_work = LearningActivity.objects.filter(
                enrolment=enrolment, kind__is_client_work=True
            )
            consenting = client_work.filter(engagement__consent=True)
            ledger = hours_ledger(enrolment, today=LOG_UNTIL)
            expected = consenting.aggregate(total=Sum("hours"))["total"] or 0
            assert ledger.clients == consenting.values("engagement").distinct().count()
            assert ledger.client_hours == expected, enrolment
            if client_work.filter(engagement__consent=False).exists():
                checked += 1
                assert ledger.client_hours < client_work.aggregate(total=Sum("hours"))["total"]
        assert checked >= 3

    def test_student_has_submitted_her_year_1_portfolio(self):
        portfolio = _year_1("student@example.org")
        assert portfolio.status == Portfolio.Status.SUBMITTED
        assert completeness_problems(portfolio) == []
        snapshot = portfolio.current_snapshot
        assert snapshot.number == 1 and portfolio.snapshots.count() == 1
        assert hash_data(snapshot.data) == snapshot.sha256
        files = files_of(snapshot.data)
        assert files
        for frozen in files.values():
            assert hash_stored_file(frozen["storage_name"]) == (frozen["sha256"], frozen["size"])
        levels, roles = set(), set()
        for competency in snapshot.data["competencies"]:
            assert competency["evidence"] and competency["argument"]
            assert competency["self_level"] >= competency["target_level"]
            for evidence in competency["evidence"]:
                for activity in evidence["activities"]:
                    levels.add(activity["system_level"])
                    roles.add(activity["role"])
        assert {"individual", "team", "organisation", "network"} <= levels
        assert {"coach", "advisor", "researcher"} <= roles
        assert snapshot.data["overall_reflection"] and snapshot.data["development_plan"]

    def test_student2s_year_1_portfolio_is_a_draft_that_still_misses_things(self):
        portfolio = _year_1("student2@example.org")
        assert portfolio.status == Portfolio.Status.DRAFT
        kinds = {problem.kind for problem in completeness_problems(portfolio)}
        assert {"no_argument", "no_evidence", "target_not_reached"} <= kinds
        assert portfolio.overall_reflection
        assert portfolio.entries.exclude(argument="").count() >= 10

    def test_portfolios_per_cohort(self):
        for enrolment in Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN):
            portfolios = list(enrolment.portfolios.select_related("review_moment"))
            if enrolment.cohort.name == "2025–2027":
                assert [p.review_moment.code for p in portfolios] == ["year-1-review"], enrolment
                assert portfolios[0].entries.filter(self_level__isnull=False).exists()
            else:
                assert all(p.status == Portfolio.Status.DRAFT for p in portfolios), enrolment
                assert all(p.entries.exclude(argument="").count() <= 2 for p in portfolios)
        # Five year-1 portfolios submitted, Jeroen's twice (round 1 was "not yet"); Nadia's
        # is assessed.
        assert Portfolio.objects.filter(status=Portfolio.Status.SUBMITTED).count() == 4
        assert Portfolio.objects.filter(status=Portfolio.Status.ASSESSED).count() == 1
        assert PortfolioSnapshot.objects.count() == 6
        started = Portfolio.objects.filter(enrolment__cohort__name="2026–2028")
        assert started.filter(enrolment__student__email="student3@example.org").exists()

    def test_a_student_with_work_of_their_own_is_left_alone(self):
        enrolment = Enrolment.objects.get(student__email="student3@example.org")
        before = enrolment.activities.count()
        enrolment.activities.filter(pk=enrolment.activities.order_by("pk")[0].pk).delete()
        call_command("seed_demo", quiet_logins=True)
        assert enrolment.activities.count() == before - 1


@pytest.mark.usefixtures("seeded_once")
class TestAssessments:
    """The demo's assessments: waiting, being reconciled, released as "not yet" with a
    resubmission, released as a pass, and one still without examiners."""

    def _rounds(self, email):
        return list(
            Assessment.objects.filter(portfolio__enrolment__student__email=email)
            .select_related("snapshot")
            .order_by("snapshot__number")
        )

    def test_sannes_portfolio_waits_for_two_demo_lecturers(self):
        (assessment,) = self._rounds("student@example.org")
        assert assessment.status == Assessment.Status.OPEN
        examiners = list(assessment.examiners.select_related("user"))
        assert [e.user.email for e in examiners] == [
            "docent@example.org",
            "r.hoekstra@example.org",
        ]
        assert not any(e.has_started for e in examiners)

    def test_lottes_examiners_disagree_and_reconcile(self):
        (assessment,) = self._rounds("l.visser@example.org")
        assert assessment.status == Assessment.Status.RECONCILING
        examiners = list(assessment.examiners.all())
        assert all(e.is_submitted for e in examiners)
        assert {e.verdict for e in examiners} == {Verdict.PASS, Verdict.NOT_YET}
        judgements = Judgement.objects.filter(examiner__assessment=assessment)
        ranks = {}
        for judgement in judgements.select_related("level", "competency"):
            ranks.setdefault(judgement.competency.code, []).append(judgement.level.rank)
        assert max(max(r) - min(r) for r in ranks.values()) >= 2
        assert assessment.revision == 1 and assessment.final_verdict == Verdict.PASS
        assert assessment.approvals.count() == 1  # Marc has still to approve

    def test_jeroen_resubmitted_after_not_yet(self):
        first, second = self._rounds("j.smit@example.org")
        assert first.status == Assessment.Status.RELEASED
        assert first.final_verdict == Verdict.NOT_YET and first.resubmission_deadline
        assert second.status == Assessment.Status.OPEN and second.snapshot.number == 2
        assert second.examiners.filter(draft_saved_at__isnull=False, submitted_at=None).exists()
        assert first.events.filter(kind=AssessmentEvent.Kind.RELEASED).exists()

    def test_nadia_passed_and_daan_waits_for_examiners(self):
        (passed,) = self._rounds("n.bouzid@example.org")
        assert passed.status == Assessment.Status.RELEASED
        assert passed.final_verdict == Verdict.PASS
        assert passed.portfolio.status == Portfolio.Status.ASSESSED
        (waiting,) = self._rounds("d.mulder@example.org")
        assert not waiting.examiners.exists()

    def test_every_act_is_on_the_record(self):
        kinds = set(AssessmentEvent.objects.values_list("kind", flat=True))
        assert {"created", "assigned", "draft_saved", "submitted", "proposed"} <= kinds
        assert {"approved", "released"} <= kinds

    def test_formative_feedback_threads(self):
        threads = {t.subject: t for t in FeedbackThread.objects.select_related("lecturer")}
        assert len(threads) == 3
        answered = [t for t in threads.values() if t.status == FeedbackThread.Status.ANSWERED]
        assert len(answered) == 1 and answered[0].portfolio_id is not None
        assert answered[0].messages.count() == 2
        assert sum(t.status == FeedbackThread.Status.OPEN for t in threads.values()) == 2


@pytest.mark.usefixtures("seeded_once")
class TestTheses:
    """Hanneke's supervisees at different stages, as ``coachmaster/demo/theses.py`` says."""

    TODAY = datetime.date(2026, 11, 27)

    def _project(self, email):
        return ThesisProject.objects.with_overdue_counts(self.TODAY).get(
            enrolment__student__email=email
        )

    def _statuses(self, email):
        project = ThesisProject.objects.get(enrolment__student__email=email)
        return dict(project.milestones.values_list("kind", "status"))

    def test_four_theses_at_different_stages(self):
        assert ThesisProject.objects.count() == 4
        assert self._statuses("l.visser@example.org")["data_collection"] == "in_progress"
        assert self._statuses("student@example.org")["ethics"] == "submitted"
        assert self._statuses("j.smit@example.org")["proposal"] == "submitted"
        assert self._statuses("student2@example.org")["proposal"] == "in_progress"

    def test_one_thesis_is_overdue_and_two_wait_for_the_supervisor(self):
        assert self._project("student2@example.org").overdue_count >= 1
        assert self._project("l.visser@example.org").overdue_count == 0
        assert self._project("j.smit@example.org").waiting_count == 1
        assert self._project("student@example.org").waiting_count == 2

    def test_one_ethics_review_waits_for_the_programme_ethics_reviewer(self):
        waiting = EthicsReview.objects.waiting().get()
        assert waiting.project.enrolment.student.email == "student@example.org"
        assert waiting.route == EthicsReview.Route.ETHICS_REVIEWER
        appointed = EthicsReviewerAppointment.objects.current().get()
        assert appointed.reviewer.email == "docent@example.org"

    def test_sannes_proposal_was_revised_once(self):
        proposal = ThesisProject.objects.get(
            enrolment__student__email="student@example.org"
        ).milestones.get(kind="proposal")
        decisions = list(
            proposal.versions.order_by("number").values_list("number", "reviews__decision")
        )
        assert decisions == [(1, "revise"), (2, "approved")]

    def test_history_carries_the_days_it_happened(self):
        event = MilestoneEvent.objects.filter(kind="approved").order_by("at").first()
        assert event.at.date() < self.TODAY

    def test_moved_deadlines_keep_their_reason(self):
        moved = MilestoneEvent.objects.filter(kind="due_changed")
        assert moved.count() == 3
        assert all(event.reason for event in moved)

    def test_meetings_have_actions_some_done(self):
        assert SupervisionMeeting.objects.count() == 3
        assert MeetingAction.objects.filter(done=True).exists()
        assert MeetingAction.objects.filter(done=False).exists()
        owners = set(MeetingAction.objects.values_list("owner__email", flat=True))
        assert "begeleider@example.org" in owners

    def test_version_files_are_readable_pdfs(self):
        for version in MilestoneVersion.objects.all():
            with version.file.open("rb") as handle:
                assert handle.read(5) == b"%PDF-"


@pytest.mark.usefixtures("seeded_once")
def test_the_demo_has_reports_asked_for():
    """Nadia's portfolio PDF, Sanne's progress report and the cohort report (made while
    seeding when tasks run in-process; here the seed's transaction is never committed)."""
    kinds = dict(ReportJob.objects.values_list("kind", "requested_by__email"))
    assert kinds == {
        "portfolio": "n.bouzid@example.org",
        "progress": "student@example.org",
        "cohort": "admin@example.org",
    }


def test_the_demo_has_a_retention_log_and_an_erasure_request_waiting(seeded):
    assert RetentionRun.objects.filter(dry_run=True).exists()
    assert not RetentionRun.objects.filter(dry_run=False).exists()
    waiting = ErasureRequest.objects.get(status=ErasureRequest.Status.OPEN)
    assert waiting.subject.email == "r.sedney@example.org"
