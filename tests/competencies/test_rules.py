"""Rules the services enforce whatever the form sent."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from competencies.interchange import Parsed, export_framework, validate
from competencies.services import save_competency, set_review_targets
from tests.factories import make_programme

pytestmark = pytest.mark.django_db


def test_review_targets_refuse_a_level_of_another_framework(draft):
    other = make_programme(name="other")
    moment = draft.review_moments.first()
    competency = draft.framework.competencies.first()
    before = list(moment.targets.values_list("competency_id", "level_id"))
    with pytest.raises(ValidationError):
        set_review_targets(
            moment=moment, levels={competency: other.framework.levels.first()}, by=None
        )
    assert list(moment.targets.values_list("competency_id", "level_id")) == before


def test_indicators_at_a_level_off_the_scale_are_refused(draft):
    competency = draft.framework.competencies.first()
    count = competency.indicators.count()
    with pytest.raises(ValidationError, match="7"):
        save_competency(competency=competency, indicators={7: [("a", "b")]}, by=None)
    assert competency.indicators.count() == count


def test_names_longer_than_the_database_allows_are_reported(draft):
    data = export_framework(draft.framework)
    data["competencies"][0]["name"]["en"] = "x" * 161
    data["profiles"][0]["code"] = "not a slug"
    with translation.override("en"):
        problems = validate(Parsed(data))
    assert "competencies/0: “name” may be at most 160 characters long." in problems
    assert any(p.startswith("profiles/0: ") and "not a slug" in p for p in problems)
