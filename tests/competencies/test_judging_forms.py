"""The judgement form: grades typed the Dutch or the English way, rounding, messages in the
page's language, grades shown in the page's notation, and choices that cannot be forged."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from competencies.forms.judging import JudgementForm, QueueFilterForm

INVALID = "Enter a grade from 1 to 10 with at most one decimal, e.g. 7,5."
OUT_OF_RANGE = "A grade is between 1 and 10."


def grade_form(grade: str, **kwargs) -> JudgementForm:
    return JudgementForm(
        {"grade": grade, **kwargs},
        competencies=[],
        levels=[],
        indicators=[],
        grade_required=True,
    )


@pytest.mark.parametrize(
    ("typed", "grade"),
    [
        ("7,5", "7.5"),
        ("7.5", "7.5"),
        ("8", "8.0"),
        (" 6,0 ", "6.0"),
        ("10", "10.0"),
        ("1,0", "1.0"),
    ],
)
def test_a_grade_is_read_with_a_comma_or_a_point(typed, grade):
    form = grade_form(typed)
    assert form.is_valid(), form.errors
    assert form.draft()["grade"] == Decimal(grade)


@pytest.mark.parametrize(
    ("rule", "typed", "grade"),
    [
        ("half-up", "7,45", "7.5"),
        ("half-even", "7,45", "7.4"),
        ("down", "7,49", "7.4"),
        ("half-up", "5,449", "5.4"),
        ("half-up", "9,96", "10.0"),
    ],
)
def test_more_decimals_are_rounded_by_the_setting(settings, rule, typed, grade):
    settings.ASSESSMENT_GRADE_ROUNDING = rule
    form = grade_form(typed)
    assert form.is_valid(), form.errors
    assert form.draft()["grade"] == Decimal(grade)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("11", OUT_OF_RANGE),
        ("0,4", OUT_OF_RANGE),
        ("10,1", OUT_OF_RANGE),
        ("abc", INVALID),
        ("7,5,1", INVALID),
        ("-3", INVALID),
        ("½", INVALID),
    ],
)
def test_a_wrong_grade_is_explained_in_the_page_language(language, typed, message):
    with translation.override(language):
        form = grade_form(typed)
        assert not form.is_valid()
        assert form.errors["grade"] == [_(message)]


def test_an_empty_grade_is_a_draft_without_a_grade():
    form = grade_form("")
    assert form.is_valid()
    assert form.draft()["grade"] is None


def test_no_grade_field_where_the_moment_asks_none():
    form = JudgementForm(
        {"grade": "abc"}, competencies=[], levels=[], indicators=[], grade_required=False
    )
    assert "grade" not in form.fields
    assert form.is_valid()
    assert form.draft()["grade"] is None


@pytest.mark.parametrize(("language", "shown"), [("nl", 'value="7,5"'), ("en", 'value="7.5"')])
def test_a_saved_grade_is_shown_in_the_page_notation(language, shown):
    with translation.override(language):
        form = JudgementForm(
            initial={"grade": Decimal("7.5")},
            competencies=[],
            levels=[],
            indicators=[],
            grade_required=True,
        )
        assert shown in str(form["grade"])


def test_a_verdict_outside_the_choices_is_refused():
    form = grade_form("7,5", verdict="excellent")
    assert not form.is_valid()
    assert "verdict" in form.errors


@pytest.mark.django_db
def test_levels_and_indicators_outside_the_choices_are_refused(version):
    framework = version.framework
    competency = framework.competencies.get(code="IC1")
    levels = list(framework.levels.all())
    indicators = list(competency.indicators.select_related("level"))
    other = framework.competencies.get(code="IC2").indicators.first()
    form = JudgementForm(
        {
            f"level_{competency.pk}": "999999",
            f"indicators_{competency.pk}": [str(other.pk)],
        },
        competencies=[competency],
        levels=levels,
        indicators=indicators,
        grade_required=False,
    )
    assert not form.is_valid()
    assert set(form.errors) == {f"level_{competency.pk}", f"indicators_{competency.pk}"}


@pytest.mark.django_db
def test_indicators_are_grouped_by_level(version):
    framework = version.framework
    competency = framework.competencies.get(code="IC1")
    levels = list(framework.levels.all())
    indicators = list(competency.indicators.select_related("level").order_by("level__rank"))
    form = JudgementForm(
        competencies=[competency], levels=levels, indicators=indicators, grade_required=False
    )
    (row,) = form.rows()
    assert [group["level"].rank for group in row["indicator_groups"]] == [
        level.rank for level in levels
    ]
    assert all(len(group["boxes"]) == 1 for group in row["indicator_groups"])


@pytest.mark.django_db
def test_the_queue_filters_offer_only_my_cohorts(lecturer):
    form = QueueFilterForm({"state": "nonsense"}, user=lecturer)
    assert not form.is_valid()
    assert list(form.fields["cohort"].queryset) == []
