"""Form fields shared by the assessment forms."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.formats import number_format

from ..grades import parse_grade


class GradeField(forms.CharField):
    """A grade on the Dutch 1–10 scale typed as text ("7,5" or "7.5"), cleaned to a
    ``Decimal`` with one decimal (rounded by ``ASSESSMENT_GRADE_ROUNDING``) or None when
    empty. Shown in the active language's notation: "7,5" in Dutch, "7.5" in English."""

    # Longer input is refused before parsing (no grade needs more characters).
    MAX_LENGTH = 8

    def __init__(self, **kwargs):
        kwargs.pop("max_length", None)  # a length validator would run on the Decimal
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", str(self.MAX_LENGTH))
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.widget.attrs.setdefault("autocomplete", "off")
        self.widget.attrs.setdefault("size", 4)

    def prepare_value(self, value):
        if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
            return number_format(Decimal(value), decimal_pos=1)
        return value

    def to_python(self, value) -> Decimal | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH:
            return parse_grade("")  # refused with the usual message
        return parse_grade(value)
