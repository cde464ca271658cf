import csv
import datetime
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from cohorts import services
from cohorts.exports import (
    enrolments_for_export,
    export_table,
    neutralise,
    sheet_title,
    to_csv,
    to_xlsx,
)
from cohorts.models import Enrolment, Group
from tests.factories import EnrolmentFactory, LecturerFactory, SupervisorFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+1", "+31 6 1234", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd"]


def _export(queryset=None):
    queryset = queryset if queryset is not None else Enrolment.objects.all()
    return export_table(enrolments_for_export(queryset.order_by("student_number")))


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def _read_xlsx(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _column(headers, rows, index):
    return {row[0]: row[index] for row in rows}


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_quotes_text_that_starts_like_a_formula(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Jansen", "06-12345678", "a=b", "", "'already quoted"])
def test_neutralise_leaves_ordinary_text_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("value", DANGEROUS)
def test_csv_cells_that_start_like_a_formula_are_quoted(cohort, value):
    EnrolmentFactory(cohort=cohort, student__family_name=value, student_number="00000001")
    headers, rows = _export()
    data = _read_csv(to_csv(headers, rows))
    assert data[1][1] == "'" + value


@pytest.mark.parametrize("value", DANGEROUS)
def test_xlsx_cells_that_start_like_a_formula_are_text_not_formulas(cohort, value):
    EnrolmentFactory(cohort=cohort, student__family_name=value, student_number="00000001")
    headers, rows = _export()
    sheet = _read_xlsx(to_xlsx(headers, rows, title=cohort.name))
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell for cell in cells if cell.data_type == "f"]
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    # XML turns a carriage return into a line feed on reading; the quote is what matters.
    assert sheet["B2"].value.replace("\n", "\r") == "'" + value


def test_a_formula_in_the_cohort_name_or_email_is_quoted_too(cohort):
    cohort.name = "=HYPERLINK(1)"
    cohort.save()
    EnrolmentFactory(cohort=cohort, student__email="@evil@example.org")
    headers, rows = _export()
    assert [row[4:6] for row in _read_csv(to_csv(headers, rows))[1:]] == [
        ["'@evil@example.org", "'=HYPERLINK(1)"]
    ]
    sheet = _read_xlsx(to_xlsx(headers, rows))
    assert (sheet["E2"].value, sheet["F2"].value) == ("'@evil@example.org", "'=HYPERLINK(1)")
    assert sheet["F2"].data_type == "s"


def test_student_numbers_keep_their_leading_zeros(cohort):
    EnrolmentFactory(cohort=cohort, student_number="00012345")
    headers, rows = _export()
    assert _read_csv(to_csv(headers, rows))[1][0] == "00012345"
    cell = _read_xlsx(to_xlsx(headers, rows))["A2"]
    assert (cell.value, cell.data_type, cell.number_format) == ("00012345", "s", "@")


def test_csv_is_for_dutch_excel_bom_semicolons_and_crlf(cohort):
    EnrolmentFactory(cohort=cohort, student__family_name="Dijk", student__name_prefix="van")
    text = to_csv(*_export())
    assert text.startswith("\ufeff")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[0].startswith("Studentnummer;Achternaam;Tussenvoegsel;Voornaam")
    assert lines[1].split(";")[1:3] == ["Dijk", "van"]
    assert lines[-1] == ""


def test_headers_are_dutch_by_default(cohort):
    headers, _rows = _export()
    assert headers[:7] == [
        "Studentnummer",
        "Achternaam",
        "Tussenvoegsel",
        "Voornaam",
        "E-mailadres",
        "Cohort",
        "Status",
    ]
    assert headers[-1] == "Scriptiebegeleider"


def test_headers_and_statuses_follow_the_active_language(cohort):
    EnrolmentFactory(cohort=cohort)
    with translation.override("en"):
        headers, rows = _export()
    assert headers == [
        "Student number",
        "Family name",
        "Name prefix",
        "Given name",
        "E-mail address",
        "Cohort",
        "Status",
        "Status since",
        "Groups",
        "Thesis supervisor",
    ]
    assert rows[0][6] == "Active"
    assert _export()[1][0][6] == "Actief"


def test_status_since_and_cohort_are_written_as_text(cohort):
    enrolment = EnrolmentFactory(cohort=cohort)
    services.change_status(
        enrolment=enrolment,
        status=Enrolment.Status.PAUSED,
        effective_on=datetime.date(2026, 3, 1),
        reason="Zwangerschapsverlof",
        by=None,
    )
    _headers, rows = _export()
    assert rows[0][5:8] == ["2025–2027", "Gepauzeerd", "2026-03-01"]


def test_groups_and_current_supervisor_columns(cohort, other_cohort):
    facilitator = LecturerFactory()
    first, second, unplaced = (
        EnrolmentFactory(cohort=cohort, student_number=f"0000000{n}") for n in (1, 2, 3)
    )
    learning = services.save_group(
        group=Group(cohort=cohort, kind=Group.Kind.LEARNING, name="Leergroep A"), by=None
    )
    intervision = services.save_group(
        group=Group(
            cohort=cohort,
            kind=Group.Kind.INTERVISION,
            name="Intervisiegroep 1",
            facilitator=facilitator,
        ),
        by=None,
    )
    services.add_to_group(group=learning, enrolments=[first, second], by=None)
    services.add_to_group(group=intervision, enrolments=[first], by=None)
    old, new = SupervisorFactory(), SupervisorFactory(given_name="Anna", family_name="Berg")
    new.name_prefix = "van den"
    new.save()
    services.assign_supervisor(enrolment=first, supervisor=old, by=None)
    services.assign_supervisor(enrolment=first, supervisor=new, by=None)  # ends the old one

    headers, rows = _export()
    groups = _column(headers, rows, 8)
    supervisors = _column(headers, rows, 9)
    assert groups == {
        "00000001": "Intervisiegroep 1, Leergroep A",
        "00000002": "Leergroep A",
        "00000003": "",
    }
    assert supervisors == {"00000001": "Anna van den Berg", "00000002": "", "00000003": ""}
    assert unplaced.student_number == "00000003"


def _populate(cohort, size):
    group = services.save_group(
        group=Group(cohort=cohort, kind=Group.Kind.LEARNING, name="Leergroep A"), by=None
    )
    supervisor = SupervisorFactory()
    enrolments = EnrolmentFactory.create_batch(size, cohort=cohort)
    services.add_to_group(group=group, enrolments=enrolments, by=None)
    for enrolment in enrolments:
        services.assign_supervisor(enrolment=enrolment, supervisor=supervisor, by=None)


@pytest.mark.parametrize("size", [5, 50])
def test_export_runs_a_constant_number_of_queries(cohort, size, django_assert_num_queries):
    _populate(cohort, size)
    queryset = enrolments_for_export(Enrolment.objects.filter(cohort=cohort))
    # enrolments with student and cohort, their groups, their current supervisors
    with django_assert_num_queries(3):
        headers, rows = export_table(queryset)
        to_csv(headers, rows)
        to_xlsx(headers, rows, title=cohort.name)
    assert len(rows) == size
    assert all(row[8] == "Leergroep A" and row[9] for row in rows)


def test_sheet_is_named_after_the_cohort(cohort):
    sheet = _read_xlsx(to_xlsx(*_export(), title=cohort.name))
    assert sheet.title == "2025–2027"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width >= 8


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("2025/2027 [deeltijd]: groep*?", "20252027 deeltijd groep"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("[]", "Cohort"),
    ],
)
def test_sheet_titles_are_ones_excel_accepts(name, title):
    assert sheet_title(name) == title
