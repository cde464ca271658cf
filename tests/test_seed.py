import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from coachmaster.accounts.models import Role, User
from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
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
from competencies.models import Competency, ModuleTarget
from curriculum.models import CurriculumVersion

pytestmark = pytest.mark.django_db


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
    )


@pytest.fixture
def seeded(db):
    call_command("seed_demo", quiet_logins=True)


def _enrolment(email):
    return Enrolment.objects.select_related("cohort").get(student__email=email)


def test_seed_builds_the_demo_programme():
    call_command("seed_demo", quiet_logins=True)
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


def test_seed_gives_each_cohort_its_own_active_version_of_the_default_programme():
    call_command("seed_demo", quiet_logins=True)
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


def test_seed_twice_changes_nothing():
    call_command("seed_demo", quiet_logins=True)
    before = _snapshot()
    call_command("seed_demo", quiet_logins=True)
    assert _snapshot() == before


@pytest.mark.parametrize("person", DEMO_LOGINS, ids=lambda p: p.email)
def test_every_demo_login_works_with_the_demo_password(person):
    call_command("seed_demo", quiet_logins=True)
    user = authenticate(email=person.email, password=DEMO_PASSWORD)
    assert user is not None
    assert user.roles == list(person.roles)
    assert user.emailaddress_set.get().verified


def test_seed_prints_the_logins(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for person in DEMO_LOGINS:
        assert person.email in out
    assert DEMO_PASSWORD in out


def test_seed_twice_keeps_one_of_everything_in_cohorts():
    call_command("seed_demo", quiet_logins=True)
    call_command("seed_demo", quiet_logins=True)
    assert Group.objects.count() == 8
    assert IntervisionSession.objects.count() == 10
    assert LecturerAssignment.objects.count() == 4
    assert SupervisorAssignment.objects.count() == 7
    assert EnrolmentStatusChange.objects.count() == 2


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
