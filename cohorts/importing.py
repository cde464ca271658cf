"""Students from a student information system's export (OSIRIS and the like): CSV or XLSX.

Reading a file gives its headers and rows; ``StudentImport`` keeps them between upload and
confirmation. ``plan_import`` decides each row's fate without writing anything (the dry run),
and ``apply_import`` carries that plan out in one transaction. Importing the same file again
changes nothing: rows whose data already match are "unchanged".
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coachmaster.accounts.models import Role, User
from coachmaster.accounts.services import create_account

from .models import Cohort, Enrolment, EnrolmentStatusChange, ImportProfile, StudentImport

FIELDS: tuple[str, ...] = (
    "student_number",
    "email",
    "given_name",
    "name_prefix",
    "family_name",
    "cohort",
)
REQUIRED: set[str] = {"student_number", "email", "given_name", "family_name"}
LABELS = {
    "student_number": gettext_lazy("student number"),
    "email": gettext_lazy("e-mail address"),
    "given_name": gettext_lazy("given name"),
    "name_prefix": gettext_lazy("name prefix"),
    "family_name": gettext_lazy("family name"),
    "cohort": gettext_lazy("cohort"),
}

# What a row does when the import is applied.
CREATE, ENROL, UPDATE, UNCHANGED, REFUSED = "create", "enrol", "update", "unchanged", "refused"
ACTIONS: tuple[str, ...] = (CREATE, ENROL, UPDATE, UNCHANGED, REFUSED)
ACTION_LABELS = {
    CREATE: gettext_lazy("New account"),
    ENROL: gettext_lazy("Existing account, new enrolment"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    REFUSED: gettext_lazy("Refused"),
}

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

# The fields of the person's account that a row sets.
PERSON_FIELDS = ("email", "given_name", "name_prefix", "family_name")

# Headers as student information systems write them, normalised (lowercase letters and digits
# only), in order of preference: "Roepnaam" (the name used) wins over "Voornamen" (all names).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": (
        "studentnummer",
        "studentnr",
        "studnr",
        "studentnumber",
        "studentno",
        "studentid",
    ),
    "email": (
        "emailadres",
        "email",
        "emailaddress",
        "mailadres",
        "mail",
        "emailadresinstelling",
        "emailinstelling",
    ),
    "given_name": ("roepnaam", "givenname", "firstname", "voornaam", "forename", "voornamen"),
    "name_prefix": (
        "voorvoegsels",
        "voorvoegsel",
        "tussenvoegsel",
        "tussenvoegsels",
        "prefix",
        "nameprefix",
        "infix",
    ),
    "family_name": (
        "achternaam",
        "familyname",
        "lastname",
        "surname",
        "familienaam",
        "geslachtsnaam",
    ),
    "cohort": ("cohort", "lichting", "cohortnaam", "instroomcohort"),
}

# Dutch (and a few other) name prefixes, written in lowercase before the family name.
_PREFIXES = (
    "van der",
    "van den",
    "van de",
    "van het",
    "van 't",
    "van",
    "de la",
    "de le",
    "de",
    "den",
    "der",
    "het",
    "ter",
    "ten",
    "te",
    "in 't",
    "in de",
    "in den",
    "in het",
    "'t",
    "op de",
    "op den",
    "op het",
    "op 't",
    "uit de",
    "uit den",
    "uit het",
    "aan de",
    "aan den",
    "aan het",
    "bij de",
    "onder de",
    "voor de",
    "von der",
    "von",
    "du",
    "la",
    "le",
    "el",
    "al",
)
NAME_PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {*_PREFIXES, *(p.replace("'", "’") for p in _PREFIXES)},
        key=lambda p: (-len(p), p),
    )
)


# --- reading a file -------------------------------------------------------------------------


def read_table(filename: str, raw: bytes) -> tuple[list[str], list[list[str]]]:
    """The headers and the data rows of a CSV or XLSX file, every cell as text."""
    if len(raw) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    extension = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if extension == "csv":
        table = _read_csv(raw)
    elif extension == "xlsx":
        table = _read_xlsx(raw)
    else:
        raise ValidationError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    return _headers_and_rows(table)


def _headers_and_rows(table: Iterable[list[str]]) -> tuple[list[str], list[list[str]]]:
    """The first non-empty row is the header; every data row gets the header's width."""
    headers: list[str] | None = None
    rows: list[list[str]] = []
    for row in table:
        if not any(row):
            continue
        if headers is None:
            headers = row
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        rows.append((row + [""] * len(headers))[: len(headers)])
    if headers is None:
        raise ValidationError(_("The file is empty: it needs a header row and rows of students."))
    if not rows:
        raise ValidationError(_("The file has a header row but no students below it."))
    return headers, rows


def _read_csv(raw: bytes) -> Iterator[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _("The file is not UTF-8 text. Export it as “CSV UTF-8” and try again.")
        ) from error
    # The header line decides: names and addresses below it may hold either character.
    header = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        yield [cell.strip() for cell in row]


def _read_xlsx(raw: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as error:
        raise ValidationError(_("The file is not a readable Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows():
            yield [_cell_text(cell) for cell in row]
    finally:
        workbook.close()


def _cell_text(cell) -> str:
    """A cell as the person who typed it sees it: 123456 not 123456.0, dates as ISO."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        # A number shown with leading zeros ("00000000" format) keeps them.
        number_format = getattr(cell, "number_format", "") or ""
        if re.fullmatch(r"0+", number_format):
            return str(value).zfill(len(number_format))
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


# --- mapping columns ------------------------------------------------------------------------


def _normalise_header(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Field → header for the fields whose usual header the file has."""
    normalised = [_normalise_header(header) for header in headers]
    columns: dict[str, str] = {}
    for name in FIELDS:
        for alias in HEADER_ALIASES[name]:
            if alias in normalised:
                header = headers[normalised.index(alias)]
                if header not in columns.values():
                    columns[name] = header
                    break
    return columns


@transaction.atomic
def save_profile(*, name: str, columns: dict[str, str], by: User | None) -> ImportProfile:
    """Save a column mapping under a name, replacing the mapping saved under that name."""
    columns = {key: value for key, value in columns.items() if key in FIELDS and value}
    profile, _created = ImportProfile.objects.update_or_create(
        name=name.strip(),
        defaults={"columns": columns},
        create_defaults={"columns": columns, "created_by": by},
    )
    return profile


# --- the dry run ----------------------------------------------------------------------------


@dataclass
class RowPlan:
    """What applying the import will do with one row of the file, and why."""

    index: int
    row_number: int
    values: dict[str, str]
    action: str = CREATE
    reasons: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cohort: Cohort | None = None
    user: User | None = None

    @property
    def refused(self) -> bool:
        return self.action == REFUSED

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class _Context:
    """What the database already holds about the people in the file, read once."""

    cohorts: dict[str, Cohort]
    enrolments: dict[str, Enrolment]
    users: dict[str, User]
    numbers_seen: dict[str, int] = field(default_factory=dict)
    emails_seen: dict[str, tuple[int, str]] = field(default_factory=dict)
    users_seen: dict[int, int] = field(default_factory=dict)


def plan_import(student_import: StudentImport) -> list[RowPlan]:
    """Every row's action (create, enrol, update, unchanged or refused), writing nothing."""
    plans = [
        RowPlan(index=index, row_number=index + 2, values=_row_values(student_import, row))
        for index, row in enumerate(student_import.rows)
    ]
    context = _load_context(plans)
    for plan in plans:
        _plan_row(plan, student_import, context)
    return plans


def _row_values(student_import: StudentImport, row: list[str]) -> dict[str, str]:
    headers = list(student_import.headers)
    values = {}
    for name in FIELDS:
        header = student_import.columns.get(name)
        position = headers.index(header) if header in headers else None
        cell = row[position] if position is not None and position < len(row) else ""
        values[name] = " ".join(str(cell or "").split())
    values["email"] = values["email"].lower()
    return values


def _cohort_key(name: str) -> str:
    """“2025–2027”, “2025-2027” and “2025 - 2027” are the same cohort."""
    return re.sub(r"\s*[-‐‑–—]\s*", "-", " ".join(name.split())).casefold()


def _load_context(plans: list[RowPlan]) -> _Context:
    numbers = {plan.values["student_number"] for plan in plans} - {""}
    emails = {plan.values["email"] for plan in plans} - {""}
    users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    return _Context(
        cohorts={_cohort_key(cohort.name): cohort for cohort in Cohort.objects.all()},
        enrolments={
            enrolment.student_number: enrolment
            for enrolment in Enrolment.objects.filter(student_number__in=numbers).select_related(
                "student", "cohort"
            )
        },
        users={
            user.email_lower: user for user in users.prefetch_related("enrolments").order_by("pk")
        },
    )


def _plan_row(plan: RowPlan, student_import: StudentImport, context: _Context) -> None:
    _split_name_prefix(plan)
    _check_student_number(plan, context)
    _check_email(plan, context)
    _check_names(plan)
    plan.cohort = _find_cohort(plan, student_import, context)
    if not plan.reasons:
        _match(plan, context)
    if plan.reasons:
        plan.action = REFUSED
        plan.changes = []


def _split_name_prefix(plan: RowPlan) -> None:
    """“van der Meer” with no prefix given: the prefix gets its own field, for sorting."""
    values = plan.values
    if values["name_prefix"]:
        return
    for prefix in NAME_PREFIXES:
        rest = values["family_name"][len(prefix) + 1 :]
        if values["family_name"].startswith(prefix + " ") and rest[:1].isupper():
            values["name_prefix"], values["family_name"] = prefix, rest
            plan.notes.append(
                _("Prefix “%(prefix)s” split from the family name.") % {"prefix": prefix}
            )
            return


def _find_cohort(plan: RowPlan, student_import: StudentImport, context: _Context) -> Cohort | None:
    name = plan.values["cohort"]
    if not name:
        if student_import.default_cohort is None:
            plan.reasons.append(_("No cohort: the row names none and no default cohort is set."))
        return student_import.default_cohort
    cohort = context.cohorts.get(_cohort_key(name))
    if cohort is None:
        plan.reasons.append(_("Unknown cohort “%(cohort)s”.") % {"cohort": name})
    return cohort


def _check_student_number(plan: RowPlan, context: _Context) -> None:
    number = plan.values["student_number"]
    if not number:
        plan.reasons.append(_("The student number is missing."))
    elif not re.fullmatch(settings.STUDENT_NUMBER_PATTERN, number) or len(number) > 20:
        plan.reasons.append(_("Malformed student number “%(number)s”.") % {"number": number})
    elif number in context.numbers_seen:
        plan.reasons.append(
            _("Student number %(number)s is also on row %(row)s.")
            % {"number": number, "row": context.numbers_seen[number]}
        )
    else:
        context.numbers_seen[number] = plan.row_number


def _check_email(plan: RowPlan, context: _Context) -> None:
    email = plan.values["email"]
    if not email:
        plan.reasons.append(_("The e-mail address is missing."))
        return
    try:
        validate_email(email)
    except ValidationError:
        plan.reasons.append(_("Invalid e-mail address “%(email)s”.") % {"email": email})
        return
    if len(email) > User._meta.get_field("email").max_length:
        plan.reasons.append(_("The e-mail address is too long."))
        return
    earlier = context.emails_seen.get(email)
    if earlier is None:
        context.emails_seen[email] = (plan.row_number, plan.values["student_number"])
    elif earlier[1] != plan.values["student_number"]:
        plan.reasons.append(
            _("E-mail address %(email)s is also on row %(row)s, with another student number.")
            % {"email": email, "row": earlier[0]}
        )


def _check_names(plan: RowPlan) -> None:
    if not plan.values["given_name"]:
        plan.reasons.append(_("The given name is missing."))
    if not plan.values["family_name"]:
        plan.reasons.append(_("The family name is missing."))
    for name in ("given_name", "name_prefix", "family_name"):
        max_length = User._meta.get_field(name).max_length
        if len(plan.values[name]) > max_length:
            plan.reasons.append(
                _("%(field)s: at most %(max)s characters.")
                % {"field": LABELS[name], "max": max_length}
            )


def _match(plan: RowPlan, context: _Context) -> None:
    """Find the person the row is about: by student number first, then by e-mail address."""
    values, cohort = plan.values, plan.cohort
    enrolment = context.enrolments.get(values["student_number"])
    owner = context.users.get(values["email"])
    if enrolment is not None:
        if enrolment.cohort_id != cohort.pk:
            plan.reasons.append(
                _("Student number %(number)s belongs to %(student)s in cohort %(cohort)s.")
                % {
                    "number": enrolment.student_number,
                    "student": enrolment.student,
                    "cohort": enrolment.cohort,
                }
            )
            return
        if owner is not None and owner.pk != enrolment.student_id:
            plan.reasons.append(
                _("E-mail address %(email)s belongs to another person, %(person)s.")
                % {"email": values["email"], "person": owner}
            )
            return
        plan.user = enrolment.student
    elif owner is not None:
        other = next((e for e in owner.enrolments.all() if e.cohort_id == cohort.pk), None)
        if other is not None:
            plan.reasons.append(
                _("%(person)s is already in cohort %(cohort)s with student number %(number)s.")
                % {"person": owner, "cohort": cohort, "number": other.student_number}
            )
            return
        plan.user = owner
    if plan.user is not None:
        earlier = context.users_seen.setdefault(plan.user.pk, plan.row_number)
        if earlier != plan.row_number:
            plan.reasons.append(
                _("Row %(row)s is about the same person, %(person)s.")
                % {"row": earlier, "person": plan.user}
            )
            return
    _decide(plan, enrolment)


def _decide(plan: RowPlan, enrolment: Enrolment | None) -> None:
    if plan.user is None:
        plan.action = CREATE
        return
    plan.changes = [
        _("%(field)s: %(old)s → %(new)s")
        % {"field": LABELS[name], "old": old or "–", "new": new or "–"}
        for name, (old, new) in _differences(plan.user, plan.values).items()
    ]
    if enrolment is None:
        plan.action = ENROL
        if not plan.user.is_student:
            plan.notes.append(_("The existing account gets the student role."))
    else:
        plan.action = UPDATE if plan.changes else UNCHANGED


def _differences(user: User, values: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Field → (now, in the file) for the person's fields the file changes."""
    differences = {}
    for name in PERSON_FIELDS:
        old, new = getattr(user, name), values[name]
        same = old.lower() == new.lower() if name == "email" else old == new
        if not same:
            differences[name] = (old, new)
    return differences


# --- applying -------------------------------------------------------------------------------


@transaction.atomic
def apply_import(*, student_import: StudentImport, by: User | None) -> dict[str, int]:
    """Carry out the plan: all rows or, if anything fails, none. Invitations go after commit."""
    locked = StudentImport.objects.select_for_update().get(pk=student_import.pk)
    if locked.status == StudentImport.Status.APPLIED:
        raise ValidationError(_("This import has already been applied."))
    plans = plan_import(locked)
    for plan in plans:
        if plan.action == CREATE:
            _create(plan, by=by, filename=locked.filename)
        elif plan.action == ENROL:
            _update_person(plan.user, plan.values, make_student=True)
            _enrol(plan.user, plan, by=by, filename=locked.filename)
        elif plan.action == UPDATE:
            _update_person(plan.user, plan.values)
    counts = summary_counts(plans)
    locked.status = StudentImport.Status.APPLIED
    locked.applied_at = timezone.now()
    locked.summary = counts
    locked.save(update_fields=["status", "applied_at", "summary"])
    for name in ("status", "applied_at", "summary"):
        setattr(student_import, name, getattr(locked, name))
    return counts


def _create(plan: RowPlan, *, by: User | None, filename: str) -> None:
    values = plan.values
    user = create_account(
        email=values["email"],
        given_name=values["given_name"],
        name_prefix=values["name_prefix"],
        family_name=values["family_name"],
        roles=[Role.STUDENT],
        by=by,
        invite=True,
    )
    _enrol(user, plan, by=by, filename=filename)


def _update_person(user: User, values: dict[str, str], *, make_student: bool = False) -> None:
    differences = _differences(user, values)
    for name, (_old, new) in differences.items():
        setattr(user, name, new)
    changed = list(differences)
    if make_student and not user.is_student:
        user.is_student = True
        changed.append("is_student")
    if not changed:
        return
    user.save(update_fields=changed)
    if "email" in differences:
        _replace_login_address(user, old=differences["email"][0])


def _replace_login_address(user: User, *, old: str) -> None:
    """The address from the programme's records becomes the verified primary one."""
    addresses = EmailAddress.objects.filter(user=user)
    addresses.filter(email__iexact=user.email).delete()
    updated = addresses.filter(email__iexact=old).update(
        email=user.email, verified=True, primary=True
    )
    if not updated:
        addresses.update(primary=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def _enrol(user: User, plan: RowPlan, *, by: User | None, filename: str) -> Enrolment:
    cohort = plan.cohort
    enrolment = Enrolment.objects.create(
        cohort=cohort,
        student=user,
        student_number=plan.values["student_number"],
        status=Enrolment.Status.ACTIVE,
        status_since=cohort.start_date,
        enrolled_on=cohort.start_date,
    )
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status="",
        to_status=Enrolment.Status.ACTIVE,
        effective_on=enrolment.enrolled_on,
        reason=_("Imported from %(file)s") % {"file": filename},
        changed_by=by,
    )
    return enrolment


def summary_counts(plans: list[RowPlan]) -> dict[str, int]:
    """How many rows get each action: for the dry run's headline."""
    counts = dict.fromkeys(ACTIONS, 0)
    for plan in plans:
        counts[plan.action] += 1
    return counts


@transaction.atomic
def enrol_by_hand(*, cohort: Cohort, values: dict[str, str], by: User | None) -> RowPlan:
    """One student added on the cohort page, by the same rules as a row of an imported file.

    Recorded as a one-row import, so the enrolment's history says where it came from. A row
    the import would refuse raises ``ValidationError`` with its reasons and leaves nothing.
    """
    row = {**values, "cohort": cohort.name}
    student_import = StudentImport.objects.create(
        filename=str(_("the form “Add a student”")),
        headers=list(FIELDS),
        rows=[[row.get(name, "") for name in FIELDS]],
        columns={name: name for name in FIELDS},
        default_cohort=cohort,
        created_by=by,
    )
    plan = plan_import(student_import)[0]
    if plan.refused:
        raise ValidationError(plan.reasons)
    if plan.action in (UPDATE, UNCHANGED):
        # By hand one adds students; changing an enrolled student's details is not this form's.
        raise ValidationError(
            _("Student number %(number)s is already enrolled in this cohort, for %(name)s.")
            % {"number": plan.values["student_number"], "name": plan.user}
        )
    apply_import(student_import=student_import, by=by)
    return plan
