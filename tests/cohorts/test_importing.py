import datetime
import io

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl import Workbook

from coachmaster.accounts.models import User
from cohorts import importing
from cohorts.importing import (
    apply_import,
    guess_columns,
    plan_import,
    read_table,
    save_profile,
)
from cohorts.models import Enrolment, EnrolmentStatusChange, ImportProfile, StudentImport
from tests.factories import (
    EnrolmentFactory,
    LecturerFactory,
    ProgrammeAdminFactory,
    StudentFactory,
)

pytestmark = pytest.mark.django_db

OSIRIS_HEADER = "Studentnummer;Roepnaam;Voorvoegsels;Achternaam;E-mailadres;Cohort"
HEADERS = OSIRIS_HEADER.split(";")


@pytest.fixture(autouse=True)
def _english():
    """Reasons are asserted in their English source text, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin(db):
    return ProgrammeAdminFactory(email="administratie@example.org")


def make_import(rows, *, headers=HEADERS, default_cohort=None, filename="osiris.csv", by=None):
    return StudentImport.objects.create(
        filename=filename,
        headers=headers,
        rows=[list(row) for row in rows],
        columns=guess_columns(headers),
        default_cohort=default_cohort,
        created_by=by,
    )


def row(
    number="4020001", given="Anna", prefix="", family="Jansen", email=None, cohort="2025–2027"
):
    return [number, given, prefix, family, email or f"{given.lower()}@example.org", cohort]


def only_plan(rows, **kwargs):
    [plan] = plan_import(make_import(rows, **kwargs))
    return plan


def snapshot():
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "given_name", "name_prefix", "family_name", "is_student"
            )
        ),
        "enrolments": list(
            Enrolment.objects.order_by("pk").values_list(
                "pk", "student_id", "cohort_id", "student_number", "status"
            )
        ),
        "history": EnrolmentStatusChange.objects.count(),
        "addresses": list(EmailAddress.objects.order_by("pk").values_list("user_id", "email")),
    }


# --- reading files --------------------------------------------------------------------------


def test_osiris_header_row_maps_every_field():
    headers, _rows = read_table(
        "osiris.csv", f"{OSIRIS_HEADER}\n00123456;Anna;;Jansen;a@x.nl;\n".encode()
    )
    assert guess_columns(headers) == {
        "student_number": "Studentnummer",
        "email": "E-mailadres",
        "given_name": "Roepnaam",
        "name_prefix": "Voorvoegsels",
        "family_name": "Achternaam",
        "cohort": "Cohort",
    }


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Student number", "First name", "Prefix", "Last name", "Email"],
            {
                "student_number": "Student number",
                "given_name": "First name",
                "name_prefix": "Prefix",
                "family_name": "Last name",
                "email": "Email",
            },
        ),
        (
            ["studentnr", "Given name", "Tussenvoegsel", "Surname", "E-mail", "Lichting"],
            {
                "student_number": "studentnr",
                "given_name": "Given name",
                "name_prefix": "Tussenvoegsel",
                "family_name": "Surname",
                "email": "E-mail",
                "cohort": "Lichting",
            },
        ),
        (
            ["Voornamen", "ROEPNAAM", "Family name", "Geboortedatum"],
            {"given_name": "ROEPNAAM", "family_name": "Family name"},
        ),
    ],
)
def test_guess_columns_recognises_usual_headers_and_leaves_the_rest_out(headers, expected):
    assert guess_columns(headers) == expected


def test_csv_with_bom_and_semicolons_keeps_leading_zeros_and_commas_in_names():
    raw = (
        "\ufeff" + OSIRIS_HEADER + "\r\n"
        " 00123456 ; Anna ;van der;Meer;anna@example.org;2025–2027\r\n"
        ";;;;;\r\n"
        '00123457;"Bram, jr.";;Bakker;bram@example.org;\r\n'
    ).encode()
    headers, rows = read_table("Export.CSV", raw)
    assert headers == HEADERS
    assert rows == [
        ["00123456", "Anna", "van der", "Meer", "anna@example.org", "2025–2027"],
        ["00123457", "Bram, jr.", "", "Bakker", "bram@example.org", ""],
    ]


def test_csv_with_commas_and_short_rows():
    raw = b"Student number,Email,First name,Last name\n0042000,a@example.org,Anna\n"
    headers, rows = read_table("students.csv", raw)
    assert headers == ["Student number", "Email", "First name", "Last name"]
    assert rows == [["0042000", "a@example.org", "Anna", ""]]


def test_csv_that_is_not_utf8_is_refused():
    raw = "Studentnummer;Roepnaam\n4020001;José\n".encode("latin-1")
    with pytest.raises(ValidationError, match="not UTF-8"):
        read_table("osiris.csv", raw)


@pytest.mark.parametrize(
    ("filename", "raw", "message"),
    [
        ("students.xls", b"anything", "CSV file or an Excel workbook"),
        ("students", b"a,b\n1,2\n", "CSV file or an Excel workbook"),
        ("students.csv", b"", "empty"),
        ("students.csv", b"\n ; \n", "empty"),
        ("students.csv", OSIRIS_HEADER.encode() + b"\n\n", "no students"),
        ("students.xlsx", b"not a zip file", "not a readable Excel workbook"),
    ],
)
def test_unusable_files_are_refused_with_a_reason(filename, raw, message):
    with pytest.raises(ValidationError, match=message):
        read_table(filename, raw)


def test_files_over_5_mb_are_refused():
    raw = OSIRIS_HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError, match="larger than 5 MB"):
        read_table("osiris.csv", raw)


def test_files_over_5000_rows_are_refused_but_5000_are_fine():
    body = "".join(f"{n:08d};Anna;;Jansen;a{n}@example.org;\n" for n in range(5000))
    _headers, rows = read_table("osiris.csv", f"{OSIRIS_HEADER}\n{body}".encode())
    assert len(rows) == 5000
    with pytest.raises(ValidationError, match="more than 5000 rows"):
        read_table("osiris.csv", f"{OSIRIS_HEADER}\n{body}99999999;B;;C;b@example.org;\n".encode())


def xlsx(*rows, number_formats=None):
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    workbook.create_sheet("Second sheet").append(["ignored"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_cells_become_text_as_shown():
    raw = xlsx(
        ["Studentnummer", "Roepnaam", "Achternaam", "E-mailadres", "Geboortedatum"],
        [123456, "Anna", "Jansen", "anna@example.org", datetime.datetime(2001, 5, 17)],
        ["00123456", " Bram ", "Bakker", "bram@example.org", datetime.date(2000, 1, 2)],
        [1234567.0, "Cees", "Claessen", "cees@example.org", None],
        [None, None, None, None, None],
        [42, "Dirk", "Dekker", "dirk@example.org", 1.5],
        number_formats={"A6": "00000000"},
    )
    headers, rows = read_table("osiris.xlsx", raw)
    assert headers == ["Studentnummer", "Roepnaam", "Achternaam", "E-mailadres", "Geboortedatum"]
    assert rows == [
        ["123456", "Anna", "Jansen", "anna@example.org", "2001-05-17"],
        ["00123456", "Bram", "Bakker", "bram@example.org", "2000-01-02"],
        ["1234567", "Cees", "Claessen", "cees@example.org", ""],
        ["00000042", "Dirk", "Dekker", "dirk@example.org", "1.5"],
    ]


def test_xlsx_with_only_a_header_is_refused():
    with pytest.raises(ValidationError, match="no students"):
        read_table("osiris.xlsx", xlsx(HEADERS))


# --- the dry run ----------------------------------------------------------------------------


def test_new_student_is_created(cohort):
    plan = only_plan([row(number="00123456", email=" Anna.Jansen@Example.ORG ")])
    assert plan.action == "create"
    assert plan.row_number == 2
    assert plan.cohort == cohort
    assert plan.values["student_number"] == "00123456"
    assert plan.values["email"] == "anna.jansen@example.org"
    assert plan.reasons == plan.changes == []


def test_known_student_with_the_same_data_is_unchanged(cohort):
    enrolment = EnrolmentFactory(
        cohort=cohort,
        student_number="4020001",
        student__email="anna@example.org",
        student__given_name="Anna",
        student__family_name="Jansen",
    )
    plan = only_plan([row(email="ANNA@example.org")])
    assert plan.action == "unchanged"
    assert plan.user == enrolment.student


def test_known_student_with_other_data_is_updated_with_the_changes_listed(cohort):
    EnrolmentFactory(
        cohort=cohort,
        student_number="4020001",
        student__email="old@example.org",
        student__given_name="Ann",
        student__family_name="Jansen",
    )
    plan = only_plan([row(email="anna@example.org")])
    assert plan.action == "update"
    assert plan.changes == [
        "e-mail address: old@example.org → anna@example.org",
        "given name: Ann → Anna",
    ]


def test_existing_account_without_enrolment_is_enrolled(cohort, other_cohort):
    lecturer = LecturerFactory(email="anna@example.org", given_name="Anna", family_name="Jansen")
    plan = only_plan([row()])
    assert plan.action == "enrol"
    assert plan.user == lecturer
    assert plan.changes == []
    assert "The existing account gets the student role." in plan.notes


def test_student_of_another_cohort_with_a_new_number_is_enrolled(cohort, other_cohort):
    enrolment = EnrolmentFactory(cohort=other_cohort, student__email="anna@example.org")
    plan = only_plan([row(number="4020999")])
    assert plan.action == "enrol"
    assert plan.user == enrolment.student
    assert plan.notes == []


def test_cohort_is_found_with_a_plain_hyphen_or_taken_from_the_default(cohort, other_cohort):
    plans = plan_import(
        make_import(
            [
                row(number="4020001", cohort=" 2025-2027"),
                row(number="4020002", given="Bram", cohort=""),
            ],
            default_cohort=other_cohort,
        )
    )
    assert [plan.cohort for plan in plans] == [cohort, other_cohort]
    assert [plan.action for plan in plans] == ["create", "create"]


def test_file_without_a_cohort_column_uses_the_default_cohort(cohort):
    headers = ["Studentnummer", "Roepnaam", "Achternaam", "E-mailadres"]
    plan = only_plan(
        [["4020001", "Anna", "Jansen", "anna@example.org"]], headers=headers, default_cohort=cohort
    )
    assert (plan.action, plan.cohort) == ("create", cohort)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"number": ""}, "The student number is missing."),
        ({"number": "40-20001"}, "Malformed student number “40-20001”."),
        ({"number": "12345"}, "Malformed student number “12345”."),
        ({"email": "anna.example.org"}, "Invalid e-mail address “anna.example.org”."),
        ({"given": "", "email": "x@example.org"}, "The given name is missing."),
        ({"family": ""}, "The family name is missing."),
        ({"family": "J" * 151}, "family name: at most 150 characters."),
        ({"cohort": "2030–2032"}, "Unknown cohort “2030–2032”."),
    ],
)
def test_row_with_a_problem_is_refused_with_its_reason(cohort, values, reason):
    plan = only_plan([row(**values)])
    assert plan.action == "refused"
    assert plan.reasons == [reason]


def test_missing_email_is_refused(cohort):
    plan = only_plan([["4020001", "Anna", "", "Jansen", "", "2025–2027"]])
    assert (plan.action, plan.reasons) == ("refused", ["The e-mail address is missing."])


def test_row_without_cohort_and_without_default_is_refused(cohort):
    plan = only_plan([row(cohort="")])
    assert plan.reasons == ["No cohort: the row names none and no default cohort is set."]


def test_every_problem_of_a_row_is_listed(cohort):
    plan = only_plan([["abc", "", "", "", "nope", "onbekend"]])
    assert plan.action == "refused"
    assert plan.reasons == [
        "Malformed student number “abc”.",
        "Invalid e-mail address “nope”.",
        "The given name is missing.",
        "The family name is missing.",
        "Unknown cohort “onbekend”.",
    ]


def test_student_number_twice_in_the_file_refuses_the_later_row(cohort):
    plans = plan_import(
        make_import([row(number="00123456"), row(number="00123456", given="Bram")])
    )
    assert [plan.action for plan in plans] == ["create", "refused"]
    assert plans[1].reasons == ["Student number 00123456 is also on row 2."]


def test_email_twice_in_the_file_with_another_number_refuses_the_later_row(cohort):
    plans = plan_import(
        make_import(
            [
                row(number="4020001", email="anna@example.org"),
                row(number="4020002", email="Anna@example.org", given="Bram"),
            ]
        )
    )
    assert [plan.action for plan in plans] == ["create", "refused"]
    assert plans[1].reasons == [
        "E-mail address anna@example.org is also on row 2, with another student number."
    ]


def test_student_number_of_another_cohort_is_refused(cohort, other_cohort):
    EnrolmentFactory(
        cohort=other_cohort,
        student_number="4020001",
        student__given_name="Bram",
        student__family_name="Bakker",
    )
    plan = only_plan([row()])
    assert plan.reasons == ["Student number 4020001 belongs to Bram Bakker in cohort 2026–2028."]


def test_email_of_another_person_than_the_numbers_owner_is_refused(cohort):
    EnrolmentFactory(cohort=cohort, student_number="4020001", student__email="anna@example.org")
    StudentFactory(email="bram@example.org", given_name="Bram", family_name="Bakker")
    plan = only_plan([row(email="bram@example.org")])
    assert plan.reasons == [
        "E-mail address bram@example.org belongs to another person, Bram Bakker."
    ]


def test_person_already_in_the_cohort_under_another_number_is_refused(cohort):
    EnrolmentFactory(
        cohort=cohort,
        student_number="4020555",
        student__email="anna@example.org",
        student__given_name="Anna",
        student__family_name="Jansen",
    )
    plan = only_plan([row(number="4020001")])
    assert plan.reasons == [
        "Anna Jansen is already in cohort 2025–2027 with student number 4020555."
    ]


def test_two_rows_about_the_same_existing_person_refuse_the_later_one(cohort, other_cohort):
    anna = EnrolmentFactory(
        cohort=cohort,
        student_number="4020001",
        student__email="anna@example.org",
        student__given_name="Anna",
        student__family_name="Jansen",
    ).student
    plans = plan_import(
        make_import(
            [
                row(number="4020001", email="anna.new@example.org"),
                row(number="4020002", email="anna@example.org", cohort="2026–2028"),
            ]
        )
    )
    assert [plan.action for plan in plans] == ["update", "refused"]
    assert plans[1].reasons == [f"Row 2 is about the same person, {anna}."]


@pytest.mark.parametrize(
    ("family_name", "prefix", "family"),
    [
        ("van der Meer", "van der", "Meer"),
        ("van Dijk", "van", "Dijk"),
        ("de Vries", "de", "Vries"),
        ("in 't Veld", "in 't", "Veld"),
        ("ter Horst", "ter", "Horst"),
        ("Van Dijk", "", "Van Dijk"),
        ("Vandermeer", "", "Vandermeer"),
        ("de", "", "de"),
    ],
)
def test_prefix_is_split_from_the_family_name(cohort, family_name, prefix, family):
    plan = only_plan([row(family=family_name)])
    assert (plan.values["name_prefix"], plan.values["family_name"]) == (prefix, family)
    assert bool(plan.notes) == bool(prefix)
    if prefix:
        assert plan.notes == [f"Prefix “{prefix}” split from the family name."]


def test_prefix_given_in_its_own_column_is_kept_as_is(cohort):
    plan = only_plan([row(prefix="van", family="den Berg")])
    assert (plan.values["name_prefix"], plan.values["family_name"]) == ("van", "den Berg")
    assert plan.notes == []


def test_planning_changes_nothing_and_takes_a_fixed_number_of_queries(
    cohort, django_assert_max_num_queries
):
    EnrolmentFactory(cohort=cohort, student_number="4020001", student__email="a0@example.org")
    before = snapshot()
    for size in (3, 30):
        student_import = make_import(
            [row(number=f"40200{n:02d}", email=f"a{n}@example.org") for n in range(size)]
        )
        with django_assert_max_num_queries(4):
            plans = plan_import(student_import)
        assert len(plans) == size
    assert snapshot() == before


# --- applying -------------------------------------------------------------------------------


def osiris_rows():
    return [
        row(number="00123456", given="Anna", family="van der Meer", email="anna@example.org"),
        row(number="00123457", given="Bram", family="Bakker", email="bram@example.org"),
        row(
            number="00123458", given="Cees", prefix="de", family="Zwart", email="cees@example.org"
        ),
        row(number="bad", given="Dirk", family="Dekker", email="dirk@example.org"),
    ]


def test_apply_creates_accounts_enrolments_history_and_invites_after_commit(
    cohort, admin, mailoutbox, django_capture_on_commit_callbacks
):
    student_import = make_import(osiris_rows(), by=admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = apply_import(student_import=student_import, by=admin)
        assert mailoutbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()

    assert counts == {"create": 3, "enrol": 0, "update": 0, "unchanged": 0, "refused": 1}
    assert sorted(message.to[0] for message in mailoutbox) == [
        "anna@example.org",
        "bram@example.org",
        "cees@example.org",
    ]
    anna = User.objects.get(email="anna@example.org")
    assert (anna.given_name, anna.name_prefix, anna.family_name) == ("Anna", "van der", "Meer")
    assert anna.is_student and not anna.is_lecturer
    enrolment = Enrolment.objects.get(student=anna)
    assert (enrolment.cohort, enrolment.student_number) == (cohort, "00123456")
    assert (enrolment.status, enrolment.enrolled_on) == ("active", cohort.start_date)
    [change] = enrolment.history.all()
    assert (change.from_status, change.to_status, change.changed_by) == ("", "active", admin)
    assert change.effective_on == cohort.start_date
    assert change.reason == "Imported from osiris.csv"
    assert not User.objects.filter(email="dirk@example.org").exists()

    student_import.refresh_from_db()
    assert student_import.status == StudentImport.Status.APPLIED
    assert student_import.applied_at is not None
    assert student_import.summary == counts


def test_created_students_sort_on_their_family_name(cohort, admin):
    apply_import(student_import=make_import(osiris_rows()), by=admin)
    names = [user.sort_name for user in User.objects.filter(is_student=True).by_family_name()]
    assert names == ["Bakker, Bram", "Meer, Anna van der", "Zwart, Cees de"]


def test_reimporting_the_same_file_changes_nothing(
    cohort, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(student_import=make_import(osiris_rows()), by=admin)
    before, sent = snapshot(), len(mailoutbox)

    again = make_import(osiris_rows())
    assert [plan.action for plan in plan_import(again)] == ["unchanged"] * 3 + ["refused"]
    with django_capture_on_commit_callbacks(execute=True):
        counts = apply_import(student_import=again, by=admin)

    assert counts == {"create": 0, "enrol": 0, "update": 0, "unchanged": 3, "refused": 1}
    assert snapshot() == before
    assert len(mailoutbox) == sent


def test_update_changes_names_and_the_login_address_without_inviting(
    cohort, admin, mailoutbox, django_capture_on_commit_callbacks
):
    anna = EnrolmentFactory(
        cohort=cohort,
        student_number="4020001",
        student__email="anna.old@example.org",
        student__given_name="Ann",
        student__family_name="Meer",
    ).student
    with django_capture_on_commit_callbacks(execute=True):
        counts = apply_import(
            student_import=make_import([row(family="van der Meer", email="anna@example.org")]),
            by=admin,
        )
    assert counts["update"] == 1
    anna.refresh_from_db()
    assert (anna.email, anna.given_name, anna.name_prefix, anna.family_name) == (
        "anna@example.org",
        "Anna",
        "van der",
        "Meer",
    )
    assert list(EmailAddress.objects.filter(user=anna).values_list("email", "primary")) == [
        ("anna@example.org", True)
    ]
    assert Enrolment.objects.filter(student=anna).count() == 1
    assert mailoutbox == []


def test_enrolling_an_existing_account_adds_the_student_role_without_inviting(
    cohort, admin, mailoutbox, django_capture_on_commit_callbacks
):
    lecturer = LecturerFactory(email="anna@example.org", given_name="Anna", family_name="Jansen")
    with django_capture_on_commit_callbacks(execute=True):
        counts = apply_import(student_import=make_import([row()]), by=admin)
    assert counts["enrol"] == 1
    lecturer.refresh_from_db()
    assert lecturer.is_student and lecturer.is_lecturer
    enrolment = Enrolment.objects.get(student=lecturer)
    assert (enrolment.cohort, enrolment.student_number) == (cohort, "4020001")
    assert enrolment.history.count() == 1
    assert mailoutbox == []


def test_an_error_half_way_writes_nothing_and_sends_nothing(
    cohort, admin, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    real_create_account = importing.create_account
    calls = []

    def fail_on_the_second_account(**kwargs):
        calls.append(kwargs["email"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_create_account(**kwargs)

    monkeypatch.setattr(importing, "create_account", fail_on_the_second_account)
    student_import = make_import(osiris_rows())
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        apply_import(student_import=student_import, by=admin)

    assert calls == ["anna@example.org", "bram@example.org"]
    assert snapshot() == before
    student_import.refresh_from_db()
    assert student_import.status == StudentImport.Status.UPLOADED
    assert mailoutbox == []


def test_an_import_is_applied_once(cohort, admin):
    student_import = make_import(osiris_rows())
    apply_import(student_import=student_import, by=admin)
    before = snapshot()
    with pytest.raises(ValidationError, match="already been applied"):
        apply_import(student_import=StudentImport.objects.get(pk=student_import.pk), by=admin)
    assert snapshot() == before


def test_a_whole_csv_file_round_trip(
    cohort, admin, mailoutbox, django_capture_on_commit_callbacks
):
    raw = (
        "\ufeffStudentnummer;Roepnaam;Voorvoegsels;Achternaam;E-mailadres;Cohort\r\n"
        "00123456;Anna;;van der Meer;Anna@Example.org;2025-2027\r\n"
    ).encode()
    headers, rows = read_table("osiris.csv", raw)
    student_import = StudentImport.objects.create(
        filename="osiris.csv", headers=headers, rows=rows, columns=guess_columns(headers)
    )
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(student_import=student_import, by=admin)
    enrolment = Enrolment.objects.select_related("student").get(student_number="00123456")
    assert enrolment.cohort == cohort
    assert enrolment.student.email == "anna@example.org"
    assert enrolment.student.sort_name == "Meer, Anna van der"
    assert [message.to for message in mailoutbox] == [["anna@example.org"]]


# --- profiles -------------------------------------------------------------------------------


def test_save_profile_creates_then_updates_by_name(admin):
    first = save_profile(name="OSIRIS", columns=guess_columns(HEADERS), by=admin)
    assert first.columns["student_number"] == "Studentnummer"
    assert first.created_by == admin

    other = ProgrammeAdminFactory()
    second = save_profile(
        name="OSIRIS",
        columns={"student_number": "studentnr", "email": "Email", "unknown": "x", "cohort": ""},
        by=other,
    )
    assert second.pk == first.pk
    assert second.columns == {"student_number": "studentnr", "email": "Email"}
    assert second.created_by == admin
    assert ImportProfile.objects.count() == 1
