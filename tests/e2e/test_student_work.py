"""A student's week in the browser: log an activity, add evidence with a file, build the
year-1 portfolio, submit it, and see the submitted version stay as it was."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from competencies.defaults import ensure_activity_kinds
from competencies.models import ActivityKind, Evidence, LearningActivity, Portfolio
from tests.e2e.browsing import arrive, assert_accessible, log_in, say, visit
from tests.factories import PASSWORD, CohortFactory, EnrolmentFactory, make_programme

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A tiny valid PDF: what a scanned observation report looks like to the upload check.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def newcomer(private_media):
    """A student of a small programme (two competencies) with three activities logged."""
    ensure_activity_kinds()
    version = make_programme(competencies=2, modules=1, name="e2e")
    version.status = version.Status.ACTIVE
    version.save()
    cohort = CohortFactory(
        name="2026–2028 e2e",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2027, 12, 20),
        curriculum_version=version,
    )
    enrolment = EnrolmentFactory(
        cohort=cohort, student__email="nieuw@example.org", student__given_name="Noor"
    )
    kind = ActivityKind.objects.get(code="team-coaching")
    for level, role in (("team", "coach"), ("organisation", "advisor"), ("network", "coach")):
        LearningActivity.objects.create(
            enrolment=enrolment,
            kind=kind,
            date=datetime.date(2026, 11, 2),
            hours=Decimal("2"),
            title=f"Interventie op {level}",
            system_level=level,
            role=role,
        )
    return enrolment


def test_student_logs_adds_evidence_builds_and_submits_the_year_1_portfolio(
    page, newcomer, tmp_path
):
    log_in(page, "nieuw@example.org", PASSWORD)
    arrive(page, "/student/")

    # Log an activity with the quick entry form; it appears without reloading the page.
    page.get_by_role("banner").get_by_role("link", name=say(page, "Learning log")).click()
    arrive(page, "/log/")
    quick = page.locator("#quick-add")
    quick.get_by_label(say(page, "kind").capitalize()).select_option(
        label="Individuele coachsessie"
    )
    quick.get_by_label(say(page, "duration (hours)").capitalize()).fill("1.5")
    quick.get_by_label(say(page, "title").capitalize()).fill("Coachgesprek met C-01")
    quick.get_by_label(say(page, "system level").capitalize()).select_option("individual")
    quick.get_by_label(say(page, "role enacted").capitalize()).select_option("coach")
    quick.get_by_role("button", name=say(page, "Add to the log")).click()
    expect(page.locator("#activity-rows")).to_contain_text("Coachgesprek met C-01")
    assert_accessible(page)
    assert LearningActivity.objects.filter(enrolment=newcomer).count() == 4

    # Evidence with a file, claiming both competencies, linked to the four activities.
    report = tmp_path / "observatieverslag.pdf"
    report.write_bytes(PDF)
    page.get_by_role("banner").get_by_role("link", name=say(page, "Evidence")).click()
    arrive(page, "/evidence/")
    page.get_by_role("link", name=say(page, "Add evidence")).click()
    arrive(page, "/evidence/new/")
    page.get_by_label(say(page, "title").capitalize()).fill("Observatie van mijn teamcoaching")
    page.get_by_label(say(page, "kind").capitalize()).select_option("observation")
    page.get_by_label(say(page, "File")).set_input_files(report)
    framework = newcomer.cohort.curriculum_version.framework
    for number, competency in enumerate(framework.competencies.order_by("code"), start=1):
        claim = page.get_by_role("group", name=say(page, "Claim %(number)s", number=str(number)))
        claim.get_by_label(say(page, "Competency")).select_option(str(competency.uuid))
        claim.get_by_label(say(page, "Claimed level")).select_option("2")
        claim.get_by_label(say(page, "Justification")).fill("De observator zag dit terug.")
    activities = page.get_by_label(say(page, "Learning activities"))
    activities.select_option(
        [str(a.uuid) for a in LearningActivity.objects.filter(enrolment=newcomer)]
    )
    page.get_by_role("button", name=say(page, "Save")).click()
    evidence = Evidence.objects.get(enrolment=newcomer)
    arrive(page, f"/evidence/{evidence.uuid}/")
    assert evidence.file and len(evidence.sha256) == 64

    # The year-1 portfolio: evidence, self-assessment and argument per competency.
    page.get_by_role("banner").get_by_role("link", name=say(page, "Portfolios")).click()
    arrive(page, "/portfolios/")
    moment = newcomer.cohort.curriculum_version.review_moments.get(code="year-1-review")
    page.get_by_role("button", name=f"{say(page, 'Start')} {moment.name_nl}").click()
    portfolio = Portfolio.objects.get(enrolment=newcomer, review_moment=moment)
    arrive(page, f"/portfolios/{portfolio.uuid}/")
    level_two = framework.levels.get(rank=2)
    for competency in framework.competencies.order_by("code"):
        section = page.locator(f"section#entry-{competency.code}")
        section.get_by_label("Observatie van mijn teamcoaching").check()
        section.get_by_label(say(page, "The level you have reached")).select_option(
            str(level_two.pk)
        )
        section.get_by_label(say(page, "Why your evidence shows that level")).fill(
            "Het observatieverslag laat zien hoe ik het team begeleidde."
        )
        section.get_by_role("button", name=f"{say(page, 'Save')} {competency.code}").click()
        # The saved section comes back without a list of what is still missing.
        expect(page.locator(f"section#entry-{competency.code} ul.warning")).to_have_count(0)
    overall = page.locator("section#overall")
    overall.get_by_label(say(page, "overall reflection").capitalize()).fill(
        "Ik ben gegroeid van individuele coaching naar teamcoaching."
    )
    overall.get_by_label(say(page, "development plan").capitalize()).fill(
        "Volgend jaar oefen ik met interventies op organisatieniveau."
    )
    overall.get_by_role("button").first.click()
    submit = page.get_by_role("button", name=say(page, "Submit the portfolio"))
    expect(submit).to_be_enabled()
    assert_accessible(page)
    with page.expect_navigation():
        submit.click()
    assert_accessible(page)
    portfolio.refresh_from_db()
    assert portfolio.status == Portfolio.Status.SUBMITTED
    snapshot = portfolio.current_snapshot
    assert evidence.sha256 in str(snapshot.data)

    # Working on after submitting does not change what was submitted.
    evidence.title = "Een latere titel"
    evidence.save()
    page.goto(f"/portfolios/snapshots/{snapshot.uuid}/")
    assert_accessible(page)
    expect(page.get_by_role("main")).to_contain_text("Observatie van mijn teamcoaching")
    expect(page.get_by_role("main")).not_to_contain_text("Een latere titel")


def test_every_page_of_a_students_work_passes_axe(page):
    """The demo student's pages, and the same student's work seen by her supervisor."""
    from cohorts.models import Enrolment
    from competencies.models import ClientEngagement, FeedbackRequest

    enrolment = Enrolment.objects.get(student__email="student@example.org")
    activity = LearningActivity.objects.filter(enrolment=enrolment).first()
    engagement = ClientEngagement.objects.filter(enrolment=enrolment).first()
    evidence = Evidence.objects.filter(enrolment=enrolment).first()
    portfolio = Portfolio.objects.filter(enrolment=enrolment).first()
    request = FeedbackRequest.objects.filter(enrolment=enrolment).first()
    paths = [
        "/student/",
        "/log/",
        "/log/new/",
        f"/log/activities/{activity.uuid}/",
        f"/log/activities/{activity.uuid}/edit/",
        "/log/week/",
        "/log/engagements/",
        "/log/engagements/new/",
        f"/log/engagements/{engagement.uuid}/",
        "/log/hours/",
        "/evidence/",
        "/evidence/new/",
        f"/evidence/{evidence.uuid}/",
        f"/evidence/{evidence.uuid}/edit/",
        "/evidence/feedback/",
        "/evidence/feedback/new/",
        "/portfolios/",
        f"/portfolios/{portfolio.uuid}/",
    ]
    if portfolio.current_snapshot:
        paths.append(f"/portfolios/snapshots/{portfolio.current_snapshot.uuid}/")
    log_in(page, "student@example.org")
    arrive(page, "/student/")
    for path in paths:
        visit(page, path)
    assert request is not None

    page.context.clear_cookies()
    log_in(page, "begeleider@example.org")
    arrive(page, "/supervisor/")
    for path in (
        f"/students/{enrolment.uuid}/log/",
        f"/students/{enrolment.uuid}/log/hours/",
        f"/students/{enrolment.uuid}/evidence/",
        f"/students/{enrolment.uuid}/portfolios/",
        f"/portfolios/{portfolio.uuid}/",
    ):
        visit(page, path)
