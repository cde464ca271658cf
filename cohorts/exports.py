"""Cohort lists as spreadsheets: CSV for Dutch Excel and XLSX, safe against formula injection.

Build the rows with ``export_table(enrolments_for_export(queryset))``, then write them with
``to_csv`` or ``to_xlsx``. Every cell is text: student numbers keep their leading zeros and
nothing a student typed can turn into a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from django.db.models import Prefetch, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Enrolment, Group, SupervisorAssignment

# The same texts as the models' field names, so the headers need no translations of their own.
COLUMNS = (
    _("student number"),
    _("family name"),
    _("name prefix"),
    _("given name"),
    _("e-mail address"),
    _("cohort"),
    _("status"),
    _("status since"),
    _("groups"),
    _("thesis supervisor"),
)

# OWASP: a cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
COLUMN_WIDTH_MIN, COLUMN_WIDTH_MAX = 8, 50


def enrolments_for_export(queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Everything ``export_table`` reads, in a fixed number of queries whatever the size."""
    return queryset.select_related("student", "cohort").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name")),
        Prefetch(
            "supervisor_assignments",
            queryset=SupervisorAssignment.objects.current().select_related("supervisor"),
            to_attr="current_supervisor_assignments",
        ),
    )


def neutralise(value: str) -> str:
    """Prefixes a quote to text a spreadsheet would otherwise run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def export_table(enrolments: Iterable[Enrolment]) -> tuple[list[str], list[list[str]]]:
    """Headers in the active language and one row of text per enrolment.

    Expects ``enrolments_for_export``: reading the groups and supervisor costs no queries.
    """
    headers = [str(capfirst(column)) for column in COLUMNS]
    rows = []
    for enrolment in enrolments:
        student = enrolment.student
        supervisors = enrolment.current_supervisor_assignments
        rows.append(
            [
                enrolment.student_number,
                student.family_name,
                student.name_prefix,
                student.given_name,
                student.email,
                enrolment.cohort.name,
                str(enrolment.get_status_display()),
                enrolment.status_since.isoformat() if enrolment.status_since else "",
                ", ".join(group.name for group in enrolment.groups.all()),
                supervisors[0].supervisor.get_full_name() if supervisors else "",
            ]
        )
    return headers, rows


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Semicolon-separated with CRLF and a byte-order mark: how Dutch Excel opens it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in (headers, *rows):
        writer.writerow([neutralise(str(value)) for value in row])
    return "\ufeff" + buffer.getvalue()


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence[str]], *, title: str = "") -> bytes:
    """One sheet named after ``title`` (the cohort), a bold header row, every cell text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(title)
    widths: dict[int, int] = {}
    for row_number, row in enumerate((headers, *rows), start=1):
        for column, value in enumerate(row, start=1):
            text = ILLEGAL_CHARACTERS_RE.sub("", neutralise(str(value)))
            cell = sheet.cell(row=row_number, column=column)
            cell.value = text
            cell.data_type = "s"
            cell.number_format = "@"
            if row_number == 1:
                cell.font = Font(bold=True)
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[column] = max(widths.get(column, 0), longest)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(
            max(width + 2, COLUMN_WIDTH_MIN), COLUMN_WIDTH_MAX
        )
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    title = SHEET_TITLE_FORBIDDEN.sub("", name).strip()[:SHEET_TITLE_MAX]
    # Excel also refuses a quote at either end (it quotes sheet names in formulas with it).
    return title.strip().strip("'") or str(capfirst(_("cohort")))
