"""The learning-log pages: quick entry, inline edit, duplicate, delete, filters, the week view,
engagements, the hours page, safe Markdown and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Enrolment, LecturerAssignment
from competencies.models import ClientEngagement, LearningActivity
from curriculum.models import Discipline
from tests.competencies.log_helpers import (
    HOSTILE_MARKDOWN,
    activity,
    assert_safe,
    attendance,
    elements_inside,
    engagement,
    kinds,
    many_activities,
)
from tests.factories import make_programme

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def enrolment(student, version):
    return Enrolment.objects.get(student=student)


@pytest.fixture
def own(client, student, enrolment):
    client.force_login(student)
    return client


def _quick(**fields):
    data = {
        "kind": kinds()["coaching-session"].pk,
        "date": "2025-11-17",
        "hours": "1.5",
        "title": "Session with C-07",
        "engagement": "",
        "system_level": "individual",
        "role": "coach",
    }
    data.update(fields)
    return data


# --- the list and quick entry ---------------------------------------------------------------


def test_log_lists_activities_and_attendance_newest_first(own, enrolment):
    activity(enrolment, date=datetime.date(2025, 10, 1), title="Older")
    activity(enrolment, date=datetime.date(2025, 10, 3), title="Newer")
    attendance(enrolment, date=datetime.date(2025, 10, 2))
    response = own.get(reverse("competencies:log"))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.date for e in entries] == [
        datetime.date(2025, 10, 3),
        datetime.date(2025, 10, 2),
        datetime.date(2025, 10, 1),
    ]
    assert entries[1].attendance is not None and entries[1].hours == Decimal("2.00")
    assert "quick_form" in response.context


def test_log_is_paginated_by_25(own, enrolment):
    many_activities(enrolment, 30)
    response = own.get(reverse("competencies:log"))
    assert len(response.context["entries"]) == 25
    assert response.context["page"].paginator.count == 30
    second = own.get(reverse("competencies:log") + "?page=2")
    assert len(second.context["entries"]) == 5


def test_quick_add_with_htmx_returns_the_row_and_a_fresh_form(own, enrolment):
    response = own.post(reverse("competencies:log_quick_add"), _quick(), **HTMX)
    assert response.status_code == 200
    added = LearningActivity.objects.get(enrolment=enrolment)
    assert added.title == "Session with C-07" and added.hours == Decimal("1.50")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="activity-{added.uuid}"')
    assert 'id="quick-add"' in html and 'hx-swap-oob="true"' in html
    assert 'value="Session with C-07"' not in html  # the form is empty again


def test_quick_add_errors_replace_the_form(own, enrolment):
    response = own.post(reverse("competencies:log_quick_add"), _quick(hours="0"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#quick-add"
    assert response["HX-Reswap"] == "outerHTML"
    assert response.context["quick_form"].errors["hours"]
    assert not LearningActivity.objects.exists()


def test_quick_add_without_javascript(own, enrolment):
    response = own.post(reverse("competencies:log_quick_add"), _quick())
    assert response.status_code == 302
    assert response["Location"] == reverse("competencies:log")
    response = own.post(reverse("competencies:log_quick_add"), _quick(title=""))
    assert response.status_code == 400
    assert response.context["quick_form"].errors["title"]
    assert LearningActivity.objects.count() == 1


def test_quick_add_refuses_another_students_engagement(own, enrolment, student2):
    theirs = engagement(Enrolment.objects.get(student=student2))
    response = own.post(reverse("competencies:log_quick_add"), _quick(engagement=theirs.pk))
    assert response.status_code == 400
    assert response.context["quick_form"].errors["engagement"]


def test_inline_edit_swaps_the_row_and_keeps_the_other_fields(own, enrolment):
    original = activity(enrolment, description="Kept", reflection="Also kept")
    discipline = Discipline.objects.create(code="andragogy", name_nl="Andragogie", name_en="x")
    original.disciplines.add(discipline)
    url = reverse("competencies:log_activity_edit", args=[original.uuid])
    response = own.get(url, **HTMX)
    html = response.content.decode()
    assert f'<tr id="activity-{original.uuid}">' in html and '<td colspan="8">' in html
    assert set(response.context["form"].fields) == {
        "kind",
        "date",
        "hours",
        "title",
        "engagement",
        "system_level",
        "role",
    }
    response = own.post(url, _quick(title="Renamed", inline="1"), **HTMX)
    assert response.status_code == 200
    assert "Renamed" in response.content.decode()
    original.refresh_from_db()
    assert (original.title, original.description, original.reflection) == (
        "Renamed",
        "Kept",
        "Also kept",
    )
    assert list(original.disciplines.all()) == [discipline]
    # Cancelling fetches the row again.
    row = own.get(reverse("competencies:log_activity", args=[original.uuid]), **HTMX)
    assert row.content.decode().lstrip().startswith(f'<tr id="activity-{original.uuid}"')


def test_inline_edit_errors_stay_in_the_row(own, enrolment):
    original = activity(enrolment)
    url = reverse("competencies:log_activity_edit", args=[original.uuid])
    response = own.post(url, _quick(title="", inline="1"), **HTMX)
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    original.refresh_from_db()
    assert original.title == "Coaching session"


def test_full_edit_page_saves_competencies_and_disciplines(own, enrolment, version):
    original = activity(enrolment)
    competency = version.framework.competencies.order_by("code").first()
    discipline = Discipline.objects.create(code="psychology", name_nl="Psychologie", name_en="x")
    url = reverse("competencies:log_activity_edit", args=[original.uuid])
    form = own.get(url).context["form"]
    assert {"description", "reflection", "competencies", "disciplines"} <= set(form.fields)
    assert set(form.fields["competencies"].queryset) == set(version.framework.competencies.all())
    data = _quick(
        title="With reflection",
        description="What happened",
        reflection="What I learned",
        competencies=[competency.pk],
        disciplines=[discipline.pk],
    )
    response = own.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("competencies:log_activity", args=[original.uuid])
    original.refresh_from_db()
    assert original.reflection == "What I learned"
    assert list(original.competencies.all()) == [competency]
    assert list(original.disciplines.all()) == [discipline]


def test_competencies_of_another_framework_are_refused(own, enrolment):
    foreign = make_programme(name="2030").framework.competencies.first()
    response = own.post(reverse("competencies:log_create"), _quick(competencies=[foreign.pk]))
    assert response.status_code == 400
    assert response.context["form"].errors["competencies"]


def test_new_activity_page_preselects_the_engagement(own, enrolment):
    client_engagement = engagement(enrolment)
    response = own.get(
        reverse("competencies:log_create") + f"?engagement={client_engagement.uuid}"
    )
    assert response.context["form"].initial["engagement"] == client_engagement
    assert own.get(reverse("competencies:log_create") + "?engagement=nonsense").status_code == 200


def test_duplicate_copies_everything_dated_today(own, enrolment, version):
    original = activity(enrolment, date=datetime.date(2025, 1, 6), reflection="Thoughts")
    competency = version.framework.competencies.first()
    original.competencies.add(competency)
    url = reverse("competencies:log_activity_duplicate", args=[original.uuid])
    response = own.post(url, **HTMX)
    assert response.status_code == 200
    copy = LearningActivity.objects.exclude(pk=original.pk).get()
    assert copy.date == timezone.localdate()
    assert (copy.title, copy.reflection, copy.hours) == (
        original.title,
        "Thoughts",
        original.hours,
    )
    assert list(copy.competencies.all()) == [competency]
    assert f'id="activity-{copy.uuid}"' in response.content.decode()
    assert own.post(url).status_code == 302
    assert LearningActivity.objects.count() == 3


def test_delete_asks_first_without_javascript(own, enrolment):
    doomed = activity(enrolment)
    url = reverse("competencies:log_activity_delete", args=[doomed.uuid])
    assert own.get(url).status_code == 200
    assert LearningActivity.objects.exists()
    assert own.post(url).status_code == 302
    assert not LearningActivity.objects.exists()


def test_delete_with_htmx_answers_with_a_status_message(own, enrolment):
    doomed = activity(enrolment)
    response = own.post(reverse("competencies:log_activity_delete", args=[doomed.uuid]), **HTMX)
    assert response.status_code == 200
    assert 'id="log-status"' in response.content.decode()
    assert not LearningActivity.objects.exists()


# --- filters --------------------------------------------------------------------------------


def test_filters_narrow_the_list(own, enrolment, version):
    competency = version.framework.competencies.first()
    client_engagement = engagement(enrolment)
    tagged = activity(enrolment, title="Team day", system_level="team", role="advisor")
    tagged.competencies.add(competency)
    activity(enrolment, "literature", title="Reading Schein", engagement=client_engagement)
    attendance(enrolment)
    url = reverse("competencies:log")

    def titles(query):
        entries = own.get(url, query).context["entries"]
        return sorted(e.activity.title if e.activity else "attendance" for e in entries)

    assert titles({}) == ["Reading Schein", "Team day", "attendance"]
    assert titles({"kind": "literature"}) == ["Reading Schein"]
    assert titles({"kind": "intervision"}) == ["attendance"]
    assert titles({"system_level": "team"}) == ["Team day"]
    assert titles({"role": "advisor"}) == ["Team day"]
    assert titles({"engagement": client_engagement.uuid}) == ["Reading Schein"]
    assert titles({"competency": competency.uuid}) == ["Team day"]
    assert titles({"q": "schein"}) == ["Reading Schein"]
    assert titles({"q": "groep"}) == ["attendance"]
    assert titles({"date_from": "2025-10-02", "date_to": "2025-10-02"}) == ["attendance"]


def test_filtering_with_htmx_renders_only_the_list(own, enrolment):
    activity(enrolment, title="Team day")
    response = own.get(
        reverse("competencies:log"), {"q": "team"}, HTTP_HX_TARGET="activities", **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="activities">')
    assert "<html" not in html and "Team day" in html


# --- week view ------------------------------------------------------------------------------


def test_week_view_shows_seven_days_with_hours(own, enrolment):
    activity(enrolment, date=datetime.date(2026, 11, 16), hours=Decimal("1.50"))  # Monday
    activity(enrolment, date=datetime.date(2026, 11, 22), hours=Decimal("2.00"))  # Sunday
    activity(enrolment, date=datetime.date(2026, 11, 23), hours=Decimal("9.00"))  # next week
    attendance(enrolment, date=datetime.date(2026, 11, 18), hours=Decimal("2.50"))
    response = own.get(reverse("competencies:log_week"), {"week": "2026-W47"})
    assert response.status_code == 200
    week = response.context["week"]
    assert [day["date"].isoweekday() for day in week] == [1, 2, 3, 4, 5, 6, 7]
    assert week[0]["date"] == datetime.date(2026, 11, 16)
    assert [day["hours"] for day in week] == [
        Decimal("1.50"),
        0,
        Decimal("2.50"),
        0,
        0,
        0,
        Decimal("2.00"),
    ]
    assert response.context["total"] == Decimal("6.00")
    assert response.context["previous_week"] == "2026-W46"
    assert response.context["next_week"] == "2026-W48"


def test_week_view_crosses_years_and_survives_nonsense(own, enrolment):
    response = own.get(reverse("competencies:log_week"), {"week": "2026-W01"})
    assert response.context["monday"] == datetime.date(2025, 12, 29)
    assert response.context["previous_week"] == "2025-W52"
    today = timezone.localdate()
    for nonsense in ("2026-W60", "yesterday", ""):
        response = own.get(reverse("competencies:log_week"), {"week": nonsense})
        assert response.status_code == 200
        assert response.context["monday"] == today - datetime.timedelta(days=today.weekday())


# --- engagements ----------------------------------------------------------------------------


def _engagement_data(**fields):
    data = {
        "client_code": "C-07",
        "sector": "Healthcare",
        "client_type": "individual",
        "group_size": "",
        "sponsor": "HR manager",
        "goals": "Grow as a team lead",
        "contract_goals": "Leadership",
        "contract_confidentiality": "Content stays with the coach",
        "contract_reporting": "Progress only",
        "contract_evaluation": "After 3 and 6 sessions",
        "contract_agreed_on": "2025-09-01",
        "consent": "on",
        "consent_on": "2025-09-01",
    }
    data.update(fields)
    return data


def test_create_and_edit_an_engagement(own, enrolment):
    response = own.post(reverse("competencies:engagement_create"), _engagement_data(paid="on"))
    created = ClientEngagement.objects.get(enrolment=enrolment)
    assert response["Location"] == reverse("competencies:engagement_detail", args=[created.uuid])
    assert (created.client_code, created.paid, created.consent) == ("C-07", True, True)
    response = own.post(
        reverse("competencies:engagement_edit", args=[created.uuid]),
        _engagement_data(client_type="group", group_size="8"),
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.client_type, created.group_size, created.paid) == ("group", 8, False)
    detail = own.get(reverse("competencies:engagement_detail", args=[created.uuid]))
    assert detail.status_code == 200


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"client_type": "group", "group_size": ""}, "group_size"),
        ({"client_type": "group", "group_size": "1"}, "group_size"),
        ({"consent_on": "2999-01-01"}, "consent_on"),
        ({"consent_on": ""}, "consent_on"),
        ({"ended_on": "2025-01-01", "started_on": "2025-06-01"}, "ended_on"),
        ({"client_code": "c-01"}, "client_code"),  # taken, whatever the case
    ],
)
def test_engagement_validation(own, enrolment, fields, field):
    engagement(enrolment, client_code="C-01")
    response = own.post(reverse("competencies:engagement_create"), _engagement_data(**fields))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert ClientEngagement.objects.count() == 1


def test_an_individual_client_has_no_group_size(own, enrolment):
    own.post(reverse("competencies:engagement_create"), _engagement_data(group_size="4"))
    assert ClientEngagement.objects.get().group_size is None


def test_another_student_may_use_the_same_pseudonym(own, enrolment, student2):
    engagement(Enrolment.objects.get(student=student2), client_code="C-07")
    response = own.post(reverse("competencies:engagement_create"), _engagement_data())
    assert response.status_code == 302


def test_engagement_list_sums_hours(own, enrolment):
    client_engagement = engagement(enrolment)
    activity(enrolment, engagement=client_engagement, hours=Decimal("1.25"))
    activity(enrolment, engagement=client_engagement, hours=Decimal("2.00"))
    page = own.get(reverse("competencies:engagement_list")).context["page"]
    assert [(e.activity_count, e.hours) for e in page] == [(2, Decimal("3.25"))]


# --- hours page -----------------------------------------------------------------------------


def test_hours_page_shows_three_windows(own, enrolment):
    client_engagement = engagement(enrolment)
    activity(enrolment, engagement=client_engagement, date=timezone.localdate())
    attendance(enrolment, date=timezone.localdate())
    response = own.get(reverse("competencies:hours_ledger"))
    assert response.status_code == 200
    windows = response.context["windows"]
    assert [w.window for w in windows] == ["all", "12m", "18m"]
    assert all(w.client_hours == Decimal("1.50") for w in windows)
    assert all(w.all_hours == Decimal("3.50") for w in windows)
    assert [csv_url for _w, csv_url, _x in response.context["exports"]] == [
        reverse("competencies:hours_export", args=["csv"]) + f"?window={w}"
        for w in ("all", "12m", "18m")
    ]


# --- Markdown -------------------------------------------------------------------------------


def test_activity_markdown_is_rendered_safely(own, enrolment):
    hostile = activity(enrolment, description=HOSTILE_MARKDOWN, reflection=HOSTILE_MARKDOWN)
    html = own.get(reverse("competencies:log_activity", args=[hostile.uuid])).content.decode()
    for element_id in ("description", "reflection"):
        assert_safe(elements_inside(html, element_id))
    assert "<script>" not in html


def test_engagement_markdown_is_rendered_safely(own, enrolment):
    hostile = engagement(
        enrolment, goals=HOSTILE_MARKDOWN, contract_confidentiality=HOSTILE_MARKDOWN
    )
    html = own.get(reverse("competencies:engagement_detail", args=[hostile.uuid])).content.decode()
    assert_safe(elements_inside(html, "goals"))
    contract = elements_inside(html, "contract")
    assert_safe([element for element in contract if element[0] != "h3"])
    assert "<script>" not in html


def test_titles_and_pseudonyms_are_escaped_in_rows(own, enrolment):
    activity(enrolment, title='<img src=x onerror="alert(1)">')
    html = own.get(reverse("competencies:log")).content.decode()
    assert '<img src=x onerror="alert(1)">' not in html


# --- staff read-only ------------------------------------------------------------------------


def test_assigned_lecturer_reads_without_write_controls(client, lecturer, cohort, enrolment):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    mine = activity(enrolment)
    client.force_login(lecturer)
    response = client.get(reverse("competencies:log_student", args=[enrolment.uuid]))
    assert response.status_code == 200
    assert "quick_form" not in response.context
    assert response.context["can_edit"] is False
    html = response.content.decode()
    assert reverse("competencies:log_activity_edit", args=[mine.uuid]) not in html
    assert reverse("competencies:log_quick_add") not in html
    assert response.context["urls"]["hours"] == reverse(
        "competencies:hours_ledger_student", args=[enrolment.uuid]
    )


# --- query counts ---------------------------------------------------------------------------


def _fill(enrolment, size):
    client_engagement = engagement(enrolment)
    many_activities(enrolment, size, engagement=client_engagement)
    for number in range(3):
        attendance(enrolment, date=datetime.date(2026, 1, 5 + number), name=f"Groep {number}")


@pytest.mark.parametrize("size", [10, 1000])
def test_log_queries_do_not_grow(own, enrolment, size, django_assert_num_queries):
    _fill(enrolment, size)
    # session, user, enrolment; activity kinds and engagements (once, for both forms and the
    # rows); the filter's competencies; count and page of entries; its activities, its
    # attendance
    with django_assert_num_queries(10):
        response = own.get(reverse("competencies:log"))
    assert len(response.context["entries"]) == min(size + 3, 25)


@pytest.mark.parametrize("size", [10, 1000])
def test_log_htmx_page_queries_do_not_grow(own, enrolment, size, django_assert_num_queries):
    _fill(enrolment, size)
    url = reverse("competencies:log")
    # session, user, enrolment; activity kinds (the intervision rows' name); count and page of
    # entries; its activities, its attendance
    with django_assert_num_queries(8):
        response = own.get(url, {"page": 1}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="activities")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="activities">')
    assert len(response.context["entries"]) == min(size + 3, 25)


@pytest.mark.parametrize("size", [10, 1000])
def test_staff_log_queries_do_not_grow(
    client, lecturer, cohort, enrolment, size, django_assert_num_queries
):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    _fill(enrolment, size)
    client.force_login(lecturer)
    # as the student's, without the quick entry form
    with django_assert_num_queries(10):
        client.get(reverse("competencies:log_student", args=[enrolment.uuid]))


@pytest.mark.parametrize("size", [10, 1000])
def test_week_engagements_and_hours_queries_do_not_grow(
    own, enrolment, size, django_assert_num_queries
):
    _fill(enrolment, size)
    with django_assert_num_queries(6):
        own.get(reverse("competencies:log_week"), {"week": "2024-W05"})
    with django_assert_num_queries(5):
        own.get(reverse("competencies:engagement_list"))
    # session, user, enrolment; the three windows together: kinds, activities, attendance
    with django_assert_num_queries(6):
        own.get(reverse("competencies:hours_ledger"))
    with django_assert_num_queries(5):
        own.get(reverse("competencies:hours_export", args=["csv"]))
