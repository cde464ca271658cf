"""The coaching-hours ledger: arithmetic, windows and consent, partly property-based."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cohorts.models import Enrolment
from competencies import ledger
from competencies.ledger import (
    ALL_TIME,
    LAST_12_MONTHS,
    LAST_18_MONTHS,
    client_log,
    client_log_table,
    hours_ledger,
    months_before,
    window_bounds,
)
from competencies.models import ClientEngagement, LearningActivity
from tests.competencies.log_helpers import activity, attendance, engagement, kinds

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)
ZERO = Decimal("0.00")


@pytest.fixture
def enrolment(student):
    return Enrolment.objects.get(student=student)


# --- windows --------------------------------------------------------------------------------


@given(
    day=st.dates(min_value=datetime.date(2001, 1, 1), max_value=datetime.date(2099, 12, 31)),
    months=st.integers(min_value=0, max_value=60),
)
def test_months_before_goes_back_whole_calendar_months(day, months):
    earlier = months_before(day, months)
    assert (day.year * 12 + day.month) - (earlier.year * 12 + earlier.month) == months
    # Same day of the month, or the last day of a shorter month.
    next_day = earlier + datetime.timedelta(days=1)
    assert earlier.day == day.day or (earlier.day < day.day and next_day.month != earlier.month)


def test_window_bounds_on_known_dates():
    assert window_bounds(ALL_TIME, TODAY) == (None, TODAY)
    assert window_bounds(LAST_12_MONTHS, TODAY) == (datetime.date(2025, 3, 16), TODAY)
    assert window_bounds(LAST_18_MONTHS, TODAY) == (datetime.date(2024, 9, 16), TODAY)
    leap_day = datetime.date(2028, 2, 29)
    assert window_bounds(LAST_12_MONTHS, leap_day)[0] == datetime.date(2027, 3, 1)
    with pytest.raises(ValueError):
        window_bounds("24m", TODAY)


def test_the_edges_of_the_windows(enrolment):
    client = engagement(enrolment)
    for day in (
        datetime.date(2024, 9, 15),  # one day before the 18 months
        datetime.date(2024, 9, 16),  # first day of the 18 months
        datetime.date(2025, 3, 15),  # one day before the 12 months
        datetime.date(2025, 3, 16),  # first day of the 12 months
        TODAY,
        TODAY + datetime.timedelta(days=1),  # planned: not counted yet
    ):
        activity(enrolment, date=day, hours=Decimal("1.00"), engagement=client)
    totals = {
        window: hours_ledger(enrolment, window=window, today=TODAY).client_hours
        for window in ledger.WINDOWS
    }
    assert totals == {
        ALL_TIME: Decimal("5.00"),
        LAST_18_MONTHS: Decimal("4.00"),
        LAST_12_MONTHS: Decimal("2.00"),
    }


# --- arithmetic, property-based -------------------------------------------------------------

ENGAGEMENTS = st.lists(
    st.fixed_dictionaries(
        {
            "paid": st.booleans(),
            "consent": st.booleans(),
            "group": st.booleans(),
        }
    ),
    min_size=1,
    max_size=4,
)
ACTIVITY = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["coaching-session", "team-coaching", "literature", "intervision"]
        ),
        "days_ago": st.integers(min_value=-30, max_value=900),
        "quarters": st.integers(min_value=1, max_value=40),
        "engagement": st.none() | st.integers(min_value=0, max_value=3),
        "level": st.sampled_from(["", "individual", "team", "organisation", "network"]),
        "role": st.sampled_from(["", "coach", "advisor", "researcher"]),
    }
)


def _in(window, day, today):
    start, end = window_bounds(window, today)
    return (start is None or day >= start) and day <= end


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    engagement_specs=ENGAGEMENTS,
    activity_specs=st.lists(ACTIVITY, max_size=25),
    attended=st.lists(
        st.tuples(st.integers(min_value=0, max_value=900), st.integers(1, 12)), max_size=4
    ),
    today=st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2030, 12, 31)),
)
def test_ledger_adds_up_in_every_window(
    enrolment, engagement_specs, activity_specs, attended, today
):
    with transaction.atomic():
        kind_rows = kinds()
        engagements = [
            ClientEngagement.objects.create(
                enrolment=enrolment,
                client_code=f"P-{number}",
                paid=spec["paid"],
                consent=spec["consent"],
                consent_on=datetime.date(2024, 1, 1) if spec["consent"] else None,
                client_type="group" if spec["group"] else "individual",
                group_size=5 if spec["group"] else None,
            )
            for number, spec in enumerate(engagement_specs)
        ]
        activities = []
        for spec in activity_specs:
            index = spec["engagement"]
            activities.append(
                LearningActivity(
                    enrolment=enrolment,
                    kind=kind_rows[spec["kind"]],
                    date=today - datetime.timedelta(days=spec["days_ago"]),
                    hours=Decimal(spec["quarters"]) / 4,
                    title="x",
                    system_level=spec["level"],
                    role=spec["role"],
                    engagement=engagements[index % len(engagements)]
                    if index is not None
                    else None,
                )
            )
        LearningActivity.objects.bulk_create(activities)
        for number, (days_ago, quarters) in enumerate(attended):
            attendance(
                enrolment,
                date=today - datetime.timedelta(days=days_ago),
                hours=Decimal(quarters) / 4,
                name=f"Groep {number}",
            )

        results = {}
        for window in ledger.WINDOWS:
            result = hours_ledger(enrolment, window=window, today=today)
            results[window] = result
            counted = [
                a
                for a in activities
                if _in(window, a.date, today)
                and a.kind.is_client_work
                and a.engagement is not None
                and a.engagement.consent
            ]
            expected = sum((a.hours for a in counted), ZERO)
            assert result.client_hours == expected
            # Every breakdown of client hours adds up to the same total.
            assert sum(result.client_by_kind.values(), ZERO) == expected
            assert sum(result.by_system_level.values(), ZERO) == expected
            assert sum(result.by_role.values(), ZERO) == expected
            assert result.paid + result.pro_bono == expected
            assert result.individual + result.group == expected
            assert result.paid == sum((a.hours for a in counted if a.engagement.paid), ZERO)
            assert result.group == sum(
                (a.hours for a in counted if a.engagement.client_type == "group"), ZERO
            )
            assert result.clients == len({a.engagement.pk for a in counted})
            # All logged hours: every activity in the window plus intervision attendance.
            logged = sum((a.hours for a in activities if _in(window, a.date, today)), ZERO)
            attended_hours = sum(
                (
                    Decimal(q) / 4
                    for days_ago, q in attended
                    if _in(window, today - datetime.timedelta(days=days_ago), today)
                ),
                ZERO,
            )
            assert result.attendance_hours == attended_hours
            assert result.all_hours == logged + attended_hours
            assert sum(result.all_by_kind.values(), ZERO) == result.all_hours
            # The client coaching log holds the same hours and clients.
            rows = client_log(enrolment, window=window, today=today)
            assert len(rows) == result.clients
            assert sum((row.paid_hours for row in rows), ZERO) == result.paid
            assert sum((row.pro_bono_hours for row in rows), ZERO) == result.pro_bono
            assert all(row.engagement.consent for row in rows)
        # Windows nest: 12 months within 18 within all time.
        for attribute in ("client_hours", "all_hours", "clients", "paid"):
            assert (
                getattr(results[LAST_12_MONTHS], attribute)
                <= getattr(results[LAST_18_MONTHS], attribute)
                <= getattr(results[ALL_TIME], attribute)
            )
        transaction.set_rollback(True)


# --- consent --------------------------------------------------------------------------------


def test_only_consenting_clients_count(enrolment):
    consenting = engagement(enrolment, client_code="C-YES", paid=True)
    refusing = engagement(enrolment, client_code="C-NO", consent=False, consent_on=None)
    activity(enrolment, engagement=consenting, hours=Decimal("2.00"), date=TODAY)
    activity(enrolment, engagement=refusing, hours=Decimal("5.00"), date=TODAY)
    activity(enrolment, hours=Decimal("3.00"), date=TODAY)  # client work without a client
    activity(enrolment, "literature", engagement=consenting, hours=Decimal("4.00"), date=TODAY)

    result = hours_ledger(enrolment, today=TODAY)
    assert result.client_hours == Decimal("2.00")
    assert result.paid == Decimal("2.00")
    assert result.clients == 1
    # Everything still shows among all logged hours.
    assert result.all_by_kind["coaching-session"] == Decimal("10.00")
    assert result.all_by_kind["literature"] == Decimal("4.00")
    assert [row.engagement.client_code for row in client_log(enrolment, today=TODAY)] == ["C-YES"]

    refusing.consent, refusing.consent_on = True, TODAY
    refusing.save()
    assert hours_ledger(enrolment, today=TODAY).client_hours == Decimal("7.00")


def test_intervision_attendance_counts_among_all_hours_not_client_hours(enrolment):
    attendance(enrolment, date=TODAY, hours=Decimal("2.50"))
    activity(enrolment, "intervision", date=TODAY, hours=Decimal("1.00"))
    result = hours_ledger(enrolment, today=TODAY)
    assert result.all_by_kind["intervision"] == Decimal("3.50")
    assert result.attendance_hours == Decimal("2.50")
    assert result.client_hours == ZERO


def test_another_students_hours_never_count(enrolment, student2):
    other = Enrolment.objects.get(student=student2)
    activity(other, engagement=engagement(other), date=TODAY)
    attendance(other, date=TODAY)
    result = hours_ledger(enrolment, today=TODAY)
    assert result.all_hours == ZERO
    assert client_log(enrolment, today=TODAY) == []


# --- the client coaching log ----------------------------------------------------------------


def test_client_log_rows_and_totals(enrolment):
    paid = engagement(enrolment, client_code="C-01", paid=True)
    team = engagement(enrolment, client_code="Team Noord", client_type="group", group_size=6)
    activity(enrolment, engagement=paid, date=datetime.date(2025, 5, 1), hours=Decimal("1.00"))
    activity(enrolment, engagement=paid, date=datetime.date(2025, 6, 1), hours=Decimal("1.50"))
    activity(
        enrolment,
        "team-coaching",
        engagement=team,
        date=datetime.date(2025, 4, 1),
        hours=Decimal("3.00"),
    )
    rows = client_log(enrolment, today=TODAY)
    assert [
        (r.engagement.client_code, r.first, r.last, r.paid_hours, r.pro_bono_hours) for r in rows
    ] == [
        ("Team Noord", datetime.date(2025, 4, 1), datetime.date(2025, 4, 1), ZERO, Decimal("3")),
        ("C-01", datetime.date(2025, 5, 1), datetime.date(2025, 6, 1), Decimal("2.5"), ZERO),
    ]
    headers, table = client_log_table(rows)
    assert len(headers) == 7
    assert table[0][:5] == ["Team Noord", table[0][1], "6", "2025-04-01", "2025-04-01"]
    assert table[1][2] == "1"  # an individual client is a group of one
    assert table[-1][3:5] == ["2025-04-01", "2025-06-01"]  # the totals row spans all dates


def test_empty_client_log_still_has_a_totals_row(enrolment):
    headers, table = client_log_table(client_log(enrolment, today=TODAY))
    assert len(table) == 1
    assert table[0][2:5] == ["", "", ""]
    assert len(headers) == len(table[0])


def test_csv_and_xlsx_export_neutralise_formulas(client, student, enrolment):
    recently = timezone.localdate() - datetime.timedelta(days=10)
    hostile = engagement(enrolment, client_code="=HYPERLINK(1)", paid=True)
    activity(enrolment, engagement=hostile, date=recently)
    other = engagement(enrolment, client_code="C-NO", consent=False, consent_on=None)
    activity(enrolment, engagement=other, date=recently)
    client.force_login(student)

    response = client.get("/log/hours/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert len(rows) == 3  # headers, the consenting client, totals
    assert "C-NO" not in response.content.decode()

    response = client.get("/log/hours/export.xlsx?window=12m")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=HYPERLINK(1)"
    assert sheet.max_row == 3


def test_export_refuses_unknown_formats_and_windows(client, student, enrolment):
    client.force_login(student)
    assert client.get("/log/hours/export.pdf").status_code == 404
    assert client.get("/log/hours/export.csv?window=5y").status_code == 404
