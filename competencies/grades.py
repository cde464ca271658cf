"""Grades on the Dutch 1–10 scale with one decimal: reading what people type ("7,5" or
"7.5"), rounding by the configured rule, and whether a grade passes.

Settings: ``ASSESSMENT_PASS_MARK`` (default 5.5) and ``ASSESSMENT_GRADE_ROUNDING``
(``half-up``, ``half-even`` or ``down``), applied when more than one decimal is typed.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LOWEST, HIGHEST = Decimal("1.0"), Decimal("10.0")
ONE_DECIMAL = Decimal("0.1")
ROUNDING = {"half-up": ROUND_HALF_UP, "half-even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
# Digits, optionally one decimal separator (comma or point) and more digits.
GRADE_TEXT = re.compile(r"^\s*(\d{1,2})(?:[.,](\d+))?\s*$")


def pass_mark() -> Decimal:
    return Decimal(str(settings.ASSESSMENT_PASS_MARK))


def round_grade(value: Decimal) -> Decimal:
    """``value`` rounded to one decimal by the configured rule."""
    try:
        rule = ROUNDING[settings.ASSESSMENT_GRADE_ROUNDING]
    except KeyError as error:
        raise ValueError(
            f"ASSESSMENT_GRADE_ROUNDING must be one of {', '.join(ROUNDING)}"
        ) from error
    return value.quantize(ONE_DECIMAL, rounding=rule)


def parse_grade(text: str) -> Decimal:
    """The grade in ``text`` ("7,5", "7.5", "8", " 6,45 "), rounded to one decimal.

    Raises ``ValidationError`` (in the active language) for anything else, and for grades
    outside 1–10 after rounding.
    """
    match = GRADE_TEXT.match(text or "")
    if match is None:
        raise ValidationError(
            _("Enter a grade from 1 to 10 with at most one decimal, e.g. 7,5."),
            code="invalid",
        )
    whole, decimals = match.groups()
    try:
        value = Decimal(f"{whole}.{decimals or '0'}")
    except InvalidOperation as error:  # pragma: no cover - the pattern admits digits only
        raise ValidationError(_("Enter a grade."), code="invalid") from error
    grade = round_grade(value)
    if not LOWEST <= grade <= HIGHEST:
        raise ValidationError(_("A grade is between 1 and 10."), code="range")
    return grade


def passes(grade: Decimal) -> bool:
    return grade >= pass_mark()
