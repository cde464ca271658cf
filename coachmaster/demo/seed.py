"""The demo programme: a realistic small world that every issue extends.

Idempotent: people, cohorts and enrolments are looked up by their natural keys and only
created when missing, so running the seed twice changes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from coachmaster.accounts.models import Role, User
from coachmaster.accounts.services import create_account
from cohorts.models import Cohort, Enrolment
from competencies.defaults import load_default_programme
from competencies.services import derive_version
from curriculum.models import CurriculumVersion

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
    DemoPerson("begeleider@example.org", "Hanneke", "van den", "Berg", (Role.SUPERVISOR,)),
    DemoPerson("student@example.org", "Sanne", "", "Jansen", (Role.STUDENT,)),
    DemoPerson("student2@example.org", "Thijs", "van", "Dijk", (Role.STUDENT,)),
    DemoPerson("student3@example.org", "Fatima", "el", "Amrani", (Role.STUDENT,)),
)

OTHER_STAFF: tuple[DemoPerson, ...] = (
    DemoPerson("r.hoekstra@example.org", "Rob", "", "Hoekstra", (Role.LECTURER,)),
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
def seed_demo() -> None:
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
