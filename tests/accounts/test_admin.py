"""Django's admin is for programme administrators only, behind allauth's login."""

import pytest
from django.urls import reverse

from coachmaster.accounts.models import User

pytestmark = pytest.mark.django_db


def test_anonymous_admin_visit_goes_to_allauth_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    assert response.status_code == 200


def test_admin_login_page_itself_redirects_to_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("person", ["student", "lecturer", "supervisor", "outsider"])
def test_admin_is_forbidden_for_other_roles(client, world, person):
    client.force_login(world[person])
    assert client.get(reverse("admin:index")).status_code in (302, 403)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code in (302, 403)
    assert client.get(reverse("admin:login")).status_code == 403


def test_programme_admin_manages_people_and_cohorts(client, programme_admin, student):
    client.force_login(programme_admin)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert student.email in response.content.decode()
    assert client.get(reverse("admin:cohorts_cohort_changelist")).status_code == 200
    assert client.get(reverse("admin:cohorts_enrolment_changelist")).status_code == 200


def test_programme_admin_cannot_reach_auth_groups_or_grant_superuser(
    client, programme_admin, student
):
    client.force_login(programme_admin)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    html = client.get(reverse("admin:accounts_user_change", args=[student.pk])).content.decode()
    assert 'name="is_superuser"' not in html


def test_deactivated_admin_loses_the_admin(client, programme_admin):
    client.force_login(programme_admin)
    programme_admin.is_active = False
    programme_admin.save()
    assert client.get(reverse("admin:index")).status_code == 302


def test_people_are_never_deleted_through_the_admin(client, programme_admin, student):
    client.force_login(programme_admin)
    response = client.get(reverse("admin:accounts_user_delete", args=[student.pk]))
    assert response.status_code == 403


def test_adding_a_person_creates_a_verified_account_and_invites_them(
    client, programme_admin, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "Nieuw.Docent@Example.org",
                "given_name": "Joost",
                "name_prefix": "van der",
                "family_name": "Linden",
                "preferred_language": "en",
                "roles": ["lecturer", "supervisor"],
            },
        )
    assert response.status_code == 302, response.content.decode()
    person = User.objects.get(email="nieuw.docent@example.org")
    assert person.roles == ["lecturer", "supervisor"]
    assert not person.has_usable_password()
    assert person.emailaddress_set.get().verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nieuw.docent@example.org"]
    assert "You are invited" in mailoutbox[0].subject  # written in the person's language


def test_adding_a_person_with_a_taken_address_is_refused(client, programme_admin, student):
    client.force_login(programme_admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": student.email.upper(),
            "given_name": "X",
            "family_name": "Y",
            "preferred_language": "nl",
            "roles": ["student"],
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact=student.email).count() == 1


def test_admin_invite_action_mails_selected_people(
    client, programme_admin, student, student2, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "invite", "_selected_action": [student.pk, student2.pk]},
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == sorted([student.email, student2.email])


def test_createsuperuser_gives_a_verified_programme_administrator(client):
    person = User.objects.create_superuser(
        "first@example.org", "a-long-admin-password", given_name="Eerste", family_name="Beheerder"
    )
    assert person.is_programme_admin and person.is_staff
    assert person.emailaddress_set.get().verified
    client.post(
        reverse("account_login"),
        {"login": "first@example.org", "password": "a-long-admin-password"},
    )
    assert client.get(reverse("admin:index")).status_code == 200
