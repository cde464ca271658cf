"""Portfolio pages: the review moments, editing per competency (htmx and plain forms),
submitting, withdrawing, snapshots and their files, who may do what, and query counts."""

import hashlib
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils.translation import override

from cohorts.models import LecturerAssignment, SupervisorAssignment
from competencies.models import (
    Evidence,
    EvidenceClaim,
    Portfolio,
    PortfolioSnapshot,
)
from competencies.services import portfolio as services
from tests.competencies.portfolio_helpers import (
    complete,
    entry,
    make_evidence,
    start,
)
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    LecturerFactory,
    SupervisorFactory,
    make_programme,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4 het verslag"


@pytest.fixture
def moment(version):
    return version.review_moments.get(code="year-1-review")


@pytest.fixture
def portfolio(enrolment, moment):
    return start(enrolment, moment)


@pytest.fixture
def submitted(portfolio):
    complete(portfolio, content=PDF)
    services.submit_portfolio(portfolio=portfolio, by=portfolio.enrolment.student)
    portfolio.refresh_from_db()
    return portfolio


def url(name, *args):
    return reverse(f"competencies:{name}", args=args)


def entry_data(entry_obj, *, level=None, argument="", evidence=()):
    prefix = f"entry{entry_obj.pk}"
    data = {f"{prefix}-argument": argument, f"{prefix}-evidence": [str(e.uuid) for e in evidence]}
    if level is not None:
        data[f"{prefix}-self_level"] = str(level.pk)
    return data


# --- the review moments ----------------------------------------------------------------------


def test_student_sees_each_review_moment_with_status_and_due_date(client, enrolment, moment):
    client.force_login(enrolment.student)
    response = client.get(url("portfolios"))
    assert response.status_code == 200
    statuses = response.context["statuses"]
    assert [(s.moment.code, s.state) for s in statuses] == [
        ("year-1-review", "not_started"),
        ("final-portfolio", "not_started"),
    ]
    assert statuses[0].due_date == moment.due_date(enrolment.cohort.start_date)
    assert url("portfolio_start", moment.uuid) in response.content.decode()


def test_starting_a_moment_creates_the_portfolio_and_opens_it(client, enrolment, moment):
    client.force_login(enrolment.student)
    response = client.post(url("portfolio_start", moment.uuid))
    portfolio = Portfolio.objects.get(enrolment=enrolment, review_moment=moment)
    assert response.status_code == 302
    assert response["Location"] == url("portfolio", portfolio.uuid)
    assert portfolio.entries.count() == 3
    client.post(url("portfolio_start", moment.uuid))
    assert Portfolio.objects.count() == 1


def test_a_moment_of_another_curriculum_cannot_be_started(client, enrolment):
    foreign = make_programme(competencies=1, name="2031").review_moments.first()
    client.force_login(enrolment.student)
    assert client.post(url("portfolio_start", foreign.uuid)).status_code == 404
    assert not Portfolio.objects.exists()


def test_staff_see_the_students_moments_read_only(client, enrolment, submitted, lecturer, cohort):
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    client.force_login(lecturer)
    response = client.get(url("portfolios_of_student", enrolment.uuid))
    assert response.status_code == 200
    assert not response.context["is_owner"]
    first = response.context["statuses"][0]
    assert (first.state, first.submitted_at) == ("submitted", submitted.submitted_at)
    assert "portfolio_start" not in response.content.decode()
    assert url("portfolio", submitted.uuid) in response.content.decode()


# --- the portfolio page ----------------------------------------------------------------------


def test_the_page_shows_each_required_competency_in_framework_order(client, portfolio):
    evidence = make_evidence(
        portfolio.enrolment,
        title="Coachverslag",
        claims=[(entry(portfolio, "IC2").competency, _level(portfolio, 3), "Goed gedaan")],
    )
    client.force_login(portfolio.enrolment.student)
    response = client.get(url("portfolio", portfolio.uuid))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["competency"].code for row in rows] == ["IC1", "IC2", "IC3"]
    assert [row["target"].rank for row in rows] == [2, 2, 2]
    assert response.context["editable"]
    ic2 = rows[1]
    assert [claim.evidence for claim in ic2["claims"]] == [evidence]
    # The checkboxes offer the evidence claiming the competency; IC1 has none to offer.
    assert [value for value, _label in ic2["form"].fields["evidence"].choices] == [
        str(evidence.uuid)
    ]
    assert rows[0]["form"].fields["evidence"].choices == []
    html = response.content.decode()
    for code in ("IC1", "IC2", "IC3"):
        assert f'id="entry-{code}"' in html
    assert 'id="completeness"' in html
    assert (
        "disabled"
        in re.search(r"<button type=\"submit\"[^>]*>", html[html.index('id="completeness"') :])[0]
    )


def test_show_all_offers_every_evidence_of_the_student(client, portfolio):
    other = make_evidence(portfolio.enrolment, title="Zonder claim")
    ic1 = entry(portfolio, "IC1")
    client.force_login(portfolio.enrolment.student)
    response = client.get(url("portfolio", portfolio.uuid), {"all": str(ic1.competency.uuid)})
    first, second = response.context["rows"][:2]
    assert first["show_all"]
    assert [v for v, _l in first["form"].fields["evidence"].choices] == [str(other.uuid)]
    assert second["form"].fields["evidence"].choices == []
    # With htmx, the entry's section alone; without, the page at that section.
    entry_url = url("portfolio_entry", portfolio.uuid, ic1.competency.uuid)
    partial = client.get(entry_url, {"all": "1"}, **HTMX)
    assert partial.status_code == 200
    assert partial.content.decode().lstrip().startswith('<section id="entry-IC1"')
    assert str(other.uuid) in partial.content.decode()
    plain = client.get(entry_url, {"all": "1"})
    assert plain["Location"].endswith(f"?all={ic1.competency.uuid}#entry-IC1")


def test_saving_an_entry_without_javascript_redirects_to_it(client, portfolio):
    ic1 = entry(portfolio, "IC1")
    evidence = make_evidence(
        portfolio.enrolment, claims=[(ic1.competency, _level(portfolio, 2), "")]
    )
    client.force_login(portfolio.enrolment.student)
    response = client.post(
        url("portfolio_entry", portfolio.uuid, ic1.competency.uuid),
        entry_data(ic1, level=_level(portfolio, 3), argument="Omdat.", evidence=[evidence]),
    )
    assert response.status_code == 302
    assert response["Location"] == url("portfolio", portfolio.uuid) + "#entry-IC1"
    ic1.refresh_from_db()
    assert (ic1.self_level.rank, ic1.argument) == (3, "Omdat.")
    assert list(ic1.evidence.all()) == [evidence]


def test_saving_an_entry_with_htmx_returns_the_section_and_the_completeness_panel(
    client, portfolio
):
    ic1 = entry(portfolio, "IC1")
    client.force_login(portfolio.enrolment.student)
    before = len(services.completeness_problems(portfolio))
    response = client.post(
        url("portfolio_entry", portfolio.uuid, ic1.competency.uuid),
        entry_data(ic1, level=_level(portfolio, 2), argument="Omdat."),
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="entry-IC1"')
    assert re.search(r'<section id="completeness"[^>]*hx-swap-oob="true"', html)
    assert re.search(r'<section id="coverage"[^>]*hx-swap-oob="true"', html)
    assert len(response.context["problems"]) == before - 2


def test_save_and_show_all_keeps_what_was_typed(client, portfolio):
    ic1 = entry(portfolio, "IC1")
    make_evidence(portfolio.enrolment, title="Zonder claim")
    client.force_login(portfolio.enrolment.student)
    data = entry_data(ic1, argument="Half af") | {"show": "all"}
    response = client.post(url("portfolio_entry", portfolio.uuid, ic1.competency.uuid), data)
    assert response["Location"].endswith(f"?all={ic1.competency.uuid}#entry-IC1")
    ic1.refresh_from_db()
    assert ic1.argument == "Half af"
    response = client.post(
        url("portfolio_entry", portfolio.uuid, ic1.competency.uuid), data, **HTMX
    )
    assert response.context["row"]["show_all"]


def test_evidence_of_another_student_is_not_a_valid_choice(client, portfolio, student2):
    ic1 = entry(portfolio, "IC1")
    foreign = make_evidence(
        student2.enrolments.get(), claims=[(ic1.competency, _level(portfolio, 2), "")]
    )
    client.force_login(portfolio.enrolment.student)
    response = client.post(
        url("portfolio_entry", portfolio.uuid, ic1.competency.uuid),
        entry_data(ic1, evidence=[foreign]),
    )
    assert response.status_code == 400
    assert not ic1.evidence.exists()
    htmx = client.post(
        url("portfolio_entry", portfolio.uuid, ic1.competency.uuid),
        entry_data(ic1, evidence=[foreign]),
        **HTMX,
    )
    assert htmx.status_code == 200
    assert htmx.context["row"]["form"].errors


def test_saving_the_reflection_and_plan(client, portfolio):
    client.force_login(portfolio.enrolment.student)
    response = client.post(
        url("portfolio_overall", portfolio.uuid),
        {"overall_reflection": "Terug", "development_plan": "Vooruit"},
    )
    assert response["Location"] == url("portfolio", portfolio.uuid) + "#overall"
    portfolio.refresh_from_db()
    assert (portfolio.overall_reflection, portfolio.development_plan) == ("Terug", "Vooruit")
    htmx = client.post(
        url("portfolio_overall", portfolio.uuid),
        {"overall_reflection": "Terug 2", "development_plan": ""},
        **HTMX,
    )
    assert htmx.status_code == 200
    assert htmx.content.decode().lstrip().startswith('<section id="overall"')
    assert 'hx-swap-oob="true"' in htmx.content.decode()
    assert [p.kind for p in htmx.context["problems"]][-1] == "no_development_plan"


def test_submitting_with_problems_is_refused_with_the_reasons(client, portfolio):
    client.force_login(portfolio.enrolment.student)
    response = client.post(url("portfolio_submit", portfolio.uuid))
    assert response["Location"] == url("portfolio", portfolio.uuid) + "#completeness"
    assert len(list(get_messages(response.wsgi_request))) == 1
    assert not PortfolioSnapshot.objects.exists()
    page = client.get(response["Location"])
    assert len(page.context["problems"]) == len(services.completeness_problems(portfolio))


def test_submitting_a_complete_portfolio_shows_the_snapshot(client, portfolio):
    complete(portfolio, content=PDF)
    client.force_login(portfolio.enrolment.student)
    page = client.get(url("portfolio", portfolio.uuid))
    assert page.context["problems"] == []
    response = client.post(url("portfolio_submit", portfolio.uuid))
    snapshot = PortfolioSnapshot.objects.get()
    assert response["Location"] == url("portfolio_snapshot", snapshot.uuid)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED


def test_a_submitted_portfolio_is_read_only_for_its_student(client, submitted):
    client.force_login(submitted.enrolment.student)
    response = client.get(url("portfolio", submitted.uuid))
    assert not response.context["editable"]
    assert "form" not in response.context["rows"][0]
    assert response.context["overall_form"] is None
    html = response.content.decode()
    assert url("portfolio_withdraw", submitted.uuid) in html
    assert url("portfolio_snapshot", submitted.current_snapshot.uuid) in html
    ic1 = entry(submitted, "IC1")
    post = client.post(
        url("portfolio_entry", submitted.uuid, ic1.competency.uuid), entry_data(ic1)
    )
    assert post.status_code == 302
    ic1.refresh_from_db()
    assert ic1.argument == "Mijn argument voor IC1."
    post = client.post(
        url("portfolio_overall", submitted.uuid),
        {"overall_reflection": "", "development_plan": ""},
    )
    submitted.refresh_from_db()
    assert submitted.overall_reflection == "Terugblik."


def test_staff_read_the_portfolio_rendered_but_not_as_forms(client, portfolio, supervisor):
    complete(portfolio)
    services.save_overall(
        portfolio=portfolio,
        overall_reflection="**Vet** <script>alert(1)</script>",
        development_plan="Plan",
        by=portfolio.enrolment.student,
    )
    SupervisorAssignment.objects.create(enrolment=portfolio.enrolment, supervisor=supervisor)
    client.force_login(supervisor)
    response = client.get(url("portfolio", portfolio.uuid))
    assert response.status_code == 200
    assert not response.context["editable"]
    html = response.content.decode()
    assert "<strong>Vet</strong>" in html
    assert "<script>alert" not in html
    assert url("portfolio_submit", portfolio.uuid) not in html


# --- withdrawing -----------------------------------------------------------------------------


def test_withdrawing_through_the_page(client, submitted):
    snapshot = submitted.current_snapshot
    client.force_login(submitted.enrolment.student)
    response = client.post(url("portfolio_withdraw", submitted.uuid))
    assert response["Location"] == url("portfolio", submitted.uuid)
    submitted.refresh_from_db()
    assert submitted.status == Portfolio.Status.DRAFT
    page = client.get(url("portfolio", submitted.uuid))
    assert page.context["editable"]
    assert list(page.context["snapshots"]) == [snapshot]
    assert url("portfolio_snapshot", snapshot.uuid) in page.content.decode()


def test_withdrawing_after_assessment_started_is_refused(client, submitted):
    Portfolio.objects.filter(pk=submitted.pk).update(assessment_started_at="2026-07-02T10:00Z")
    client.force_login(submitted.enrolment.student)
    response = client.post(url("portfolio_withdraw", submitted.uuid))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Portfolio.Status.SUBMITTED
    page = client.get(url("portfolio", submitted.uuid))
    assert url("portfolio_withdraw", submitted.uuid) not in page.content.decode()


# --- snapshots -------------------------------------------------------------------------------


def test_the_snapshot_page_shows_only_what_was_submitted(client, submitted):
    snapshot = submitted.current_snapshot
    student = submitted.enrolment.student
    # Change everything live after submitting.
    evidence = entry(submitted, "IC1").evidence.get()
    Evidence.objects.filter(pk=evidence.pk).update(title="Later veranderd", text="Nieuw")
    EvidenceClaim.objects.filter(evidence=evidence).update(justification="Later")
    services.withdraw_submission(portfolio=submitted, by=student)
    services.save_entry(
        entry=entry(submitted, "IC1"), self_level=None, argument="Nieuw", evidence=[], by=student
    )
    services.save_overall(
        portfolio=submitted, overall_reflection="Nieuw", development_plan="Nieuw", by=student
    )
    client.force_login(student)
    response = client.get(url("portfolio_snapshot", snapshot.uuid))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bewijs IC1" in html
    assert "Mijn argument voor IC1." in html
    assert "Terugblik." in html
    assert "Zie verslag." in html
    assert "Later" not in html and "Nieuw" not in html
    assert snapshot.sha256 in html
    assert response.context["verified"]
    assert not response.context["is_current"]
    ic1 = response.context["data"]["competencies"][0]
    assert (ic1["target"]["rank"], ic1["self"]["rank"]) == (2, 2)


def test_the_snapshot_page_names_things_in_the_page_language(client, submitted):
    client.force_login(submitted.enrolment.student)
    snapshot = submitted.current_snapshot
    with override("en"):
        response = client.get(url("portfolio_snapshot", snapshot.uuid), HTTP_ACCEPT_LANGUAGE="en")
    data = response.context["data"]
    moment = submitted.review_moment
    assert data["moment_name"] in (moment.name_en, moment.name_nl)


def test_a_snapshot_file_is_served_as_a_download(client, submitted):
    snapshot = submitted.current_snapshot
    sha = hashlib.sha256(PDF).hexdigest()
    client.force_login(submitted.enrolment.student)
    page = client.get(url("portfolio_snapshot", snapshot.uuid))
    file_url = url("portfolio_snapshot_file", snapshot.uuid, sha)
    assert file_url in page.content.decode()
    response = client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert "verslag.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_snapshot_file_survives_replacing_the_evidence_file(client, submitted):
    evidence = entry(submitted, "IC1").evidence.get()
    storages["private"].delete(evidence.file.name)
    client.force_login(submitted.enrolment.student)
    sha = hashlib.sha256(PDF).hexdigest()
    response = client.get(url("portfolio_snapshot_file", submitted.current_snapshot.uuid, sha))
    assert response.status_code == 200


def test_only_hashes_in_the_snapshot_are_served(client, submitted):
    client.force_login(submitted.enrolment.student)
    other = hashlib.sha256(b"other").hexdigest()
    response = client.get(url("portfolio_snapshot_file", submitted.current_snapshot.uuid, other))
    assert response.status_code == 404


def test_a_changed_file_is_not_served(client, submitted):
    snapshot = submitted.current_snapshot
    sha = hashlib.sha256(PDF).hexdigest()
    name = snapshot.data["competencies"][0]["evidence"][0]["file"]["storage_name"]
    storages["private"].delete(name)
    storages["private"].save(name, ContentFile(b"tampered"))
    client.force_login(submitted.enrolment.student)
    response = client.get(url("portfolio_snapshot_file", snapshot.uuid, sha))
    assert response.status_code == 302
    assert response["Location"] == url("portfolio_snapshot", snapshot.uuid)
    assert list(get_messages(response.wsgi_request))


def test_a_tampered_snapshot_is_flagged(client, submitted):
    snapshot = submitted.current_snapshot
    client.force_login(submitted.enrolment.student)
    # The database refuses an UPDATE; simulate a copy restored with a wrong hash instead.
    from competencies.views import portfolio as views

    original = views.hash_data
    views.hash_data = lambda data: "0" * 64
    try:
        response = client.get(url("portfolio_snapshot", snapshot.uuid))
    finally:
        views.hash_data = original
    assert not response.context["verified"]


# --- who may do what -------------------------------------------------------------------------

OK, LOGIN, FORBIDDEN, MISSING, REDIRECT = 200, "login", 403, 404, 302
ROLES = (
    "anonymous",
    "student",
    "classmate",
    "stranger",
    "lecturer",
    "other_lecturer",
    "supervisor",
    "other_supervisor",
    "admin",
)
D = (MISSING, MISSING)  # classmate (same cohort) and stranger (another cohort)

# (url name, method, answer per role in the order of ROLES)
EXPECTATIONS = [
    # Each student's own list; staff have none of their own.
    ("portfolios", "get", (LOGIN, OK, OK, OK, MISSING, MISSING, MISSING, MISSING, MISSING)),
    ("portfolios_of_student", "get", (LOGIN, OK, *D, OK, MISSING, OK, MISSING, OK)),
    # A classmate starts their own portfolio of the same moment; others have no such moment.
    (
        "portfolio_start",
        "post",
        (LOGIN, REDIRECT, REDIRECT, MISSING, MISSING, MISSING, MISSING, MISSING, MISSING),
    ),
    ("portfolio", "get", (LOGIN, OK, *D, OK, MISSING, OK, MISSING, OK)),
    (
        "portfolio_entry",
        "get",
        (LOGIN, REDIRECT, *D, REDIRECT, MISSING, REDIRECT, MISSING, REDIRECT),
    ),
    (
        "portfolio_entry",
        "post",
        (LOGIN, REDIRECT, *D, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN),
    ),
    (
        "portfolio_overall",
        "post",
        (LOGIN, REDIRECT, *D, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN),
    ),
    (
        "portfolio_submit",
        "post",
        (LOGIN, REDIRECT, *D, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN),
    ),
    (
        "portfolio_withdraw",
        "post",
        (LOGIN, REDIRECT, *D, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN),
    ),
    ("portfolio_snapshot", "get", (LOGIN, OK, *D, OK, MISSING, OK, MISSING, OK)),
    ("portfolio_snapshot_file", "get", (LOGIN, OK, *D, OK, MISSING, OK, MISSING, OK)),
    # Asking a lecturer about a submitted portfolio: its student is sent back with a message.
    (
        "portfolio_feedback_ask",
        "get",
        (LOGIN, REDIRECT, *D, FORBIDDEN, MISSING, FORBIDDEN, MISSING, FORBIDDEN),
    ),
]
WRONG_METHODS = [
    ("portfolios", "post"),
    ("portfolios_of_student", "post"),
    ("portfolio_start", "get"),
    ("portfolio", "post"),
    ("portfolio_entry", "put"),
    ("portfolio_overall", "get"),
    ("portfolio_submit", "get"),
    ("portfolio_withdraw", "get"),
    ("portfolio_snapshot", "post"),
    ("portfolio_snapshot_file", "post"),
    ("portfolio_feedback_ask", "put"),
]


@pytest.fixture
def matrix(
    submitted, cohort, student, student2, lecturer, supervisor, programme_admin, other_cohort
):
    other_cohort.curriculum_version = make_programme(competencies=1, name="2026")
    other_cohort.save()
    stranger = EnrolmentFactory(cohort=other_cohort).student
    LecturerAssignment.objects.create(cohort=cohort, lecturer=lecturer)
    other_lecturer = LecturerFactory()
    LecturerAssignment.objects.create(cohort=other_cohort, lecturer=other_lecturer)
    SupervisorAssignment.objects.create(enrolment=submitted.enrolment, supervisor=supervisor)
    other_supervisor = SupervisorFactory()
    SupervisorAssignment.objects.create(
        enrolment=student2.enrolments.get(), supervisor=other_supervisor
    )
    people = {
        "anonymous": None,
        "student": student,
        "classmate": student2,
        "stranger": stranger,
        "lecturer": lecturer,
        "other_lecturer": other_lecturer,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "admin": programme_admin,
    }
    snapshot = submitted.current_snapshot
    competency = entry(submitted, "IC1").competency
    args = {
        "portfolios_of_student": [submitted.enrolment.uuid],
        "portfolio_start": [submitted.review_moment.uuid],
        "portfolio": [submitted.uuid],
        "portfolio_entry": [submitted.uuid, competency.uuid],
        "portfolio_overall": [submitted.uuid],
        "portfolio_submit": [submitted.uuid],
        "portfolio_withdraw": [submitted.uuid],
        "portfolio_feedback_ask": [submitted.uuid],
        "portfolio_snapshot": [snapshot.uuid],
        "portfolio_snapshot_file": [snapshot.uuid, hashlib.sha256(PDF).hexdigest()],
    }
    return people, args


def test_every_portfolio_url_has_an_expectation():
    names = {
        pattern.name
        for pattern in get_resolver().url_patterns
        if getattr(pattern, "namespace", None) == "competencies"
        for pattern in pattern.url_patterns
        if (pattern.name or "").startswith("portfolio")
    }
    assert names == {name for name, _method, _answers in EXPECTATIONS}
    assert names == {name for name, _method in WRONG_METHODS}


@pytest.mark.parametrize(("name", "method", "answers"), EXPECTATIONS)
def test_each_role_gets_the_expected_answer(client, matrix, name, method, answers, subtests):
    people, args = matrix
    target = url(name, *args.get(name, []))
    for role, expected in zip(ROLES, answers, strict=True):
        with subtests.test(role=role):
            client.logout()
            if people[role] is not None:
                client.force_login(people[role])
            # Each request's writes are undone, so every role meets the same data.
            with transaction.atomic():
                response = getattr(client, method)(target)
                transaction.set_rollback(True)
            if expected == LOGIN:
                assert response.status_code == 302
                assert reverse("account_login") in response["Location"]
            else:
                assert response.status_code == expected, (name, role)


@pytest.mark.parametrize(("name", "method"), WRONG_METHODS)
def test_the_wrong_method_is_refused(client, matrix, name, method):
    people, args = matrix
    client.force_login(people["student"])
    response = getattr(client, method)(url(name, *args.get(name, [])))
    assert response.status_code == 405


def test_the_owner_writes_while_staff_writes_change_nothing(client, matrix, submitted):
    people, _args = matrix
    for role in ("lecturer", "supervisor", "admin"):
        client.force_login(people[role])
        assert client.post(url("portfolio_withdraw", submitted.uuid)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Portfolio.Status.SUBMITTED
    client.force_login(people["student"])
    client.post(url("portfolio_withdraw", submitted.uuid))
    submitted.refresh_from_db()
    assert submitted.status == Portfolio.Status.DRAFT


# --- query counts ----------------------------------------------------------------------------

# Session, user, portfolio, scale, entries with targets, their evidence, its activities,
# the claims on the required competencies, the number of submissions, and the feedback
# threads with lecturers about the portfolio and its evidence.
QUERIES_PORTFOLIO_PAGE = 10
# Session, user, enrolment, portfolios with their snapshot counts, review moments, and the
# released results of the student's portfolios (their verdicts).
QUERIES_LIST_PAGE = 6


def _sized_portfolio(competencies: int, evidence_count: int):
    """A student whose portfolio has ``competencies`` entries and ``evidence_count`` evidence
    items, each claiming a competency, about half of them selected."""
    version = make_programme(competencies=competencies, name=f"size-{competencies}")
    cohort = CohortFactory(name=f"cohort-{competencies}", curriculum_version=version)
    enrolment = EnrolmentFactory(cohort=cohort)
    portfolio = start(enrolment, version.review_moments.get(code="year-1-review"))
    entries = list(portfolio.entries.select_related("competency"))
    level = version.framework.levels.get(rank=2)
    items = Evidence.objects.bulk_create(
        Evidence(enrolment=enrolment, title=f"Bewijs {n}", kind="document")
        for n in range(evidence_count)
    )
    EvidenceClaim.objects.bulk_create(
        EvidenceClaim(evidence=item, competency=entries[n % len(entries)].competency, level=level)
        for n, item in enumerate(items)
    )
    Through = entries[0].evidence.through
    Through.objects.bulk_create(
        Through(portfolioentry_id=entries[n % len(entries)].pk, evidence_id=item.pk)
        for n, item in enumerate(items)
        if n % 2 == 0
    )
    return portfolio


@pytest.mark.parametrize("as_staff", [False, True])
def test_the_portfolio_page_takes_the_same_queries_at_any_size(client, as_staff, programme_admin):
    counts = []
    for competencies, evidence_count in ((3, 5), (20, 100)):
        portfolio = _sized_portfolio(competencies, evidence_count)
        client.force_login(programme_admin if as_staff else portfolio.enrolment.student)
        client.get(url("portfolio", portfolio.uuid))  # warm the session
        with CaptureQueriesContext(transaction.get_connection()) as queries:
            response = client.get(url("portfolio", portfolio.uuid))
        assert response.status_code == 200
        assert len(response.context["rows"]) == competencies
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_portfolio_page_query_count_is_pinned(client, django_assert_num_queries):
    for competencies, evidence_count in ((3, 5), (20, 100)):
        portfolio = _sized_portfolio(competencies, evidence_count)
        client.force_login(portfolio.enrolment.student)
        client.get(url("portfolio", portfolio.uuid))
        with django_assert_num_queries(QUERIES_PORTFOLIO_PAGE):
            client.get(url("portfolio", portfolio.uuid))


def test_the_list_page_query_count_is_pinned(client, django_assert_num_queries, enrolment, moment):
    client.force_login(enrolment.student)
    client.get(url("portfolios"))
    with django_assert_num_queries(QUERIES_LIST_PAGE):
        client.get(url("portfolios"))
    start(enrolment, moment)
    with django_assert_num_queries(QUERIES_LIST_PAGE):
        client.get(url("portfolios"))


def _level(portfolio, rank):
    return portfolio.review_moment.version.framework.levels.get(rank=rank)
