"""Evidence through the pages: creating with claims and files, the list with its filters,
downloads, deleting, and who may see and change what."""

import hashlib
import json

import pytest
from django.db import transaction
from django.urls import reverse

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.models import (
    Evidence,
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
)
from tests.competencies.evidence_helpers import (  # noqa: F401 (fixtures)
    PDF,
    PNG,
    activity_fixture,
    assigned_lecturer_fixture,
    bulk_evidence,
    competencies_fixture,
    enrolment_fixture,
    levels_fixture,
    make_evidence,
    private_media_fixture,
    upload,
)
from tests.factories import EnrolmentFactory, LecturerFactory, SupervisorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

HTMX = {"HTTP_HX_REQUEST": "true"}


def _form_data(competencies, **overrides):
    data = {
        "title": "Verslag van de heidag",
        "kind": Evidence.Kind.DOCUMENT,
        "url": "",
        "text": "",
        "claims-TOTAL_FORMS": "3",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "50",
        "claims-0-competency": str(competencies[0].uuid),
        "claims-0-level": "3",
        "claims-0-justification": "Ik begeleidde de dialoog tussen de afdelingen.",
        "claims-1-competency": "",
        "claims-1-level": "",
        "claims-1-justification": "",
        "claims-2-competency": "",
        "claims-2-level": "",
        "claims-2-justification": "",
    }
    data.update(overrides)
    return data


# --- creating and changing ------------------------------------------------------------------


def test_student_adds_evidence_with_a_file_claims_and_activities(
    client, student, enrolment, competencies, activity, private_media
):
    client.force_login(student)
    assert client.get(reverse("competencies:evidence_create")).status_code == 200
    data = _form_data(
        competencies,
        upload=upload(PDF, "../../Verslag\u202e heidag.pdf", content_type="text/html"),
        activities=[str(activity.uuid)],
        **{
            "claims-1-competency": str(competencies[1].uuid),
            "claims-1-level": "2",
            "claims-1-justification": "Ik gaf advies over de leeromgeving.",
        },
    )
    response = client.post(reverse("competencies:evidence_create"), data)
    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("competencies:evidence_detail", args=[evidence.uuid])
    assert evidence.enrolment == enrolment
    assert evidence.original_name == "Verslag heidag.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    # Stored under a generated name, in the private storage only.
    assert evidence.file.name.startswith(f"evidence/{enrolment.pk}/")
    assert "Verslag" not in evidence.file.name and "." not in evidence.file.name.rsplit("/", 1)[1]
    assert (private_media / evidence.file.name).read_bytes() == PDF
    assert {(c.competency.code, c.level.rank) for c in evidence.claims.all()} == {
        ("IC1", 3),
        ("IC2", 2),
    }
    assert list(evidence.activities.all()) == [activity]
    edit = client.get(reverse("competencies:evidence_edit", args=[evidence.uuid]))
    assert [str(v) for v in edit.context["form"]["activities"].value()] == [str(activity.uuid)]


def test_a_text_alone_is_enough_for_a_reflection(client, student, enrolment, competencies):
    client.force_login(student)
    data = _form_data(
        competencies, kind=Evidence.Kind.REFLECTION, text="## Wat ik leerde\n\nVeel."
    )
    assert client.post(reverse("competencies:evidence_create"), data).status_code == 302
    evidence = Evidence.objects.get()
    html = client.get(reverse("competencies:evidence_detail", args=[evidence.uuid])).content
    assert b"<h4>Wat ik leerde</h4>" in html


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": Evidence.Kind.REFLECTION}, None),  # no file, link or text
        ({"kind": Evidence.Kind.LINK, "text": "zie link"}, "url"),
        ({"url": "https://example.org/video", "upload": "PDF"}, "url"),  # both
        ({"kind": Evidence.Kind.DOCUMENT, "text": "alleen tekst"}, "upload"),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_the_evidence_itself_must_make_sense(
    client, student, enrolment, competencies, overrides, field
):
    client.force_login(student)
    if overrides.get("upload") == "PDF":
        overrides = {**overrides, "upload": upload()}
    response = client.post(
        reverse("competencies:evidence_create"), _form_data(competencies, **overrides)
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field or "__all__"]
    assert not Evidence.objects.exists()


def test_an_unsafe_file_is_refused_with_a_message(client, student, enrolment, competencies):
    client.force_login(student)
    data = _form_data(competencies, upload=upload(PNG + b"<script>x</script>", "foto.png"))
    response = client.post(reverse("competencies:evidence_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["upload"]
    assert not Evidence.objects.exists()


def test_claims_need_at_least_one_and_no_competency_twice(
    client, student, enrolment, competencies
):
    client.force_login(student)
    data = _form_data(competencies, text="t", **{"claims-0-competency": ""})
    data.update({"claims-0-level": "", "claims-0-justification": ""})
    response = client.post(reverse("competencies:evidence_create"), data)
    assert response.status_code == 400
    assert response.context["claims"].non_form_errors()

    data = _form_data(
        competencies,
        text="t",
        **{
            "claims-1-competency": str(competencies[0].uuid),
            "claims-1-level": "1",
            "claims-1-justification": "nog eens",
        },
    )
    response = client.post(reverse("competencies:evidence_create"), data)
    assert response.status_code == 400
    assert response.context["claims"].forms[1].errors["competency"]
    assert not Evidence.objects.exists()


def test_competencies_of_another_framework_cannot_be_claimed(
    client, student, enrolment, competencies, draft
):
    client.force_login(student)
    foreign = draft.framework.competencies.first()
    data = _form_data(competencies, text="t", **{"claims-0-competency": str(foreign.uuid)})
    response = client.post(reverse("competencies:evidence_create"), data)
    assert response.status_code == 400
    assert response.context["claims"].forms[0].errors["competency"]


def test_activities_of_another_student_cannot_be_linked(
    client, student, student2, enrolment, competencies, activity
):
    client.force_login(student2)
    data = _form_data(competencies, text="t", activities=[str(activity.uuid)])
    response = client.post(reverse("competencies:evidence_create"), data)
    assert response.status_code == 400
    assert response.context["form"].errors["activities"]


def test_replacing_a_file_keeps_the_old_one(
    client, student, enrolment, competencies, levels, private_media
):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    old_name, old_hash = evidence.file.name, evidence.sha256
    client.force_login(student)
    url = reverse("competencies:evidence_edit", args=[evidence.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["claims"].initial_form_count() == 1
    data = _form_data(
        competencies,
        title="Nieuwe versie",
        upload=upload(PNG, "bord.png"),
        **{"claims-INITIAL_FORMS": "1"},
    )
    assert client.post(url, data).status_code == 302
    evidence.refresh_from_db()
    assert evidence.file.name != old_name
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest() != old_hash
    assert evidence.original_name == "bord.png"
    # The old file stays: a submitted snapshot may refer to it.
    assert (private_media / old_name).read_bytes() == PDF
    assert (private_media / evidence.file.name).read_bytes() == PNG


def test_removing_a_file_for_a_link_keeps_the_stored_file(
    client, student, enrolment, competencies, levels, private_media
):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    name = evidence.file.name
    client.force_login(student)
    data = _form_data(
        competencies,
        kind=Evidence.Kind.RECORDING,
        url="https://video.example.org/sessie",
        remove_file="on",
        **{"claims-INITIAL_FORMS": "1"},
    )
    response = client.post(reverse("competencies:evidence_edit", args=[evidence.uuid]), data)
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert not evidence.file and evidence.original_name == "" and evidence.sha256 == ""
    assert evidence.url == "https://video.example.org/sessie"
    assert (private_media / name).exists()


def test_claims_can_be_removed_and_changed(client, student, enrolment, competencies, levels):
    evidence = make_evidence(enrolment, competencies, levels)
    client.force_login(student)
    data = _form_data(
        competencies,
        kind=Evidence.Kind.OBSERVATION,
        text="tekst",
        **{
            "claims-INITIAL_FORMS": "1",
            "claims-0-DELETE": "on",
            "claims-1-competency": str(competencies[2].uuid),
            "claims-1-level": "4",
            "claims-1-justification": "anders",
        },
    )
    url = reverse("competencies:evidence_edit", args=[evidence.uuid])
    assert client.post(url, data).status_code == 302
    assert [(c.competency.code, c.level.rank) for c in evidence.claims.all()] == [("IC3", 4)]


# --- reading --------------------------------------------------------------------------------


def test_detail_shows_claims_activities_and_portfolios(
    client, student, enrolment, competencies, levels, version, activity
):
    evidence = make_evidence(enrolment, competencies, levels, text="**Vet** <script>x</script>")
    evidence.activities.add(activity)
    portfolio = Portfolio.objects.create(
        enrolment=enrolment, review_moment=version.review_moments.get(code="year-1-review")
    )
    entry = PortfolioEntry.objects.create(portfolio=portfolio, competency=competencies[0])
    entry.evidence.add(evidence)
    client.force_login(student)
    response = client.get(reverse("competencies:evidence_detail", args=[evidence.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Vet</strong>" in html and "<script>x" not in html
    assert [c.competency.code for c in response.context["claims"]] == ["IC1"]
    assert list(response.context["activities"]) == [activity]
    assert list(response.context["entries"]) == [entry]
    assert response.context["is_owner"]


def test_the_list_filters_by_kind_competency_and_text(
    client, student, enrolment, competencies, levels
):
    reflection = make_evidence(
        enrolment, competencies, levels, title="Reflectie op intervisie", kind="reflection"
    )
    link = make_evidence(
        enrolment,
        competencies,
        levels,
        title="Video van de sessie",
        kind="link",
        url="https://example.org/v",
        text="",
    )
    link.claims.update(competency=competencies[1])
    client.force_login(student)
    url = reverse("competencies:evidence_list")

    def titles(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [e.title for e in response.context["page"]]

    assert titles() == [link.title, reflection.title]
    assert titles(kind="reflection") == [reflection.title]
    assert titles(competency=str(competencies[1].uuid)) == [link.title]
    assert titles(q="intervisie") == [reflection.title]
    assert titles(q="video sessie") == [link.title]


def test_the_list_answers_htmx_with_the_results_only(client, student, enrolment):
    client.force_login(student)
    response = client.get(
        reverse("competencies:evidence_list"),
        {"kind": "link"},
        HTTP_HX_TARGET="evidence-list",
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="evidence-list">')
    assert "<html" not in html


def test_the_list_is_paginated(client, student, enrolment, competencies, levels):
    bulk_evidence(enrolment, competencies, levels, 30)
    client.force_login(student)
    response = client.get(reverse("competencies:evidence_list"), {"page": 2, "kind": "reflection"})
    assert len(response.context["page"]) == 5
    assert response.context["query"] == "kind=reflection"


@pytest.mark.parametrize("size", [10, 1000])
def test_evidence_list_query_count_does_not_grow(
    client, student, enrolment, competencies, levels, size, django_assert_num_queries
):
    bulk_evidence(enrolment, competencies, levels, size)
    client.force_login(student)
    client.get(reverse("competencies:evidence_list"))  # warm the session
    # session, user, enrolment, count, competencies (filter choices, through the cohort's
    # curriculum version id), the page of evidence, their claims
    with django_assert_num_queries(7):
        response = client.get(reverse("competencies:evidence_list"))
    assert len(response.context["page"]) == min(size, 25)


@pytest.mark.parametrize("size", [10, 1000])
def test_staff_evidence_list_query_count_does_not_grow(
    client, enrolment, competencies, levels, assigned_lecturer, size, django_assert_num_queries
):
    bulk_evidence(enrolment, competencies, levels, size)
    client.force_login(assigned_lecturer)
    url = reverse("competencies:evidence_student_list", args=[enrolment.uuid])
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url, {"kind": "reflection"})
    assert response.context["page"].paginator.count == size


# --- downloads ------------------------------------------------------------------------------


def test_download_is_an_attachment_with_safe_headers(
    client, student, enrolment, competencies, levels
):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    Evidence.objects.filter(pk=evidence.pk).update(original_name="Verslag één.pdf")
    client.force_login(student)
    response = client.get(reverse("competencies:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''Verslag%20%C3%A9%C3%A9n.pdf" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_evidence_without_a_file_has_no_download(client, student, enrolment, competencies, levels):
    evidence = make_evidence(enrolment, competencies, levels)
    client.force_login(student)
    response = client.get(reverse("competencies:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 404


def test_files_are_not_served_under_a_media_url(client, student, enrolment, competencies, levels):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    client.force_login(student)
    for url in (
        f"/media/{evidence.file.name}",
        f"/media/private/{evidence.file.name}",
        f"/{evidence.file.name}",
    ):
        assert client.get(url).status_code == 404
    html = client.get(reverse("competencies:evidence_detail", args=[evidence.uuid])).content
    assert evidence.file.name.encode() not in html
    assert b"/media/" not in html


# --- deleting -------------------------------------------------------------------------------


def test_student_deletes_unused_evidence_and_its_file(
    client,
    student,
    enrolment,
    competencies,
    levels,
    private_media,
    django_capture_on_commit_callbacks,
):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    path = private_media / evidence.file.name
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("competencies:evidence_delete", args=[evidence.uuid]))
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert not path.exists()


def test_a_file_a_snapshot_refers_to_is_kept_when_its_evidence_goes(
    client,
    student,
    enrolment,
    competencies,
    levels,
    version,
    private_media,
    django_capture_on_commit_callbacks,
):
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    portfolio = Portfolio.objects.create(
        enrolment=enrolment, review_moment=version.review_moments.get(code="year-1-review")
    )
    data = {"evidence": [{"file": evidence.file.name, "sha256": evidence.sha256}]}
    PortfolioSnapshot.objects.create(
        portfolio=portfolio,
        number=1,
        data=data,
        sha256=hashlib.sha256(json.dumps(data).encode()).hexdigest(),
        submitted_at="2026-06-01T12:00:00Z",
        submitted_by=student,
    )
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("competencies:evidence_delete", args=[evidence.uuid]))
    assert not Evidence.objects.exists()
    assert (private_media / evidence.file.name).exists()


def test_evidence_in_a_portfolio_cannot_be_deleted(
    client, student, enrolment, competencies, levels, version
):
    evidence = make_evidence(enrolment, competencies, levels)
    portfolio = Portfolio.objects.create(
        enrolment=enrolment, review_moment=version.review_moments.get(code="year-1-review")
    )
    PortfolioEntry.objects.create(portfolio=portfolio, competency=competencies[0]).evidence.add(
        evidence
    )
    client.force_login(student)
    response = client.post(
        reverse("competencies:evidence_delete", args=[evidence.uuid]), follow=True
    )
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# --- who sees what --------------------------------------------------------------------------

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT = 200, "login", 403, 404, 302
ROLES = (
    "anonymous",
    "student",
    "classmate",
    "other_student",
    "lecturer",
    "other_lecturer",
    "supervisor",
    "other_supervisor",
    "admin",
)
STAFF_READS = (LOGIN, OK, MISSING, MISSING, OK, MISSING, OK, MISSING, OK)
OWNER_WRITES = (LOGIN, OK, MISSING, MISSING, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN)
OWN_PAGE = (LOGIN, OK, OK, OK, MISSING, MISSING, MISSING, MISSING, MISSING)

# url name → (method, expected answer per role, in the order of ROLES)
EXPECTATIONS = {
    "evidence_list": ("get", OWN_PAGE),
    "evidence_create": ("get", OWN_PAGE),
    "evidence_student_list": ("get", STAFF_READS),
    "evidence_detail": ("get", STAFF_READS),
    "evidence_download": ("get", STAFF_READS),
    "evidence_edit": ("get", OWNER_WRITES),
    "evidence_delete": ("post", tuple(REDIRECT if a == OK else a for a in OWNER_WRITES)),
    "feedback_list": ("get", OWN_PAGE),
    "feedback_create": ("get", OWN_PAGE),
    "feedback_student_list": ("get", STAFF_READS),
    # Without a fresh link in the session the owner is sent to the list.
    "feedback_created": ("get", tuple(REDIRECT if a == OK else a for a in OWNER_WRITES)),
    "feedback_revoke": ("post", tuple(REDIRECT if a == OK else a for a in OWNER_WRITES)),
    # The public page: anyone with the link, with or without an account.
    "feedback_answer": ("get", (OK,) * len(ROLES)),
}


@pytest.fixture
def matrix(
    cohort,
    other_cohort,
    student,
    student2,
    enrolment,
    competencies,
    levels,
    lecturer,
    supervisor,
    programme_admin,
):
    from competencies.services.evidence import create_feedback_request

    other_enrolment = EnrolmentFactory(cohort=other_cohort)
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    other_lecturer = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=other_lecturer)
    SupervisorAssignment.objects.create(enrolment=enrolment, supervisor=supervisor)
    other_supervisor = SupervisorFactory()
    SupervisorAssignment.objects.create(enrolment=other_enrolment, supervisor=other_supervisor)
    evidence = make_evidence(enrolment, competencies, levels, file=PDF)
    feedback_request, token = create_feedback_request(
        enrolment=enrolment,
        recipient_label="coachee C-07",
        relation="client",
        questions="Wat hielp?",
        by=student,
    )
    people = {
        "anonymous": None,
        "student": student,
        "classmate": student2,
        "other_student": other_enrolment.student,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": programme_admin,
    }
    args = {
        "evidence_student_list": [enrolment.uuid],
        "evidence_detail": [evidence.uuid],
        "evidence_download": [evidence.uuid],
        "evidence_edit": [evidence.uuid],
        "evidence_delete": [evidence.uuid],
        "feedback_student_list": [enrolment.uuid],
        "feedback_created": [feedback_request.uuid],
        "feedback_revoke": [feedback_request.uuid],
        "feedback_answer": [token],
    }
    return people, args


def test_every_evidence_url_has_an_expectation():
    from competencies.views.evidence import urlpatterns

    assert {pattern.name for pattern in urlpatterns} == set(EXPECTATIONS)


@pytest.mark.parametrize("name", EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name, subtests):
    people, args = matrix
    method, answers = EXPECTATIONS[name]
    url = reverse(f"competencies:{name}", args=args.get(name, []))
    for role, expected in zip(ROLES, answers, strict=True):
        with subtests.test(role=role):
            client.logout()
            if people[role] is not None:
                client.force_login(people[role])
            with transaction.atomic():
                response = getattr(client, method)(url)
                transaction.set_rollback(True)
            if expected == LOGIN:
                assert response.status_code == 302
                assert reverse("account_login") in response["Location"]
            else:
                assert response.status_code == expected, (name, role)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("evidence_delete", "get"),
        ("evidence_download", "post"),
        ("evidence_detail", "post"),
        ("feedback_revoke", "get"),
        ("evidence_student_list", "post"),
    ],
)
def test_wrong_method_is_refused(client, matrix, name, method):
    people, args = matrix
    client.force_login(people["student"])
    response = getattr(client, method)(reverse(f"competencies:{name}", args=args[name]))
    assert response.status_code == 405


def test_staff_see_no_edit_controls(client, matrix):
    people, args = matrix
    client.force_login(people["lecturer"])
    response = client.get(reverse("competencies:evidence_detail", args=args["evidence_detail"]))
    assert not response.context["is_owner"]
    assert reverse("competencies:evidence_edit", args=args["evidence_edit"]) not in (
        response.content.decode()
    )
