"""The demo's assessments and formative feedback, made through the same services the pages use.

Year-1 portfolios of cohort 2025–2027, examined by Marc de Vries (docent@) and Rob Hoekstra:
- Sanne (student@): submitted, both examiners assigned, neither has started: the portfolio
  two demo lecturers can assess, disagree on, reconcile and release in the browser.
- Lotte Visser: both have judged and disagree by two levels on one competency and on the
  verdict; Rob has proposed a final result that waits for Marc's approval.
- Jeroen Smit: round 1 released as "not yet" with a resubmission deadline; he revised and
  resubmitted, and round 2 has its examiners, Rob with a draft saved.
- Nadia Bouzid: released as a pass.
- Daan Mulder: submitted, no examiners yet (the administrator's list).
Formative feedback: Thijs asked Marc about his draft self-assessment (answered) and Rob about
a piece of evidence (open); Fatima asked Marc about her first evidence (open).

Idempotent: nothing is done once any examiner is assigned in the demo.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from coachmaster.accounts.models import User
from competencies.models import (
    Assessment,
    Evidence,
    Examiner,
    FeedbackThread,
    Indicator,
    Portfolio,
    ProficiencyLevel,
    Verdict,
)
from competencies.services.examiners import assign_examiners
from competencies.services.feedback import ask_feedback, reply
from competencies.services.judging import competencies_of, save_draft, submit_judgement
from competencies.services.portfolio import save_overall, submit_portfolio
from competencies.services.reconciliation import approve_result, propose_result, release_result

ADMIN = "admin@example.org"
MARC, ROB = "docent@example.org", "r.hoekstra@example.org"
WAITING = "student@example.org"
RECONCILING = "l.visser@example.org"
RESUBMITTED = "j.smit@example.org"
PASSED = "n.bouzid@example.org"

PRAISE = (
    "Je onderbouwt {name} overtuigend met je bewijs; vooral je eigen aandeel is goed zichtbaar.",
    "Bij {name} laat je zien dat je bewust kiest en je keuzes verantwoordt met theorie.",
    "Je reflectie op {name} is eerlijk en concreet: je benoemt wat werkte en waarom.",
)
CONCERN = (
    "Bij {name} beschrijf je vooral wat je deed, nog niet wat het effect was op de ander.",
    "Voor {name} is je bewijs nog te dun: één situatie, zonder reactie van de coachee.",
    "Je argumentatie bij {name} blijft algemeen; koppel je keuzes aan de theorie uit de modules.",
)
TIP = (
    "Een tip voor jaar 2: zoek ook bewijs uit een situatie die minder vanzelf ging.",
    "Laat volgende keer zien hoe feedback van je opdrachtgever je aanpak veranderde.",
    "Maak bij een volgende stap zichtbaar wat je intervisiegroep je heeft opgeleverd.",
    "Vraag ook je opdrachtgever om een reactie: die maakt je bewijs sterker.",
)


def ensure_assessments() -> None:
    demo = Examiner.objects.filter(assessment__portfolio__enrolment__cohort__name="2025–2027")
    if demo.exists():
        return
    people = {user.email: user for user in User.objects.filter(email__in=[ADMIN, MARC, ROB])}
    admin, marc, rob = people[ADMIN], people[MARC], people[ROB]
    with transaction.atomic():
        _assess(admin, marc, rob)
        _feedback(marc, rob)


def _open(email: str) -> Assessment | None:
    return (
        Assessment.objects.filter(
            portfolio__enrolment__student__email=email,
            status=Assessment.Status.OPEN,
        )
        .select_related("portfolio__review_moment__version__framework", "snapshot")
        .first()
    )


def _assess(admin, marc, rob) -> None:
    waiting = _open(WAITING)
    if waiting is not None:
        assign_examiners(assessment=waiting, users=[marc, rob], by=admin)

    passed = _open(PASSED)
    if passed is not None:
        first, second = assign_examiners(assessment=passed, users=[marc, rob], by=admin)
        _judge(first, shift=0, verdict=Verdict.PASS, seed=1)
        _judge(second, shift=0, verdict=Verdict.PASS, seed=2)
        _agree(passed, proposer=rob, approver=marc, verdict=Verdict.PASS)
        release_result(assessment=passed, by=marc)

    resubmitted = _open(RESUBMITTED)
    if resubmitted is not None:
        first, second = assign_examiners(assessment=resubmitted, users=[rob, marc], by=admin)
        _judge(first, shift=-1, verdict=Verdict.NOT_YET, seed=3)
        _judge(second, shift=-1, verdict=Verdict.NOT_YET, seed=4)
        _agree(resubmitted, proposer=rob, approver=marc, verdict=Verdict.NOT_YET, shift=-1)
        release_result(assessment=resubmitted, by=rob)
        portfolio = Portfolio.objects.get(pk=resubmitted.portfolio_id)
        student = portfolio.enrolment.student
        save_overall(
            portfolio=portfolio,
            overall_reflection=portfolio.overall_reflection
            + "\n\nNa de eerste beoordeling heb ik bij elke competentie beschreven wat het effect "
            "van mijn interventies was, en bewijs toegevoegd uit een lastig teamtraject.",
            development_plan=portfolio.development_plan,
            by=student,
        )
        submit_portfolio(portfolio=portfolio, by=student)
        round_2 = _open(RESUBMITTED)
        first, _second = assign_examiners(assessment=round_2, users=[rob, marc], by=admin)
        _judge(first, shift=0, verdict=Verdict.PASS, seed=5, submit=False)

    reconciling = _open(RECONCILING)
    if reconciling is not None:
        first, second = assign_examiners(assessment=reconciling, users=[marc, rob], by=admin)
        # They differ by two levels on the first competency, and in their verdicts.
        _judge(first, shift=0, verdict=Verdict.PASS, seed=6, first_shift=1)
        _judge(second, shift=0, verdict=Verdict.NOT_YET, seed=7, first_shift=-1)
        competencies = competencies_of(reconciling)
        levels = _levels(reconciling, competencies, shift=0)
        propose_result(
            assessment=reconciling,
            levels=levels,
            verdict=Verdict.PASS,
            grade=None,
            explanation=(
                "Wij zagen allebei een portfolio dat de streefniveaus laat zien. Bij "
                f"{competencies[0].code} twijfelde Rob; samen zien we in het bewijs genoeg "
                "grond voor het streefniveau. Werk in jaar 2 aan het effect van je interventies."
            ),
            resubmission_deadline=None,
            revision=0,
            by=rob,
        )


def _levels(assessment: Assessment, competencies, *, shift: int) -> dict[int, ProficiencyLevel]:
    """Per competency id the target level moved by ``shift`` (within the scale)."""
    framework = assessment.portfolio.review_moment.version.framework
    levels = {level.rank: level for level in framework.levels.all()}
    targets = dict(
        assessment.portfolio.review_moment.targets.values_list("competency_id", "level__rank")
    )
    top = max(levels)
    return {
        competency.pk: levels[min(top, max(1, targets.get(competency.pk, 1) + shift))]
        for competency in competencies
    }


def _judge(
    examiner: Examiner,
    *,
    shift: int,
    verdict: str,
    seed: int,
    submit: bool = True,
    first_shift: int | None = None,
) -> None:
    """The examiner's judgement: levels around the targets (``first_shift`` for the first
    competency), observed indicators of the level reached, and feedback per competency."""
    assessment = examiner.assessment
    competencies = competencies_of(assessment)
    levels = _levels(assessment, competencies, shift=shift)
    if first_shift is not None:
        first = competencies[0]
        levels[first.pk] = _levels(assessment, [first], shift=first_shift)[first.pk]
    targets = dict(
        assessment.portfolio.review_moment.targets.values_list("competency_id", "level__rank")
    )
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(competency__in=competencies):
        if levels[indicator.competency_id].pk == indicator.level_id:
            indicators.setdefault(indicator.competency_id, []).append(indicator)
    feedback = {}
    for index, competency in enumerate(competencies):
        name = competency.name_nl[0].lower() + competency.name_nl[1:]
        if levels[competency.pk].rank >= targets.get(competency.pk, 1):
            first = PRAISE[(index + seed) % len(PRAISE)].format(name=name)
        else:
            first = CONCERN[(index + seed) % len(CONCERN)].format(name=name)
        feedback[competency.pk] = f"{first} {TIP[(index * 3 + seed) % len(TIP)]}"
    overall = {
        Verdict.PASS: "Een sterk portfolio: je laat op alle competenties het streefniveau zien.",
        Verdict.NOT_YET: "Je bent op de goede weg, maar bij meerdere competenties ontbreekt "
        "nog bewijs van het effect van je handelen. Zie de feedback per competentie.",
    }[verdict]
    save_draft(
        examiner=examiner,
        levels=levels,
        indicators={pk: items[:2] for pk, items in indicators.items()},
        feedback=feedback,
        verdict=verdict,
        grade=None,
        overall_feedback=overall,
        by=examiner.user,
    )
    if submit:
        submit_judgement(examiner=examiner, by=examiner.user)


def _agree(assessment: Assessment, *, proposer, approver, verdict: str, shift: int = 0) -> None:
    competencies = competencies_of(assessment)
    deadline = None
    if verdict == Verdict.NOT_YET:
        deadline = timezone.localdate() + datetime.timedelta(days=42)
    explanation = {
        Verdict.PASS: "We zijn het eens: je portfolio laat op alle competenties het "
        "streefniveau zien. Mooi werk.",
        Verdict.NOT_YET: "We zijn het eens dat je portfolio nog niet voldoende is. Het "
        "bewijs laat vooral zien wat je deed; laat zien wat het effect was en reflecteer op "
        "situaties die minder vanzelf gingen. Lever een herziene versie in vóór de deadline.",
    }[verdict]
    assessment = Assessment.objects.get(pk=assessment.pk)
    propose_result(
        assessment=assessment,
        levels=_levels(assessment, competencies, shift=shift),
        verdict=verdict,
        grade=None,
        explanation=explanation,
        resubmission_deadline=deadline,
        revision=assessment.revision,
        by=proposer,
    )
    assessment.refresh_from_db()
    approve_result(assessment=assessment, revision=assessment.revision, by=approver)


def _feedback(marc, rob) -> None:
    if FeedbackThread.objects.exists():
        return
    thijs = Portfolio.objects.filter(
        enrolment__student__email="student2@example.org", status=Portfolio.Status.DRAFT
    ).first()
    if thijs is not None:
        enrolment = thijs.enrolment
        thread = ask_feedback(
            enrolment=enrolment,
            lecturer=marc,
            subject="Mijn zelfbeoordeling jaar 1",
            question=(
                "Ik twijfel of mijn bewijs voor teamcoaching genoeg laat zien van mijn eigen "
                "rol. Wil je meekijken naar mijn argumentatie voordat ik inlever?"
            ),
            portfolio=thijs,
            by=enrolment.student,
        )
        reply(
            thread=thread,
            text=(
                "Je argumentatie beschrijft vooral wat het team deed. Maak **je eigen "
                "interventies** zichtbaar: wat deed je, waarom, en wat gebeurde er daarna? "
                "Je logboek van oktober heeft daar mooie voorbeelden van."
            ),
            by=marc,
        )
        evidence = Evidence.objects.filter(enrolment=enrolment).order_by("-created_at").first()
        if evidence is not None:
            ask_feedback(
                enrolment=enrolment,
                lecturer=rob,
                subject=evidence.title,
                question="Is dit verslag geschikt als bewijs voor het organisatieniveau?",
                evidence=evidence,
                by=enrolment.student,
            )
    fatima = (
        Evidence.objects.filter(enrolment__student__email="student3@example.org")
        .select_related("enrolment__student")
        .order_by("created_at")
        .first()
    )
    if fatima is not None:
        ask_feedback(
            enrolment=fatima.enrolment,
            lecturer=marc,
            subject=fatima.title,
            question=(
                "Dit is mijn eerste bewijsstuk. Sluit mijn reflectie aan bij wat jullie "
                "verwachten, of moet ik meer theorie gebruiken?"
            ),
            evidence=fatima,
            by=fatima.enrolment.student,
        )
