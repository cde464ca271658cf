"""What must be shown, and the showing of it.

framework.py: versioned frameworks, levels, profiles, competencies, indicators, targets.
log.py: the learning log (activities, client engagements). evidence.py: evidence, its
competency claims and feedback requests. portfolio.py: portfolios and their frozen snapshots.
"""

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
