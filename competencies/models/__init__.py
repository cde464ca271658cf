"""What must be shown, and the showing of it.

framework.py: versioned frameworks, levels, profiles, competencies, indicators, targets.
log.py: the learning log (activities, client engagements). evidence.py: evidence, its
competency claims and feedback requests. portfolio.py: portfolios and their frozen snapshots.
assessment.py: examiners, judgements, reconciliation, release, corrections, the record; and
formative feedback threads.
"""

from .assessment import (
    Approval,
    Assessment,
    AssessmentEvent,
    Correction,
    Examiner,
    FeedbackMessage,
    FeedbackThread,
    FinalLevel,
    Judgement,
    Outcome,
    Verdict,
    outcome_of,
)
from .evidence import Evidence, EvidenceClaim, FeedbackRequest
from .framework import (
    Competency,
    CompetencyFramework,
    CompetencyMapping,
    Indicator,
    ModuleTarget,
    ProfessionalRole,
    ProficiencyLevel,
    Profile,
    ReviewTarget,
)
from .log import ActivityKind, ClientEngagement, LearningActivity, SystemLevel
from .portfolio import Portfolio, PortfolioEntry, PortfolioSnapshot

__all__ = [
    "Approval",
    "Assessment",
    "AssessmentEvent",
    "Correction",
    "Examiner",
    "FeedbackMessage",
    "FeedbackThread",
    "FinalLevel",
    "Judgement",
    "Outcome",
    "Verdict",
    "outcome_of",
    "ActivityKind",
    "ClientEngagement",
    "Competency",
    "CompetencyFramework",
    "CompetencyMapping",
    "Evidence",
    "EvidenceClaim",
    "FeedbackRequest",
    "Indicator",
    "LearningActivity",
    "ModuleTarget",
    "Portfolio",
    "PortfolioEntry",
    "PortfolioSnapshot",
    "ProficiencyLevel",
    "ProfessionalRole",
    "Profile",
    "ReviewTarget",
    "SystemLevel",
]
