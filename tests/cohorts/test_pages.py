"""Cohort pages: who sees which cohort and student, bulk actions, groups, intervision, staff."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import escape

from cohorts import services
from cohorts.models import (
    Attendance,
    Cohort,
    Enrolment,
    Group,
    IntervisionMethod,
    IntervisionSession,
    LecturerAssignment,
    SupervisorAssignment,
)
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    StudentFactory,
    SupervisorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(cohort, other_cohort, student, student2, lecturer, supervisor):
    """The lecturer teaches the world's cohort; the supervisor supervises ``student`` only."""
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    SupervisorAssignment.objects.create(enrolment=student.enrolments.get(), supervisor=supervisor)
    EnrolmentFactory(cohort=other_cohort)
    return cohort


@pytest.fixture
def intervision(cohort, student, student2, lecturer):
    group = Group.objects.create(
        cohort=cohort, kind=Group.Kind.INTERVISION, name="Intervisiegroep 1", facilitator=lecturer
    )
    group.members.add(student.enrolments.get(), student2.enrolments.get())
    return group


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


# --- who sees what --------------------------------------------------------------------------


def test_admin_sees_every_cohort_with_counts_per_status(client, programme_admin, staffed):
    response = get(client, programme_admin, "cohorts:cohorts")
    names = [c.name for c in response.context["cohorts"]]
    assert names == ["2026–2028", "2025–2027"]
    cohort = response.context["cohorts"][1]
    assert (cohort.active_count, cohort.paused_count) == (2, 0)


@pytest.mark.parametrize("extra", [0, 6])
def test_cohort_table_counts_every_status_in_a_fixed_number_of_queries(
    client, programme_admin, lecturer, staffed, extra, django_assert_num_queries
):
    for number in range(extra):
        more = CohortFactory(name=f"Extra {number}")
        for status in ("active", "paused", "withdrawn", "graduated", "active"):
            EnrolmentFactory(cohort=more, status=status)
    if extra:  # the lecturer also teaches one of the extra cohorts
        LecturerAssignment.objects.create(cohort=more, lecturer=lecturer)
    expected = {
        cohort.pk: tuple(
            cohort.enrolments.filter(status=s).count() for s in Enrolment.Status.values
        )
        for cohort in Cohort.objects.all()
    }
    for person, visible in (
        (programme_admin, Cohort.objects.count()),
        (lecturer, 1 + bool(extra)),
    ):
        client.force_login(person)
        url = reverse("cohorts:cohorts")
        client.get(url)
        # Session, user, the cohorts (with curriculum), their students counted per status.
        with django_assert_num_queries(4):
            response = client.get(url)
        cohorts = response.context["cohorts"]
        assert len(cohorts) == visible
        for cohort in cohorts:
            assert (
                cohort.active_count,
                cohort.paused_count,
                cohort.withdrawn_count,
                cohort.graduated_count,
            ) == expected[cohort.pk]
        html = response.content.decode()
        assert f'<td class="number">{cohorts[-1].active_count}</td>' in html


def test_lecturer_sees_only_assigned_cohorts(client, lecturer, staffed, other_cohort):
    response = get(client, lecturer, "cohorts:cohorts")
    assert [c.name for c in response.context["cohorts"]] == ["2025–2027"]
    assert get(client, lecturer, "cohorts:cohort", other_cohort.uuid).status_code == 404
    other = other_cohort.enrolments.get()
    assert get(client, lecturer, "cohorts:enrolment", other.uuid).status_code == 404


def test_lecturer_reads_their_cohorts_students_without_bulk_actions(
    client, lecturer, staffed, student
):
    response = get(client, lecturer, "cohorts:cohort", staffed.uuid)
    assert response.status_code == 200
    assert len(response.context["page"]) == 2
    assert "bulk_form" not in response.context
    assert 'name="enrolments"' not in response.content.decode()
    assert (
        get(client, lecturer, "cohorts:enrolment", student.enrolments.get().uuid).status_code
        == 200
    )


def test_ended_assignment_ends_access(client, lecturer, staffed, programme_admin):
    assignment = LecturerAssignment.objects.get(lecturer=lecturer)
    services.end_lecturer_assignment(assignment=assignment, by=programme_admin)
    assert get(client, lecturer, "cohorts:cohort", staffed.uuid).status_code == 404


def test_supervisor_sees_only_supervisees(client, supervisor, staffed, student, student2):
    response = get(client, supervisor, "supervisor_dashboard")
    assert [e.student for e in response.context["supervisees"]] == [student]
    assert (
        get(client, supervisor, "cohorts:enrolment", student.enrolments.get().uuid).status_code
        == 200
    )
    assert (
        get(client, supervisor, "cohorts:enrolment", student2.enrolments.get().uuid).status_code
        == 404
    )
    response = get(client, supervisor, "cohorts:cohorts")
    assert response.status_code == 302


def test_student_sees_only_themselves(client, student, student2, staffed):
    assert (
        get(client, student, "cohorts:enrolment", student.enrolments.get().uuid).status_code == 200
    )
    assert (
        get(client, student, "cohorts:enrolment", student2.enrolments.get().uuid).status_code
        == 404
    )
    assert get(client, student, "cohorts:cohorts").status_code == 302


def test_student_is_sent_from_the_cohort_table_to_their_own_page(client, student, staffed):
    response = get(client, student, "cohorts:cohort", staffed.uuid)
    assert response["Location"] == reverse("cohorts:mine")


def test_supervisor_counts_only_their_supervisees(client, supervisor, staffed):
    response = get(client, supervisor, "cohorts:cohort", staffed.uuid)
    assert sum(count for _label, count in response.context["status_counts"]) == 1
    assert len(response.context["page"]) == 1


def test_outsider_and_anonymous_get_nothing(client, outsider, staffed):
    assert get(client, outsider, "cohorts:cohort", staffed.uuid).status_code == 404
    client.logout()
    response = client.get(reverse("cohorts:cohort", args=[staffed.uuid]))
    assert response.status_code == 302


# --- the student table ----------------------------------------------------------------------


def test_filters_search_and_sorting(client, programme_admin, cohort, supervisor):
    for given, family, number in (
        ("Anna", "Zwart", "00100001"),
        ("Bram", "Aalders", "00100002"),
        ("Cees", "Meer", "00100003"),
    ):
        EnrolmentFactory(
            cohort=cohort,
            student__given_name=given,
            student__family_name=family,
            student_number=number,
        )
    bram = Enrolment.objects.get(student_number="00100002")
    services.change_status(
        enrolment=bram,
        status="paused",
        effective_on=datetime.date(2026, 3, 1),
        reason="x",
        by=None,
    )
    services.assign_supervisor(
        enrolment=Enrolment.objects.get(student_number="00100003"), supervisor=supervisor, by=None
    )

    def names(**params):
        response = get(client, programme_admin, "cohorts:cohort", cohort.uuid, **params)
        return [e.student.family_name for e in response.context["page"]]

    assert names() == ["Aalders", "Meer", "Zwart"]
    assert names(q="zwa") == ["Zwart"]
    assert names(q="00100003") == ["Meer"]
    assert names(status="paused") == ["Aalders"]
    assert names(supervisor=str(supervisor.uuid)) == ["Meer"]
    assert names(sort="number") == ["Zwart", "Aalders", "Meer"]


def test_filter_and_bulk_selects_offer_groups_and_supervisors_and_keep_the_choice(
    client, programme_admin, cohort, student, student2, supervisor
):
    odd = SupervisorFactory(given_name="Jan & <Piet>", family_name="Dijk")
    idle = SupervisorFactory(family_name="Zonderwerk")  # supervises nobody in this cohort
    services.assign_supervisor(enrolment=student.enrolments.get(), supervisor=odd, by=None)
    group = Group.objects.create(cohort=cohort, kind="learning", name="Leergroep <B>")
    group.members.add(student2.enrolments.get())
    client.force_login(programme_admin)
    url = reverse("cohorts:cohort", args=[cohort.uuid])
    response = client.get(url, {"group": str(group.uuid), "sort": "status"})
    assert [e.student for e in response.context["page"]] == [student2]
    html = response.content.decode()
    chosen_group = f'<option value="{group.uuid}" selected>Leergroep &lt;B&gt;</option>'
    assert html.count(chosen_group) == 1  # the filter's; the bulk form's is not chosen
    assert f'<option value="{group.uuid}">Leergroep &lt;B&gt;</option>' in html
    assert '<option value="status" selected>' in html
    person = f'<option value="{odd.uuid}">Dijk, Jan &amp; &lt;Piet&gt;</option>'
    assert html.count(person) == 2  # the filter (supervises here) and the bulk form
    assert html.count(f'<option value="{idle.uuid}">') == 1  # only the bulk form: anyone
    assert f'<option value="{supervisor.uuid}">' in html
    assert 'name="supervisor" id="id_supervisor"' in html
    assert 'name="supervisor" id="bulk_supervisor"' in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "every id on the cohort page is unique"
    # Choosing the supervisor keeps it selected and narrows the table.
    response = client.get(url, {"supervisor": str(odd.uuid)})
    assert [e.student for e in response.context["page"]] == [student]
    assert (
        f'<option value="{odd.uuid}" selected>Dijk, Jan &amp; &lt;Piet&gt;</option>'
        in response.content.decode()
    )


def test_htmx_filter_returns_only_the_table(client, programme_admin, cohort, student):
    client.force_login(programme_admin)
    response = client.get(
        reverse("cohorts:cohort", args=[cohort.uuid]),
        {"q": "x"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="students",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="students">')
    assert "<html" not in html


@pytest.mark.parametrize("size", [20, 500])
def test_cohort_table_query_count_is_pinned(
    client, programme_admin, size, django_assert_num_queries, supervisor
):
    cohort = CohortFactory()
    group = Group.objects.create(cohort=cohort, kind="learning", name="Leergroep A")
    students = StudentFactory.create_batch(size) if size <= 20 else None
    if students is None:
        from coachmaster.accounts.models import User

        User.objects.bulk_create(
            User(
                email=f"bulk{n}@example.org",
                given_name="B",
                family_name=f"F{n:04d}",
                is_student=True,
            )
            for n in range(size)
        )
        students = list(User.objects.filter(email__startswith="bulk"))
    Enrolment.objects.bulk_create(
        Enrolment(
            cohort=cohort, student=s, student_number=f"{n:08d}", enrolled_on=cohort.start_date
        )
        for n, s in enumerate(students)
    )
    enrolments = list(cohort.enrolments.all())
    group.members.add(*enrolments)
    SupervisorAssignment.objects.bulk_create(
        SupervisorAssignment(enrolment=e, supervisor=supervisor) for e in enrolments
    )
    client.force_login(programme_admin)
    url = reverse("cohorts:cohort", args=[cohort.uuid])
    client.get(url)
    # Session, user, cohort, status counts (which also count the table), groups (shared
    # by the filter and the bulk form), supervisors of this cohort, the page (student and
    # current supervisor joined in), the page's groups, the supervisors to assign.
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["page"]) == min(size, 25)
    assert response.context["page"].paginator.count == size
    html = response.content.decode()
    assert html.count(escape(supervisor.get_full_name())) >= min(size, 25)
    assert html.count("Leergroep A") >= min(size, 25)
    # A narrowing filter counts its own matches: one query more, still flat.
    with django_assert_num_queries(10):
        narrowed = client.get(url, {"status": "active", "sort": "supervisor"})
    assert narrowed.context["page"].paginator.count == size
    with django_assert_num_queries(8):
        partial = client.get(
            url, {"page": 2}, headers={"HX-Request": "true", "HX-Target": "students"}
        )
    page_two = partial.content.decode()
    assert page_two.lstrip().startswith('<div id="students">')
    assert page_two.count('name="enrolments"') == (25 if size > 25 else size)


# --- bulk actions ---------------------------------------------------------------------------


def test_bulk_status_change_records_history_with_reason(
    client, programme_admin, cohort, student, student2
):
    client.force_login(programme_admin)
    enrolments = [student.enrolments.get(), student2.enrolments.get()]
    response = client.post(
        reverse("cohorts:bulk", args=[cohort.uuid]),
        {
            "enrolments": [str(e.uuid) for e in enrolments],
            "action": "status",
            "status": "paused",
            "effective_on": "2026-02-01",
            "reason": "Zorgverlof",
        },
    )
    assert response.status_code == 302
    for enrolment in enrolments:
        enrolment.refresh_from_db()
        assert enrolment.status == "paused"
        assert enrolment.status_since == datetime.date(2026, 2, 1)
        change = enrolment.history.get()
        assert (change.from_status, change.to_status, change.reason) == (
            "active",
            "paused",
            "Zorgverlof",
        )
        assert change.changed_by == programme_admin


def test_bulk_status_change_without_reason_changes_nothing(
    client, programme_admin, cohort, student
):
    client.force_login(programme_admin)
    response = client.post(
        reverse("cohorts:bulk", args=[cohort.uuid]),
        {
            "enrolments": [str(student.enrolments.get().uuid)],
            "action": "status",
            "status": "withdrawn",
        },
        follow=True,
    )
    assert "Geef een reden" in response.content.decode()
    assert student.enrolments.get().status == "active"


def test_bulk_assign_group_and_supervisor(
    client, programme_admin, cohort, student, student2, supervisor
):
    group = Group.objects.create(cohort=cohort, kind="learning", name="Leergroep A")
    client.force_login(programme_admin)
    uuids = [str(student.enrolments.get().uuid), str(student2.enrolments.get().uuid)]
    url = reverse("cohorts:bulk", args=[cohort.uuid])
    client.post(url, {"enrolments": uuids, "action": "group", "group": str(group.uuid)})
    assert group.members.count() == 2
    client.post(
        url, {"enrolments": uuids, "action": "supervisor", "supervisor": str(supervisor.uuid)}
    )
    assert SupervisorAssignment.objects.current().filter(supervisor=supervisor).count() == 2


def test_bulk_ignores_students_of_another_cohort(client, programme_admin, cohort, other_cohort):
    stranger = EnrolmentFactory(cohort=other_cohort)
    client.force_login(programme_admin)
    client.post(
        reverse("cohorts:bulk", args=[cohort.uuid]),
        {
            "enrolments": [str(stranger.uuid)],
            "action": "status",
            "status": "paused",
            "reason": "x",
        },
    )
    stranger.refresh_from_db()
    assert stranger.status == "active"


def test_only_administrators_use_bulk_actions(client, lecturer, staffed, student):
    client.force_login(lecturer)
    response = client.post(
        reverse("cohorts:bulk", args=[staffed.uuid]),
        {
            "enrolments": [str(student.enrolments.get().uuid)],
            "action": "status",
            "status": "paused",
            "reason": "x",
        },
    )
    assert response.status_code == 403
    assert client.get(reverse("cohorts:bulk", args=[staffed.uuid])).status_code == 405


# --- enrolment, staff -----------------------------------------------------------------------


def test_supervisor_change_keeps_history(client, programme_admin, student, supervisor):
    other = SupervisorFactory()
    enrolment = student.enrolments.get()
    client.force_login(programme_admin)
    url = reverse("cohorts:enrolment_supervisor", args=[enrolment.uuid])
    client.post(url, {"supervisor": supervisor.pk})
    client.post(url, {"supervisor": other.pk})
    assignments = list(enrolment.supervisor_assignments.order_by("assigned_at"))
    assert [a.supervisor for a in assignments] == [supervisor, other]
    assert assignments[0].ended_at is not None and assignments[0].ended_by == programme_admin
    assert assignments[1].ended_at is None
    html = client.get(reverse("cohorts:enrolment", args=[enrolment.uuid])).content.decode()
    assert escape(supervisor.get_full_name()) in html and escape(other.get_full_name()) in html


def test_staff_page_assigns_and_ends_lecturers(client, programme_admin, cohort):
    lecturer = LecturerFactory()
    client.force_login(programme_admin)
    url = reverse("cohorts:staff", args=[cohort.uuid])
    response = client.post(url, {"lecturer": lecturer.pk, "teaches": "on"})
    assert response.status_code == 302
    assignment = LecturerAssignment.objects.get(cohort=cohort, lecturer=lecturer)
    assert (assignment.teaches, assignment.examines) == (True, False)
    client.post(reverse("cohorts:staff_end", args=[cohort.uuid, assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert escape(lecturer.get_full_name()) in client.get(url).content.decode()
    bad = client.post(url, {"lecturer": lecturer.pk})
    assert bad.status_code == 400


# --- groups and intervision -----------------------------------------------------------------


def test_student_sees_their_groups_and_fellow_members_but_no_enrolment_links(
    client, student, student2, intervision
):
    response = get(client, student, "cohorts:mine")
    html = response.content.decode()
    assert escape(student2.get_full_name()) in html
    detail = get(client, student, "cohorts:group", intervision.uuid)
    assert detail.status_code == 200
    assert (
        reverse("cohorts:enrolment", args=[student2.enrolments.get().uuid])
        not in detail.content.decode()
    )


def test_student_outside_a_group_gets_404(client, cohort, intervision):
    outsider = EnrolmentFactory(cohort=cohort).student
    assert get(client, outsider, "cohorts:group", intervision.uuid).status_code == 404


def test_facilitator_records_a_session_with_rotation_and_hours(
    client, lecturer, student, student2, intervision
):
    client.force_login(lecturer)
    url = reverse("cohorts:session_create", args=[intervision.uuid])
    form = client.get(url)
    assert form.status_code == 200
    first_bringer = form.context["form"].instance.case_bringer
    method = IntervisionMethod.objects.get(code="incident")
    response = client.post(
        url,
        {
            "date": "2026-10-01",
            "hours": "2.5",
            "method": method.pk,
            "case_bringer": first_bringer.pk,
            "case_question": "Hoe ga ik om met een team dat de reorganisatie niet wil?",
            "attendees": [str(student.enrolments.get().uuid)],
        },
    )
    assert response.status_code == 302
    session = IntervisionSession.objects.get(group=intervision)
    attendance = Attendance.objects.get(session=session)
    assert attendance.enrolment.student == student
    assert attendance.hours == Decimal("2.5")
    assert services.next_case_bringer(intervision) != first_bringer
    mine = get(client, student, "cohorts:mine")
    assert mine.context["hours"] == Decimal("2.5")


def test_students_and_other_lecturers_cannot_record_sessions(client, student, intervision):
    client.force_login(student)
    assert (
        client.get(reverse("cohorts:session_create", args=[intervision.uuid])).status_code == 403
    )
    other = LecturerFactory()
    client.force_login(other)
    assert (
        client.get(reverse("cohorts:session_create", args=[intervision.uuid])).status_code == 404
    )


def test_admin_creates_a_group_and_adds_members(
    client, programme_admin, cohort, student, student2
):
    client.force_login(programme_admin)
    response = client.post(
        reverse("cohorts:groups", args=[cohort.uuid]), {"kind": "learning", "name": "Leergroep B"}
    )
    group = Group.objects.get(name="Leergroep B")
    assert response["Location"] == reverse("cohorts:group", args=[group.uuid])
    client.post(
        reverse("cohorts:group_members", args=[group.uuid]),
        {"enrolments": [str(student.enrolments.get().uuid)]},
    )
    assert list(group.members.all()) == [student.enrolments.get()]
    duplicate = client.post(
        reverse("cohorts:groups", args=[cohort.uuid]), {"kind": "learning", "name": "Leergroep B"}
    )
    assert duplicate.status_code == 400


def test_cohort_form_validates_dates(client, programme_admin, version):
    client.force_login(programme_admin)
    response = client.post(
        reverse("cohorts:cohort_create"),
        {
            "name": "2027–2029",
            "start_date": "2027-09-01",
            "end_date": "2027-01-01",
            "curriculum_version": version.pk,
            "status": "planned",
        },
    )
    assert response.status_code == 400
    assert not Cohort.objects.filter(name="2027–2029").exists()
    response = client.post(
        reverse("cohorts:cohort_create"),
        {
            "name": "2027–2029",
            "start_date": "2027-09-01",
            "end_date": "2029-07-01",
            "curriculum_version": version.pk,
            "status": "planned",
        },
    )
    assert response.status_code == 302
    assert Cohort.objects.get(name="2027–2029").curriculum_version == version


def test_export_respects_access(client, lecturer, staffed, other_cohort, student):
    client.force_login(lecturer)
    response = client.get(reverse("cohorts:cohort_export", args=[staffed.uuid, "csv"]))
    assert response.status_code == 200
    assert student.enrolments.get().student_number in response.content.decode("utf-8-sig")
    assert (
        client.get(reverse("cohorts:cohort_export", args=[other_cohort.uuid, "csv"])).status_code
        == 404
    )
    assert (
        client.get(reverse("cohorts:cohort_export", args=[staffed.uuid, "pdf"])).status_code == 404
    )


# --- adding one student by hand -------------------------------------------------------------


def test_admin_adds_a_new_student_who_gets_an_invitation(
    client, programme_admin, cohort, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(programme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cohorts:enrol", args=[cohort.uuid]),
            {
                "student_number": "00412345",
                "email": "Lieke.Vos@Example.org",
                "given_name": "Lieke",
                "family_name": "van der Vos",
            },
        )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(student_number="00412345")
    student = enrolment.student
    assert (student.email, student.name_prefix, student.family_name) == (
        "lieke.vos@example.org",
        "van der",
        "Vos",
    )
    assert student.is_student and enrolment.cohort == cohort
    assert enrolment.history.get().to_status == "active"
    assert [message.to for message in mailoutbox] == [["lieke.vos@example.org"]]


def test_admin_enrols_an_existing_account_without_a_second_account(
    client, programme_admin, cohort, lecturer
):
    client.force_login(programme_admin)
    client.post(
        reverse("cohorts:enrol", args=[cohort.uuid]),
        {
            "student_number": "00412346",
            "email": lecturer.email,
            "given_name": lecturer.given_name,
            "family_name": lecturer.family_name,
        },
    )
    lecturer.refresh_from_db()
    assert lecturer.is_student and lecturer.is_lecturer
    assert Enrolment.objects.get(student=lecturer).student_number == "00412346"


def test_a_refused_student_gets_the_import_reasons_and_nothing_is_written(
    client, programme_admin, cohort, student
):
    from cohorts.models import StudentImport

    client.force_login(programme_admin)
    response = client.post(
        reverse("cohorts:enrol", args=[cohort.uuid]),
        {
            "student_number": student.enrolments.get().student_number,
            "email": "someone.else@example.org",
            "given_name": "Iemand",
            "family_name": "Anders",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not StudentImport.objects.exists()
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_django_admin_cannot_make_enrolments_without_history(client, programme_admin, cohort):
    client.force_login(programme_admin)
    assert client.get(reverse("admin:cohorts_enrolment_add")).status_code == 403
    page = client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    assert page.status_code == 200
    assert "enrolments-__prefix__" not in page.content.decode()
