"""The host organisation registry: who may use it, what supervisors see of hosted projects,
adding and correcting organisations, and duplicate names."""

import uuid

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests.factories import EnrolmentFactory, SupervisorFactory
from thesis.models import HostOrganisation, ThesisProject

from .helpers import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def host(programme_admin):
    return HostOrganisation.objects.create(
        name="Zorggroep Rivierenland",
        sector="Zorg",
        agreement=HostOrganisation.Agreement.SIGNED,
        confidential=True,
        created_by=programme_admin,
    )


def host_on(project, host):
    ThesisProject.objects.filter(pk=project.pk).update(host_organisation=host)


def form_data(**changes):
    data = {
        "name": "Gemeente Utrecht",
        "sector": "Overheid",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "agreement": HostOrganisation.Agreement.DRAFT,
        "agreement_signed_on": "",
        "may_be_named": "on",
        "sponsor_name": "",
        "sponsor_signed_off_on": "",
        "notes": "",
    }
    data.update(changes)
    return data


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["student", "lecturer", "outsider"])
def test_registry_refuses_students_and_others(client, world, host, role):
    client.force_login(world[role])
    assert client.get(reverse("thesis:hosts")).status_code == 403
    assert client.get(reverse("thesis:host_new")).status_code == 403
    assert client.post(reverse("thesis:host_new"), form_data()).status_code == 403
    assert client.get(reverse("thesis:host", args=[host.uuid])).status_code == 403
    assert not HostOrganisation.objects.filter(name="Gemeente Utrecht").exists()


def test_registry_refuses_wrong_methods(client, programme_admin, host):
    client.force_login(programme_admin)
    assert client.post(reverse("thesis:hosts")).status_code == 405
    assert client.put(reverse("thesis:host_new")).status_code == 405
    assert client.delete(reverse("thesis:host", args=[host.uuid])).status_code == 405


def test_unknown_host_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("thesis:host", args=[uuid.uuid4()])).status_code == 404


# --- the list --------------------------------------------------------------------------------


def test_admin_sees_every_hosted_project(client, programme_admin, host, project, student2):
    other = make_project(student2.enrolments.get(), supervisor=SupervisorFactory(), title="Ander")
    host_on(project, host)
    host_on(other, host)
    client.force_login(programme_admin)
    response = client.get(reverse("thesis:hosts"))
    assert response.status_code == 200
    content = response.content.decode()
    assert host.name in content
    assert escape(project.enrolment.student.get_full_name()) in content
    assert escape(student2.get_full_name()) in content
    (listed,) = response.context["page"].object_list
    assert listed.project_count == 2


def test_supervisor_sees_names_of_own_supervisees_only(
    client, supervisor, host, project, student2
):
    other = make_project(student2.enrolments.get(), supervisor=SupervisorFactory(), title="Ander")
    host_on(project, host)
    host_on(other, host)
    client.force_login(supervisor)
    for url in (reverse("thesis:hosts"), reverse("thesis:host", args=[host.uuid])):
        response = client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert escape(project.enrolment.student.get_full_name()) in content
        assert escape(student2.get_full_name()) not in content
        assert other.working_title not in content
    response = client.get(reverse("thesis:hosts"))
    assert response.context["page"].object_list[0].project_count == 2


def test_search_by_name_and_sector(client, supervisor, host):
    HostOrganisation.objects.create(name="Basisschool De Linde", sector="Onderwijs")
    client.force_login(supervisor)

    def names(q):
        response = client.get(reverse("thesis:hosts"), {"q": q})
        return [h.name for h in response.context["page"].object_list]

    assert names("rivieren") == ["Zorggroep Rivierenland"]
    assert names("onderwijs") == ["Basisschool De Linde"]
    assert len(names("")) == 2


@pytest.mark.parametrize("count", [2, 20])
def test_registry_query_count_does_not_grow(
    client, programme_admin, cohort, version, count, django_assert_max_num_queries
):
    supervisor = SupervisorFactory()
    for number in range(count):
        organisation = HostOrganisation.objects.create(name=f"Organisatie {number}")
        project = make_project(
            EnrolmentFactory(cohort=cohort), supervisor=supervisor, title=f"T{number}"
        )
        host_on(project, organisation)
    for user in (programme_admin, supervisor):
        client.force_login(user)
        with django_assert_max_num_queries(5):
            response = client.get(reverse("thesis:hosts"))
        assert len(response.context["page"].object_list) == count


# --- adding and correcting -------------------------------------------------------------------


def test_supervisor_adds_an_organisation(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("thesis:host_new")).status_code == 200
    response = client.post(reverse("thesis:host_new"), form_data(name="  Gemeente Utrecht "))
    organisation = HostOrganisation.objects.get(name="Gemeente Utrecht")
    assert response.status_code == 302
    assert response["Location"] == reverse("thesis:host", args=[organisation.uuid])
    assert organisation.created_by == supervisor
    assert organisation.agreement == HostOrganisation.Agreement.DRAFT


def test_duplicate_name_gives_a_clear_error(client, programme_admin, host):
    client.force_login(programme_admin)
    response = client.post(reverse("thesis:host_new"), form_data(name="zorggroep rivierenland"))
    assert response.status_code == 400
    assert HostOrganisation.objects.count() == 1
    with translation.override("nl"):
        message = gettext("%(name)s is already in the registry.") % {
            "name": "zorggroep rivierenland"
        }
    assert response.context["form"].errors["name"] == [message]


def test_admin_edits_an_organisation(client, programme_admin, host):
    client.force_login(programme_admin)
    response = client.post(
        reverse("thesis:host", args=[host.uuid]),
        form_data(name=host.name, sector="Ouderenzorg", sponsor_signed_off_on="2025-10-01"),
    )
    assert response.status_code == 302
    host.refresh_from_db()
    assert host.sector == "Ouderenzorg"
    assert str(host.sponsor_signed_off_on) == "2025-10-01"
    assert host.may_be_named and not host.confidential


def test_renaming_to_an_existing_name_is_refused(client, supervisor, host):
    other = HostOrganisation.objects.create(name="Gemeente Utrecht")
    client.force_login(supervisor)
    response = client.post(
        reverse("thesis:host", args=[other.uuid]), form_data(name="ZORGGROEP RIVIERENLAND")
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "Gemeente Utrecht"


def test_notes_are_rendered_safely(client, programme_admin, host):
    HostOrganisation.objects.filter(pk=host.pk).update(notes="**Let op** <script>x()</script>")
    client.force_login(programme_admin)
    content = client.get(reverse("thesis:host", args=[host.uuid])).content.decode()
    assert "<strong>Let op</strong>" in content
    assert "<script>x()" not in content
