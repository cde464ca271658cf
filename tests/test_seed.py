import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from coachmaster.accounts.models import Role, User
from coachmaster.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from cohorts.models import Cohort, Enrolment
from competencies.models import Competency, ModuleTarget
from curriculum.models import CurriculumVersion

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        sorted(User.objects.values_list("email", "password", "is_student", "is_lecturer")),
        sorted(Enrolment.objects.values_list("student__email", "cohort__name", "student_number")),
        sorted(Cohort.objects.values_list("name", "start_date", "curriculum_version__name")),
        sorted(CurriculumVersion.objects.values_list("name", "status")),
        Competency.objects.count(),
        ModuleTarget.objects.count(),
    )


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
