"""The default programme and framework, shipped as data and loaded into an empty installation.

``curriculum/data/default_curriculum.json`` holds the programme (disciplines, years, periods,
modules with targets, review moments with targets); ``competencies/data/default_framework.json``
holds the framework in the import format. Loading is idempotent: an existing version of the same
name is left as it is.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from curriculum.models import (
    CurriculumVersion,
    CurriculumYear,
    Discipline,
    Module,
    Period,
    Programme,
    ReviewMoment,
)

from .interchange import Parsed, import_framework, validate
from .models import CompetencyFramework, ModuleTarget, ReviewTarget

CURRICULUM_FILE = Path(settings.BASE_DIR) / "curriculum" / "data" / "default_curriculum.json"
FRAMEWORK_FILE = Path(settings.BASE_DIR) / "competencies" / "data" / "default_framework.json"


def read_defaults() -> tuple[dict, dict]:
    curriculum = json.loads(CURRICULUM_FILE.read_text(encoding="utf-8"))
    framework = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    return curriculum, framework


@transaction.atomic
def load_default_programme(
    *, version_name: str | None = None, activate: bool = True, by=None
) -> CurriculumVersion:
    curriculum, framework_data = read_defaults()
    errors = validate(Parsed(framework_data))
    if errors:
        raise ValidationError(errors)
    programme, _created = Programme.objects.get_or_create(
        code=curriculum["programme"]["code"],
        defaults={
            "name_nl": curriculum["programme"]["name"]["nl"],
            "name_en": curriculum["programme"]["name"]["en"],
        },
    )
    name = version_name or curriculum["version"]
    existing = CurriculumVersion.objects.filter(programme=programme, name=name).first()
    if existing is not None:
        return existing

    disciplines = {}
    for position, item in enumerate(curriculum["disciplines"]):
        disciplines[item["code"]], _created = Discipline.objects.get_or_create(
            code=item["code"],
            defaults={
                "name_nl": item["name"]["nl"],
                "name_en": item["name"]["en"],
                "position": position,
            },
        )

    version = CurriculumVersion.objects.create(programme=programme, name=name, created_by=by)
    framework = CompetencyFramework.objects.create(
        curriculum_version=version, name_nl="", name_en=""
    )
    import_framework(framework=framework, data=framework_data, by=by)
    competencies = {c.code: c for c in framework.competencies.all()}
    levels = {level.rank: level for level in framework.levels.all()}

    module_targets = []
    for year_data in curriculum["years"]:
        year = CurriculumYear.objects.create(
            version=version, number=year_data["number"], ec_target=Decimal(year_data["ec_target"])
        )
        for period_data in year_data["periods"]:
            period = Period.objects.create(
                year=year,
                number=period_data["number"],
                name_nl=period_data["name"]["nl"],
                name_en=period_data["name"]["en"],
            )
            for position, item in enumerate(period_data["modules"]):
                module = Module.objects.create(
                    period=period,
                    code=item["code"],
                    title_nl=item["title"]["nl"],
                    title_en=item["title"]["en"],
                    description_nl=item["description"]["nl"],
                    description_en=item["description"]["en"],
                    learning_outcomes_nl="\n".join(item["learning_outcomes"]["nl"]),
                    learning_outcomes_en="\n".join(item["learning_outcomes"]["en"]),
                    ec=Decimal(item["ec"]),
                    assessment_form=item["assessment_form"],
                    position=position,
                )
                module.disciplines.set([disciplines[code] for code in item["disciplines"]])
                module_targets += [
                    ModuleTarget(module=module, competency=competencies[code], level=levels[rank])
                    for code, rank in item["targets"].items()
                ]
    ModuleTarget.objects.bulk_create(module_targets)

    review_targets = []
    for position, item in enumerate(curriculum["review_moments"]):
        moment = ReviewMoment.objects.create(
            version=version,
            code=item["code"],
            name_nl=item["name"]["nl"],
            name_en=item["name"]["en"],
            year=item["year"],
            offset_months=item.get("offset_months"),
            min_examiners=item["min_examiners"],
            decisive=item["decisive"],
            grade_required=item["grade_required"],
            position=position,
        )
        review_targets += [
            ReviewTarget(review_moment=moment, competency=competencies[code], level=levels[rank])
            for code, rank in item["targets"].items()
        ]
    ReviewTarget.objects.bulk_create(review_targets)
    if activate:
        version.status = CurriculumVersion.Status.ACTIVE
        version.save(update_fields=["status"])
    return version


# The kinds of learning activity every installation starts with: (code, Dutch, English,
# counts as client hours). Administrators add more in Django's admin.
ACTIVITY_KINDS = (
    ("coaching-session", "Individuele coachsessie", "Individual coaching session", True),
    ("team-coaching", "Teamcoaching", "Team coaching", True),
    (
        "organisational-intervention",
        "Organisatie-interventie",
        "Organisational intervention",
        True,
    ),
    ("intervision", "Intervisie", "Intervision", False),
    ("supervision", "Supervisie ontvangen", "Supervision received", False),
    ("module-session", "Bijeenkomst onderwijseenheid", "Module session", False),
    ("literature", "Literatuurstudie", "Literature study", False),
    ("workshop", "Workshop", "Workshop", False),
    ("practice-assignment", "Praktijkopdracht", "Practice assignment", False),
    ("research", "Onderzoeksactiviteit", "Research activity", False),
)


def ensure_activity_kinds(model=None) -> None:
    """Creates the default activity kinds that are missing; never changes existing ones."""
    if model is None:
        from .models import ActivityKind as model
    for position, (code, name_nl, name_en, client_work) in enumerate(ACTIVITY_KINDS):
        model.objects.get_or_create(
            code=code,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "is_client_work": client_work,
                "position": position,
            },
        )
