"""The administrators' audit page: who may see it, its filters, its rows and its query count.
On SQLite it says the trail is recorded by PostgreSQL only; the rows need PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from coachmaster.history import audit_context
from cohorts.models import Enrolment
from tests.factories import UserFactory

URL = reverse("audit:log")
NOTICE = (
    "The audit trail is recorded by PostgreSQL triggers only. This installation runs on another "
    "database, so nothing is recorded here and the list stays empty."
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trail is recorded by PostgreSQL triggers"
)


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("role", ["student", "lecturer", "supervisor", "outsider"])
def test_everyone_but_programme_administrators_is_refused(client, world, role):
    client.force_login(world[role])
    assert client.get(URL).status_code == 403


def test_posting_is_not_allowed(client, programme_admin):
    client.force_login(programme_admin)
    assert client.post(URL).status_code == 405


def test_on_another_database_the_page_says_plainly_that_nothing_is_recorded(
    client, programme_admin, django_assert_max_num_queries, monkeypatch
):
    # Runs on PostgreSQL too: the page asks the connection which database it is.
    monkeypatch.setattr(connection, "vendor", "sqlite")
    client.force_login(programme_admin)
    with django_assert_max_num_queries(5):
        response = client.get(URL)
    assert response.status_code == 200
    assert escape(gettext(NOTICE)) in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused_with_a_message(client, programme_admin):
    client.force_login(programme_admin)
    response = client.get(URL, {"since": "2026-03-01", "until": "2026-02-01"})
    assert response.status_code == 400
    assert escape(gettext("The end of the period is before its start.")) in (
        response.content.decode()
    )


def test_the_administrators_dashboard_links_to_it(client, programme_admin):
    client.force_login(programme_admin)
    assert f'href="{URL}"' in client.get(reverse("admin_dashboard")).content.decode()


# --- with the trail (PostgreSQL) --------------------------------------------------------------


def _role_changes(admin, count: int) -> list:
    people = UserFactory.create_batch(count)
    with audit_context(user=admin.pk, url="/admin/accounts/user/"):
        for person in people:
            person.is_lecturer = True
            person.save()
    return people


def _status_change(enrolment, by) -> None:
    with audit_context(user=by.pk, url="/cohorts/"):
        enrolment.status = Enrolment.Status.PAUSED
        enrolment.save()


@pytest.mark.services
@on_postgresql
def test_rows_say_who_did_what_to_which_record_and_the_fields_old_and_new(
    client, programme_admin, student
):
    _role_changes(programme_admin, 1)
    _status_change(student.enrolments.get(), programme_admin)
    client.force_login(programme_admin)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(gettext(NOTICE)) not in html
    assert escape(programme_admin.get_full_name()) in html
    assert "/cohorts/" in html
    assert escape(student.get_full_name()) in html
    status = escape(f"{gettext('Active')} → {gettext('Paused')}")
    assert status in html


@pytest.mark.services
@on_postgresql
def test_filters_by_kind_actor_record_and_date(client, programme_admin, student, student2):
    other_admin = UserFactory(is_programme_admin=True, given_name="Olga", family_name="Ander")
    (person,) = _role_changes(programme_admin, 1)
    _status_change(student.enrolments.get(), other_admin)
    _status_change(student2.enrolments.get(), programme_admin)
    client.force_login(programme_admin)

    def rows(**filters) -> list:
        response = client.get(URL, filters)
        assert response.status_code == 200
        return response.context["rows"]

    assert {row.kind for row in rows(kind="enrolment")} == {"enrolment"}
    assert all(row.actor == other_admin for row in rows(actor="olga"))
    assert len(rows(actor="olga")) == 1
    about_student = rows(record=student.family_name, kind="enrolment")
    changes = [row for row in about_student if row.operation == "update"]
    assert [row.actor for row in changes] == [other_admin]
    about_person = rows(record=str(person.pk), kind="role")
    assert [row.operation for row in about_person] == ["update", "insert"]  # newest first
    assert all(
        row.record.endswith(f"#{person.pk} · {person.get_full_name()}") for row in about_person
    )
    assert rows(until="2000-01-01") == []
    assert len(rows(since="2000-01-01")) >= 3


@pytest.mark.services
@on_postgresql
@pytest.mark.parametrize("size", [2, 20])
def test_the_query_count_does_not_grow_with_the_trail(
    client, programme_admin, student, size, django_assert_max_num_queries
):
    _role_changes(programme_admin, size)
    _status_change(student.enrolments.get(), programme_admin)
    client.force_login(programme_admin)
    # The middleware's own (session, user, session bookkeeping), then the count, the page, one
    # query per kind of record on the page (2) and per kind of named reference (2).
    with django_assert_max_num_queries(11):
        response = client.get(URL)
    assert sum(row.operation == "update" for row in response.context["rows"]) == size + 1
