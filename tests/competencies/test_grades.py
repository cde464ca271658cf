"""Grades on the Dutch 1–10 scale (``competencies.grades``), property-based: what people type
reads back as the grade they meant, extra decimals round by the configured rule exactly as
``Decimal.quantize`` does, passing follows the configured pass mark, and no text can make
parsing fail with anything but a ``ValidationError``."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from competencies.grades import HIGHEST, LOWEST, ONE_DECIMAL, ROUNDING, parse_grade, passes

EXAMPLES = settings(max_examples=200, deadline=None)

one_decimal_grades = st.integers(min_value=10, max_value=100).map(lambda n: Decimal(n) / 10)
rules = st.sampled_from(sorted(ROUNDING))


def written(grade: Decimal, separator: str) -> str:
    whole, decimal = divmod(int(grade * 10), 10)
    return f"{whole}{separator}{decimal}"


@EXAMPLES
@given(grade=one_decimal_grades, separator=st.sampled_from([",", "."]), rule=rules)
def test_a_one_decimal_grade_reads_back_as_itself(grade, separator, rule):
    with override_settings(ASSESSMENT_GRADE_ROUNDING=rule):
        parsed = parse_grade(written(grade, separator))
    assert parsed == grade
    assert parsed.as_tuple().exponent == -1


@EXAMPLES
@given(grade=one_decimal_grades, padding=st.sampled_from(["", " ", "  ", "\t"]))
def test_surrounding_space_is_ignored(grade, padding):
    assert parse_grade(f"{padding}{written(grade, ',')}{padding}") == grade


@EXAMPLES
@given(
    whole=st.integers(min_value=0, max_value=12),
    digits=st.text(alphabet="0123456789", min_size=2, max_size=8),
    separator=st.sampled_from([",", "."]),
    rule=rules,
)
def test_extra_decimals_round_by_the_configured_rule(whole, digits, separator, rule):
    expected = Decimal(f"{whole}.{digits}").quantize(ONE_DECIMAL, rounding=ROUNDING[rule])
    with override_settings(ASSESSMENT_GRADE_ROUNDING=rule):
        if LOWEST <= expected <= HIGHEST:
            assert parse_grade(f"{whole}{separator}{digits}") == expected
        else:
            with pytest.raises(ValidationError):
                parse_grade(f"{whole}{separator}{digits}")


@EXAMPLES
@given(grade=one_decimal_grades, mark=one_decimal_grades)
def test_a_grade_passes_exactly_when_it_reaches_the_pass_mark(grade, mark):
    with override_settings(ASSESSMENT_PASS_MARK=str(mark)):
        assert passes(grade) == (grade >= mark)


def test_the_default_pass_mark_is_five_and_a_half():
    assert passes(Decimal("5.5"))
    assert not passes(Decimal("5.4"))


@EXAMPLES
@given(text=st.text(max_size=30))
def test_any_text_is_a_grade_or_a_validation_error(text):
    try:
        grade = parse_grade(text)
    except ValidationError as error:
        assert error.messages
    else:
        assert LOWEST <= grade <= HIGHEST
        assert grade == grade.quantize(ONE_DECIMAL)


@EXAMPLES
@given(
    text=st.from_regex(r"\A\s*[0-9]{1,3}([.,][0-9]{0,4})?\s*\Z", fullmatch=True),
    rule=rules,
)
def test_grade_like_text_is_a_grade_or_a_validation_error(text, rule):
    with override_settings(ASSESSMENT_GRADE_ROUNDING=rule):
        try:
            grade = parse_grade(text)
        except ValidationError:
            return
    assert LOWEST <= grade <= HIGHEST


def test_an_unknown_rounding_rule_is_a_configuration_error():
    with override_settings(ASSESSMENT_GRADE_ROUNDING="banker"), pytest.raises(ValueError):
        parse_grade("7,45")
