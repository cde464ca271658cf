"""The demo programme: a realistic small world that every issue extends.

Idempotent: people, cohorts, enrolments, groups and sessions are looked up by their natural
keys and only created when missing; staff, group places and statuses are only given where
there are none yet. Running the seed twice changes nothing, and it never undoes what an
administrator changed in the demo since. Everything in cohorts is written through
``cohorts.services``, the way the pages write it.

Then every student gets their own work (``student_work``): client engagements, months of
learning log, evidence, feedback and portfolios; a student who has any is left alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction

from coachmaster.accounts.models import Role, User
from coachmaster.accounts.services import create_account
from cohorts import services
from cohorts.defaults import ensure_intervision_methods
from cohorts.models import (
    Cohort,
    Enrolment,
    Group,
    IntervisionMethod,
    IntervisionSession,
    LecturerAssignment,
    SupervisorAssignment,
)
from competencies.defaults import load_default_programme
from competencies.services import derive_version
from curriculum.models import CurriculumVersion

from .assessments import ensure_assessments
from .privacy import ensure_privacy
from .reports import ensure_reports
from .student_work import ensure_student_work
from .theses import ensure_theses

DEMO_PASSWORD = "coachmaster-demo"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    given_name: str
    name_prefix: str
    family_name: str
    roles: tuple[str, ...]
    language: str = "nl"


# The logins the README lists and `make demo` prints, in that order.
DEMO_LOGINS: tuple[DemoPerson, ...] = (
    DemoPerson("admin@example.org", "Ingrid", "", "Bakker", (Role.PROGRAMME_ADMIN,)),
    DemoPerson("docent@example.org", "Marc", "de", "Vries", (Role.LECTURER,)),
    # The second examiner of the demo's portfolios.
    DemoPerson("r.hoekstra@example.org", "Rob", "", "Hoekstra", (Role.LECTURER,)),
    DemoPerson("begeleider@example.org", "Hanneke", "van den", "Berg", (Role.SUPERVISOR,)),
    DemoPerson("student@example.org", "Sanne", "", "Jansen", (Role.STUDENT,)),
    DemoPerson("student2@example.org", "Thijs", "van", "Dijk", (Role.STUDENT,)),
    DemoPerson("student3@example.org", "Fatima", "el", "Amrani", (Role.STUDENT,)),
)

OTHER_STAFF: tuple[DemoPerson, ...] = (
    # A lecturer who also supervises theses: the demo of switching roles.
    DemoPerson(
        "m.dewit@example.org", "Marloes", "de", "Wit", (Role.LECTURER, Role.SUPERVISOR), "en"
    ),
)

OTHER_STUDENTS: tuple[tuple[DemoPerson, str], ...] = tuple(
    (DemoPerson(email, given, prefix, family, (Role.STUDENT,)), cohort)
    for email, given, prefix, family, cohort in (
        ("l.visser@example.org", "Lotte", "", "Visser", "2025–2027"),
        ("j.smit@example.org", "Jeroen", "", "Smit", "2025–2027"),
        ("e.vanleeuwen@example.org", "Esther", "van", "Leeuwen", "2025–2027"),
        ("d.mulder@example.org", "Daan", "", "Mulder", "2025–2027"),
        ("n.bouzid@example.org", "Nadia", "", "Bouzid", "2025–2027"),
        ("p.vandermeer@example.org", "Pieter", "van der", "Meer", "2026–2028"),
        ("a.dekker@example.org", "Annemiek", "", "Dekker", "2026–2028"),
        ("k.brouwer@example.org", "Koen", "", "Brouwer", "2026–2028"),
        ("y.tromp@example.org", "Yvonne", "", "Tromp", "2026–2028"),
        ("r.sedney@example.org", "Rachel", "", "Sedney", "2026–2028"),
    )
)

# Each cohort follows its own curriculum version: 2026 is copied from 2025 (the default content).
COHORTS: tuple[tuple[str, datetime.date, datetime.date, str], ...] = (
    ("2025–2027", datetime.date(2025, 9, 1), datetime.date(2027, 7, 15), "2025"),
    ("2026–2028", datetime.date(2026, 9, 1), datetime.date(2028, 7, 14), "2026"),
)

# The demo logins' own cohorts: student and student2 together, student3 in the other cohort.
LOGIN_COHORTS = {
    "student@example.org": "2025–2027",
    "student2@example.org": "2025–2027",
    "student3@example.org": "2026–2028",
}


# (lecturer, cohort, teaches, examines)
LECTURERS: tuple[tuple[str, str, bool, bool], ...] = (
    ("docent@example.org", "2025–2027", True, True),
    ("docent@example.org", "2026–2028", True, True),
    ("r.hoekstra@example.org", "2025–2027", True, True),
    ("m.dewit@example.org", "2026–2028", False, True),
)

# Thesis supervisor → supervisees. Not everyone has one yet: the first year of 2026–2028 has
# barely begun, and in 2025–2027 supervisors are still being matched.
SUPERVISEES: dict[str, tuple[str, ...]] = {
    "begeleider@example.org": (
        "student@example.org",
        "student2@example.org",
        "l.visser@example.org",
        "j.smit@example.org",
    ),
    "m.dewit@example.org": (
        "student3@example.org",
        "p.vandermeer@example.org",
        "a.dekker@example.org",
    ),
}

# (student, status, effective from, reason): the enrolments that are no longer simply active.
STATUS_CHANGES: tuple[tuple[str, str, datetime.date, str], ...] = (
    (
        "e.vanleeuwen@example.org",
        Enrolment.Status.PAUSED,
        datetime.date(2026, 3, 1),
        "Zwangerschapsverlof",
    ),
    (
        "r.sedney@example.org",
        Enrolment.Status.WITHDRAWN,
        datetime.date(2026, 9, 28),
        "Gestopt op eigen verzoek: de opleiding bleek niet te combineren met een nieuwe "
        "leidinggevende functie.",
    ),
)


@dataclass(frozen=True)
class DemoGroup:
    cohort: str
    kind: str
    name: str
    facilitator: str
    members: tuple[str, ...]


# Every student still in the programme (active or paused) has one learning group and one
# intervision group; the groups cut across each other, as they do in a real cohort.
GROUPS: tuple[DemoGroup, ...] = (
    DemoGroup(
        "2025–2027",
        Group.Kind.LEARNING,
        "Leergroep A",
        "docent@example.org",
        (
            "student@example.org",
            "l.visser@example.org",
            "e.vanleeuwen@example.org",
            "n.bouzid@example.org",
        ),
    ),
    DemoGroup(
        "2025–2027",
        Group.Kind.LEARNING,
        "Leergroep B",
        "r.hoekstra@example.org",
        ("student2@example.org", "j.smit@example.org", "d.mulder@example.org"),
    ),
    DemoGroup(
        "2025–2027",
        Group.Kind.INTERVISION,
        "Intervisiegroep 1",
        "begeleider@example.org",
        ("student@example.org", "student2@example.org", "n.bouzid@example.org"),
    ),
    DemoGroup(
        "2025–2027",
        Group.Kind.INTERVISION,
        "Intervisiegroep 2",
        "r.hoekstra@example.org",
        (
            "l.visser@example.org",
            "j.smit@example.org",
            "e.vanleeuwen@example.org",
            "d.mulder@example.org",
        ),
    ),
    DemoGroup(
        "2026–2028",
        Group.Kind.LEARNING,
        "Leergroep A",
        "docent@example.org",
        ("student3@example.org", "p.vandermeer@example.org", "a.dekker@example.org"),
    ),
    DemoGroup(
        "2026–2028",
        Group.Kind.LEARNING,
        "Leergroep B",
        "docent@example.org",
        ("k.brouwer@example.org", "y.tromp@example.org"),
    ),
    DemoGroup(
        "2026–2028",
        Group.Kind.INTERVISION,
        "Intervisiegroep 1",
        "m.dewit@example.org",
        ("student3@example.org", "k.brouwer@example.org", "y.tromp@example.org"),
    ),
    DemoGroup(
        "2026–2028",
        Group.Kind.INTERVISION,
        "Intervisiegroep 2",
        "docent@example.org",
        ("p.vandermeer@example.org", "a.dekker@example.org"),
    ),
)


@dataclass(frozen=True)
class DemoSession:
    date: datetime.date
    method: str
    case_question: str
    absent: str = ""


SESSION_HOURS = Decimal("2.5")

# The case bringer is not named here: it follows the group's rotation (next_case_bringer).
# Case questions are pseudonymised: no client, organisation or person can be recognised.
SESSIONS: dict[tuple[str, str], tuple[DemoSession, ...]] = {
    ("2025–2027", "Intervisiegroep 1"): (
        DemoSession(
            datetime.date(2025, 10, 9),
            "incident",
            "Hoe win ik het vertrouwen van een team dat zich verzet tegen de aangekondigde "
            "reorganisatie en mij ziet als iemand die door de directie is gestuurd?",
        ),
        DemoSession(
            datetime.date(2025, 12, 4),
            "ten-step",
            "Een teamleider vraagt mij 'de lastige medewerkers' te coachen. Hoe voorkom ik dat "
            "ik het verlengstuk van het management word?",
        ),
        DemoSession(
            datetime.date(2026, 2, 5),
            "balint",
            "Ik merk dat mijn eigen ervaring met een reorganisatie meespeelt in hoe ik naar dit "
            "team kijk. Hoe houd ik dat uit mijn begeleiding?",
            absent="n.bouzid@example.org",
        ),
        DemoSession(
            datetime.date(2026, 4, 9),
            "reflecting-team",
            "Twee afdelingen van een zorgorganisatie schuiven elkaar de lange wachttijden toe. "
            "Hoe breng ik een gesprek op gang over de keten in plaats van over schuld?",
        ),
    ),
    ("2025–2027", "Intervisiegroep 2"): (
        DemoSession(
            datetime.date(2025, 10, 16),
            "gossip",
            "Een managementteam blijft de reorganisatie bespreken maar neemt geen besluiten. "
            "Wat is mijn rol als ik zie dat het uitstel iedereen goed uitkomt?",
        ),
        DemoSession(
            datetime.date(2025, 12, 11),
            "incident",
            "Mijn opdrachtgever wil weten wat teamleden in de coachgesprekken zeggen. Hoe "
            "bespreek ik de vertrouwelijkheid opnieuw in het driegesprek?",
            absent="l.visser@example.org",
        ),
        DemoSession(
            datetime.date(2026, 2, 12),
            "socratic",
            "Mag ik als coach een team helpen zich aan te passen aan een besluit waar ik zelf "
            "grote twijfels over heb?",
        ),
        DemoSession(
            datetime.date(2026, 4, 16),
            "ten-step",
            "Een gemeentelijk team heeft na drie reorganisaties in vijf jaar geen energie meer "
            "voor 'weer een verandertraject'. Waar begin ik?",
        ),
    ),
    ("2026–2028", "Intervisiegroep 1"): (
        DemoSession(
            datetime.date(2026, 10, 8),
            "incident",
            "Hoe bepaal ik of de hulpvraag van een team om teamcoaching vraagt of eigenlijk om "
            "een gesprek over hoe het werk is ingericht?",
        ),
    ),
    ("2026–2028", "Intervisiegroep 2"): (
        DemoSession(
            datetime.date(2026, 10, 15),
            "reflecting-team",
            "Ik word gevraagd een team in mijn eigen organisatie te coachen, met collega's die "
            "ik goed ken. Hoe houd ik mijn rollen zuiver?",
        ),
    ),
}


def _ensure_person(person: DemoPerson, password_hash: str) -> User:
    """Made the way an administrator makes accounts, without the invitation mail."""
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = create_account(
            email=person.email,
            given_name=person.given_name,
            name_prefix=person.name_prefix,
            family_name=person.family_name,
            roles=list(person.roles),
            preferred_language=person.language,
            by=None,
            invite=False,
        )
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


def _ensure_enrolment(student: User, cohort: Cohort, number: int) -> None:
    if not Enrolment.objects.filter(cohort=cohort, student=student).exists():
        Enrolment.objects.create(
            cohort=cohort,
            student=student,
            student_number=f"{number:08d}",
            enrolled_on=cohort.start_date,
        )


def _ensure_versions() -> dict[str, CurriculumVersion]:
    """The default programme as version 2025, and version 2026 copied from it, both active."""
    first = load_default_programme()
    versions = {first.name: first}
    for _name, _start, _end, version_name in COHORTS:
        if version_name in versions:
            continue
        version = CurriculumVersion.objects.filter(
            programme=first.programme, name=version_name
        ).first()
        if version is None:
            version = derive_version(version=first, name=version_name, by=None)
            version.status = CurriculumVersion.Status.ACTIVE
            version.save(update_fields=["status"])
        versions[version_name] = version
    return versions


@transaction.atomic
def seed_demo(*, reports: bool = True) -> None:
    """The demo programme; ``reports=False`` leaves out the reports the demo asks for (the
    browser tests, which seed it for every test, don't need them made each time)."""
    password_hash = make_password(DEMO_PASSWORD)
    versions = _ensure_versions()
    cohorts = {}
    for name, start, end, version_name in COHORTS:
        cohorts[name], _created = Cohort.objects.get_or_create(
            name=name,
            defaults={
                "start_date": start,
                "end_date": end,
                "curriculum_version": versions[version_name],
                "status": Cohort.Status.RUNNING,
            },
        )
        if cohorts[name].curriculum_version_id is None:
            cohorts[name].curriculum_version = versions[version_name]
            cohorts[name].save(update_fields=["curriculum_version"])
    for person in (*DEMO_LOGINS, *OTHER_STAFF):
        _ensure_person(person, password_hash)

    students = [(p, LOGIN_COHORTS[p.email]) for p in DEMO_LOGINS if p.email in LOGIN_COHORTS]
    students += list(OTHER_STUDENTS)
    # Student numbers are fixed per person (position in this list), with leading zeros kept.
    for index, (person, cohort_name) in enumerate(students, start=1):
        student = _ensure_person(person, password_hash)
        _ensure_enrolment(student, cohorts[cohort_name], 4_020_000 + index)

    _ensure_cohort_structure(cohorts)
    ensure_student_work()
    ensure_assessments()
    ensure_theses()
    ensure_privacy()
    if reports:
        ensure_reports()


def _ensure_cohort_structure(cohorts: dict[str, Cohort]) -> None:
    """Staff, statuses, groups and intervision: each only where the demo has none yet."""
    people = {user.email: user for user in User.objects.all()}
    enrolments = {
        (e.cohort.name, e.student.email): e
        for e in Enrolment.objects.select_related("cohort", "student")
    }
    enrolment_of = {email: e for (_cohort, email), e in enrolments.items()}

    for email, cohort_name, teaches, examines in LECTURERS:
        lecturer, cohort = people[email], cohorts[cohort_name]
        current = LecturerAssignment.objects.current().filter(cohort=cohort, lecturer=lecturer)
        if not current.exists():
            services.assign_lecturer(
                cohort=cohort, lecturer=lecturer, teaches=teaches, examines=examines, by=None
            )

    for supervisor_email, student_emails in SUPERVISEES.items():
        for email in student_emails:
            enrolment = enrolment_of[email]
            if not SupervisorAssignment.objects.current().filter(enrolment=enrolment).exists():
                services.assign_supervisor(
                    enrolment=enrolment, supervisor=people[supervisor_email], by=None
                )

    for email, status, effective_on, reason in STATUS_CHANGES:
        enrolment = enrolment_of[email]
        if not enrolment.history.exists():
            services.change_status(
                enrolment=enrolment,
                status=status,
                effective_on=effective_on,
                reason=reason,
                by=None,
            )

    for demo_group in GROUPS:
        cohort = cohorts[demo_group.cohort]
        group = Group.objects.filter(cohort=cohort, name=demo_group.name).first()
        if group is None:
            group = services.save_group(
                group=Group(
                    cohort=cohort,
                    kind=demo_group.kind,
                    name=demo_group.name,
                    facilitator=people[demo_group.facilitator],
                ),
                by=None,
            )
        # A student already in a group of this kind keeps it, even if an administrator moved them.
        members = [enrolments[(cohort.name, email)] for email in demo_group.members]
        unplaced = [e for e in members if not e.groups.filter(kind=group.kind).exists()]
        if unplaced:
            services.add_to_group(group=group, enrolments=unplaced, by=None)

    ensure_intervision_methods()
    methods = {method.code: method for method in IntervisionMethod.objects.all()}
    for (cohort_name, group_name), demo_sessions in SESSIONS.items():
        group = Group.objects.get(cohort=cohorts[cohort_name], name=group_name)
        for demo in sorted(demo_sessions, key=lambda d: d.date):
            if group.sessions.filter(date=demo.date).exists():
                continue
            case_bringer = services.next_case_bringer(group)
            session = IntervisionSession(
                group=group,
                date=demo.date,
                hours=SESSION_HOURS,
                method=methods[demo.method],
                case_bringer=case_bringer,
                case_question=demo.case_question,
            )
            services.save_session(
                session=session, attendees=_attendees(group, demo, case_bringer), by=None
            )


def _attendees(group: Group, demo: DemoSession, case_bringer: Enrolment | None):
    """Everyone who was in the programme that day, except the one who sent apologies."""
    attendees = []
    for member in group.members.select_related("student"):
        away = member.status != Enrolment.Status.ACTIVE and (
            member.status_since is None or member.status_since <= demo.date
        )
        if member == case_bringer or not (away or member.student.email == demo.absent):
            attendees.append(member)
    return attendees
