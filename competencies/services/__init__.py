"""Writes in the competencies app, one module per area: framework.py (frameworks, targets and
versioning), log.py (learning log), evidence.py (evidence and feedback requests),
portfolio.py (portfolios, submission and snapshots)."""

from .framework import (
    DEFAULT_SCALE,
    create_empty_version,
    delete_competency,
    derive_version,
    save_competency,
    save_level,
    save_profile,
    set_module_target,
    set_review_targets,
    set_successors,
)

__all__ = [
    "DEFAULT_SCALE",
    "create_empty_version",
    "delete_competency",
    "derive_version",
    "save_competency",
    "save_level",
    "save_profile",
    "set_module_target",
    "set_review_targets",
    "set_successors",
]
