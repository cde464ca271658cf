"""The ethics and informed-consent checklist, and the risk class its answers give.

Each question is answered yes or no. An answer that raises a concern adds its weight; some
concerns make the research high risk on their own. Low risk is decided by the thesis
supervisor; medium and high risk by a programme ethics reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import EthicsReview, RiskClass

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    help: str
    concern: str  # the answer (YES or NO) that raises the concern
    weight: int
    decisive: bool = False  # the concern alone makes the research high risk


QUESTIONS: tuple[Question, ...] = (
    Question(
        "insider",
        _("Do you do the research inside your own organisation or that of a coaching client?"),
        _("Insider research: you know the people, and they know you in another role."),
        YES,
        1,
    ),
    Question(
        "power",
        _("Do you have a hierarchical or contractual relationship with any participant?"),
        _("For example as their manager, their coach or the adviser of their manager."),
        YES,
        2,
    ),
    Question(
        "voluntary",
        _(
            "Can employees decline to take part without any consequence, and without "
            "management knowing who took part?"
        ),
        _("Participation must be voluntary in practice, not only on paper."),
        NO,
        2,
    ),
    Question(
        "consent",
        _(
            "Will every participant receive written information and give informed consent, "
            "with the right to withdraw at any time?"
        ),
        _("Describe the procedure below; attach the information letter to your proposal."),
        NO,
        3,
        decisive=True,
    ),
    Question(
        "anonymity",
        _(
            "Could individual participants be recognised in what you report to management "
            "or in the thesis?"
        ),
        _("Small teams, quotes and job titles can identify people."),
        YES,
        2,
    ),
    Question(
        "sensitive",
        _(
            "Does the research touch sensitive topics (health, conflict, reorganisation, "
            "performance) or involve people in a vulnerable position?"
        ),
        _("Think of people whose job is at stake, or who depend on the organisation's care."),
        YES,
        2,
    ),
    Question(
        "storage",
        _(
            "Will personal data be stored only on storage the university approves, "
            "pseudonymised, and deleted after the retention period (AVG)?"
        ),
        _("Describe where data is stored, who has access and when it is deleted."),
        NO,
        2,
    ),
    Question(
        "double_role",
        _("Will you coach any of the people you research, during the research?"),
        _("The double role of coach and researcher with the same people."),
        YES,
        2,
    ),
    Question(
        "recording",
        _("Will you make audio or video recordings of participants?"),
        _("Recordings are personal data: consent and storage rules apply."),
        YES,
        1,
    ),
)
QUESTION_KEYS = tuple(question.key for question in QUESTIONS)

MEDIUM_FROM, HIGH_FROM = 3, 6


def unanswered(answers: dict) -> list[Question]:
    return [q for q in QUESTIONS if answers.get(q.key) not in (YES, NO)]


def concerns(answers: dict) -> list[Question]:
    return [q for q in QUESTIONS if answers.get(q.key) == q.concern]


def score(answers: dict) -> int:
    return sum(q.weight for q in concerns(answers))


def risk_class(answers: dict) -> str:
    """The risk class of a complete set of answers."""
    raised = concerns(answers)
    total = sum(q.weight for q in raised)
    if any(q.decisive for q in raised) or total >= HIGH_FROM:
        return RiskClass.HIGH
    if total >= MEDIUM_FROM:
        return RiskClass.MEDIUM
    return RiskClass.LOW


def route_for(risk: str) -> str:
    if risk == RiskClass.LOW:
        return EthicsReview.Route.SUPERVISOR
    return EthicsReview.Route.ETHICS_REVIEWER
