"""A framework as a file: JSON (schema ``coachmaster.framework/1``) and CSV, both ways.

Both formats read into the same structure (the JSON document), which ``validate`` checks
completely before ``import_framework`` writes anything. The format is described in
``docs/framework-format.md``. Exporting, importing and exporting again gives the same file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from curriculum.services import ensure_editable

from .models import (
    Competency,
    CompetencyFramework,
    Indicator,
    ProfessionalRole,
    ProficiencyLevel,
    Profile,
)

SCHEMA = "coachmaster.framework/1"
CSV_COLUMNS = (
    "record",
    "code",
    "profile",
    "role",
    "level",
    "builds_on",
    "name_nl",
    "name_en",
    "description_nl",
    "description_en",
)
LANGUAGES = ("nl", "en")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024


# --- export ---------------------------------------------------------------------------------


def _texts(obj, base: str) -> dict[str, str]:
    return {language: getattr(obj, f"{base}_{language}") for language in LANGUAGES}


def export_framework(framework: CompetencyFramework) -> dict:
    levels = list(framework.levels.order_by("rank"))
    profiles = list(framework.profiles.prefetch_related("builds_on").order_by("position", "code"))
    competencies = (
        framework.competencies.select_related("profile")
        .prefetch_related("indicators__level")
        .in_order()
    )
    return {
        "schema": SCHEMA,
        "name": _texts(framework, "name"),
        "levels": [
            {
                "rank": level.rank,
                "name": _texts(level, "name"),
                "description": _texts(level, "description"),
            }
            for level in levels
        ],
        "profiles": [
            {
                "code": profile.code,
                "name": _texts(profile, "name"),
                "description": _texts(profile, "description"),
                "builds_on": sorted(
                    (base.code for base in profile.builds_on.all()),
                    key=[p.code for p in profiles].index,
                ),
            }
            for profile in profiles
        ],
        "competencies": [
            {
                "code": competency.code,
                "profile": competency.profile.code,
                "role": competency.role,
                "name": _texts(competency, "name"),
                "description": _texts(competency, "description"),
                "indicators": [
                    {"level": indicator.level.rank, "text": _texts(indicator, "text")}
                    for indicator in competency.indicators.all()
                ],
            }
            for competency in competencies
        ],
    }


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()

    def row(record: str, *, texts: dict | None = None, **values) -> None:
        texts = texts or {}
        for base in ("name", "description"):
            for language in LANGUAGES:
                values[f"{base}_{language}"] = texts.get(base, {}).get(language, "")
        writer.writerow({"record": record, **values})

    row("framework", code=data["schema"], texts={"name": data["name"]})
    for level in data["levels"]:
        row("level", level=level["rank"], texts=level)
    for profile in data["profiles"]:
        row(
            "profile",
            code=profile["code"],
            builds_on=" ".join(profile["builds_on"]),
            texts=profile,
        )
    for competency in data["competencies"]:
        row(
            "competency",
            code=competency["code"],
            profile=competency["profile"],
            role=competency["role"],
            texts=competency,
        )
        for indicator in competency["indicators"]:
            row(
                "indicator",
                code=competency["code"],
                level=indicator["level"],
                texts={"description": indicator["text"]},
            )
    return out.getvalue()


# --- reading --------------------------------------------------------------------------------


@dataclass
class Parsed:
    """A document read from a file, with where each part came from (for error messages)."""

    data: dict | None
    errors: list[str] = field(default_factory=list)
    rows: dict[tuple, int] = field(default_factory=dict)

    def where(self, path: tuple) -> str:
        # The row of the nearest part of the path that came from a CSV row.
        for end in range(len(path), -1, -1):
            if path[:end] in self.rows:
                return _("row %(row)s") % {"row": self.rows[path[:end]]}
        return "/".join(str(part) for part in path) or _("the file")


def decode(raw: bytes) -> str:
    """UTF-8 with or without a byte order mark; anything else is refused."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 2 MB."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(_("The file is not UTF-8 text.")) from error


def read_json(text: str) -> Parsed:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return Parsed(
            None,
            [
                _("Line %(line)s, column %(column)s: this is not valid JSON (%(reason)s).")
                % {"line": error.lineno, "column": error.colno, "reason": error.msg}
            ],
        )
    return Parsed(data)


def read_csv(text: str) -> Parsed:
    # The header row decides: texts below it may hold either character.
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        return Parsed(
            None,
            [
                _("Columns missing from the first row: %(columns)s.")
                % {"columns": ", ".join(missing)}
            ],
        )
    parsed = Parsed({"levels": [], "profiles": [], "competencies": []})
    data = parsed.data
    competencies: dict[str, dict] = {}

    def texts(row: dict, base: str) -> dict[str, str]:
        return {language: (row.get(f"{base}_{language}") or "") for language in LANGUAGES}

    for number, row in enumerate(reader, start=2):
        record = (row.get("record") or "").strip()
        if record == "framework":
            data["schema"] = (row.get("code") or "").strip()
            data["name"] = texts(row, "name")
            parsed.rows[("name",)] = parsed.rows[("schema",)] = number
        elif record == "level":
            parsed.rows[("levels", len(data["levels"]))] = number
            data["levels"].append(
                {
                    "rank": _integer(row.get("level")),
                    "name": texts(row, "name"),
                    "description": texts(row, "description"),
                }
            )
        elif record == "profile":
            parsed.rows[("profiles", len(data["profiles"]))] = number
            data["profiles"].append(
                {
                    "code": (row.get("code") or "").strip(),
                    "name": texts(row, "name"),
                    "description": texts(row, "description"),
                    "builds_on": (row.get("builds_on") or "").split(),
                }
            )
        elif record == "competency":
            code = (row.get("code") or "").strip()
            index = len(data["competencies"])
            parsed.rows[("competencies", index)] = number
            competency = {
                "code": code,
                "profile": (row.get("profile") or "").strip(),
                "role": (row.get("role") or "").strip(),
                "name": texts(row, "name"),
                "description": texts(row, "description"),
                "indicators": [],
            }
            data["competencies"].append(competency)
            competencies.setdefault(code, competency)
            competency["_index"] = index
        elif record == "indicator":
            code = (row.get("code") or "").strip()
            owner = competencies.get(code)
            if owner is None:
                parsed.errors.append(
                    _(
                        "Row %(row)s: indicator for competency %(code)s, "
                        "which no earlier row defines."
                    )
                    % {"row": number, "code": code or "–"}
                )
                continue
            path = ("competencies", owner["_index"], "indicators", len(owner["indicators"]))
            parsed.rows[path] = number
            owner["indicators"].append(
                {"level": _integer(row.get("level")), "text": texts(row, "description")}
            )
        elif not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        else:
            parsed.errors.append(
                _("Row %(row)s: unknown record type “%(record)s”.")
                % {"row": number, "record": record}
            )
    for competency in data["competencies"]:
        competency.pop("_index", None)
    data.setdefault("schema", "")
    data.setdefault("name", {"nl": "", "en": ""})
    return parsed


def _integer(value) -> int | str:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return str(value or "")


# --- validation -----------------------------------------------------------------------------


def validate(parsed: Parsed) -> list[str]:
    """Every problem in the document, each with where it is; an empty list means importable."""
    errors = list(parsed.errors)
    data = parsed.data
    if data is None:
        return errors

    def error(path: tuple, message: str) -> None:
        errors.append(f"{parsed.where(path)}: {message}")

    if not isinstance(data, dict):
        return [*errors, _("The file must hold one framework object.")]
    if data.get("schema") != SCHEMA:
        error(
            ("schema",),
            _("the schema must be “%(expected)s”, not “%(found)s”.")
            % {"expected": SCHEMA, "found": data.get("schema", "")},
        )
    _check_texts(
        data,
        ("name",),
        "name",
        error,
        required=True,
        max_length=_max_length(CompetencyFramework, "name_nl"),
    )

    ranks = []
    for index, level in enumerate(_list(data, "levels", error)):
        path = ("levels", index)
        if not isinstance(level, dict):
            error(path, _("each level must be an object."))
            continue
        rank = level.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            error(path, _("the level needs a whole number of 1 or more."))
        elif rank in ranks:
            error(path, _("level %(rank)s appears twice.") % {"rank": rank})
        else:
            ranks.append(rank)
        _check_texts(
            level,
            path,
            "name",
            error,
            required=True,
            max_length=_max_length(ProficiencyLevel, "name_nl"),
        )
        _check_texts(level, path, "description", error)
    if not ranks and isinstance(data.get("levels"), list):
        error(("levels",), _("the scale needs at least one level."))

    profile_codes = []
    for index, profile in enumerate(_list(data, "profiles", error)):
        path = ("profiles", index)
        if not isinstance(profile, dict):
            error(path, _("each profile must be an object."))
            continue
        code = profile.get("code")
        if not isinstance(code, str) or not code.strip():
            error(path, _("the profile needs a code."))
        elif code in profile_codes:
            error(path, _("profile code %(code)s appears twice.") % {"code": code})
        elif len(code) > _max_length(Profile, "code") or not slug_re.match(code):
            error(
                path,
                _("the profile code %(code)s must be at most 40 letters, digits or hyphens.")
                % {"code": code},
            )
        else:
            profile_codes.append(code)
        _check_texts(
            profile,
            path,
            "name",
            error,
            required=True,
            max_length=_max_length(Profile, "name_nl"),
        )
        _check_texts(profile, path, "description", error)
    for index, profile in enumerate(data.get("profiles") or []):
        if isinstance(profile, dict):
            builds_on = profile.get("builds_on", [])
            if not isinstance(builds_on, list):
                error(("profiles", index), _("“builds_on” must be a list of profile codes."))
                continue
            for base in builds_on:
                if base not in profile_codes or base == profile.get("code"):
                    error(
                        ("profiles", index),
                        _("it builds on %(code)s, which is not another profile of this file.")
                        % {"code": base},
                    )

    competency_codes = []
    for index, competency in enumerate(_list(data, "competencies", error)):
        path = ("competencies", index)
        if not isinstance(competency, dict):
            error(path, _("each competency must be an object."))
            continue
        code = competency.get("code")
        if not isinstance(code, str) or not code.strip():
            error(path, _("the competency needs a code."))
        elif len(code) > Competency._meta.get_field("code").max_length:
            error(path, _("the code %(code)s is too long.") % {"code": code})
        elif code in competency_codes:
            error(path, _("competency code %(code)s appears twice.") % {"code": code})
        else:
            competency_codes.append(code)
        if competency.get("profile") not in profile_codes:
            error(
                path,
                _("profile “%(profile)s” is not one of this file's profiles.")
                % {"profile": competency.get("profile", "")},
            )
        if competency.get("role") not in ProfessionalRole.values:
            error(
                path,
                _("role “%(role)s” is not one of %(roles)s.")
                % {
                    "role": competency.get("role", ""),
                    "roles": ", ".join(ProfessionalRole.values),
                },
            )
        _check_texts(
            competency,
            path,
            "name",
            error,
            required=True,
            max_length=_max_length(Competency, "name_nl"),
        )
        _check_texts(competency, path, "description", error)
        indicators = competency.get("indicators", [])
        if not isinstance(indicators, list):
            error(path, _("“indicators” must be a list."))
            continue
        for position, indicator in enumerate(indicators):
            indicator_path = (*path, "indicators", position)
            if not isinstance(indicator, dict):
                error(indicator_path, _("each indicator must be an object."))
                continue
            if indicator.get("level") not in ranks:
                error(
                    indicator_path,
                    _("indicator level “%(level)s” is not a level of the scale.")
                    % {"level": indicator.get("level", "")},
                )
            _check_texts(indicator, indicator_path, "text", error, required=True)
    return errors


def _list(data: dict, key: str, error: Callable) -> list:
    value = data.get(key)
    if not isinstance(value, list):
        error((key,), _("“%(key)s” must be a list.") % {"key": key})
        return []
    return value


def _check_texts(
    obj: dict, path: tuple, key: str, error: Callable, required=False, max_length=None
) -> None:
    value = obj.get(key, None if required else {"nl": "", "en": ""})
    if not isinstance(value, dict) or not all(
        isinstance(value.get(language), str) for language in LANGUAGES
    ):
        error(path, _("“%(key)s” needs a Dutch (nl) and an English (en) text.") % {"key": key})
    elif required and not all(value[language].strip() for language in LANGUAGES):
        error(path, _("“%(key)s” may not be empty in either language.") % {"key": key})
    elif max_length and any(len(value[language]) > max_length for language in LANGUAGES):
        error(
            path,
            _("“%(key)s” may be at most %(max)s characters long.")
            % {"key": key, "max": max_length},
        )


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


# --- import ---------------------------------------------------------------------------------


def parse_upload(name: str, raw: bytes) -> Parsed:
    text = decode(raw)
    if name.lower().endswith(".csv"):
        return read_csv(text)
    return read_json(text)


@transaction.atomic
def import_framework(*, framework: CompetencyFramework, data: dict, by) -> None:
    """Makes ``framework`` exactly what ``data`` (validated) describes, matching by code.

    Competencies, profiles and levels missing from the file are removed, with the targets
    that pointed at them; a level still used by a target that stays refuses the whole import.
    """
    ensure_editable(framework.curriculum_version)
    framework.name_nl, framework.name_en = data["name"]["nl"], data["name"]["en"]
    framework.save(update_fields=["name_nl", "name_en"])

    levels = {level.rank: level for level in framework.levels.all()}
    for item in data["levels"]:
        level = levels.get(item["rank"]) or ProficiencyLevel(
            framework=framework, rank=item["rank"]
        )
        _assign_texts(level, item, "name", "description")
        level.save()
        levels[level.rank] = level

    profiles = {profile.code: profile for profile in framework.profiles.all()}
    for position, item in enumerate(data["profiles"]):
        profile = profiles.get(item["code"]) or Profile(framework=framework, code=item["code"])
        _assign_texts(profile, item, "name", "description")
        profile.position = position
        profile.save()
        profiles[profile.code] = profile
    for item in data["profiles"]:
        bases = [profiles[code] for code in item.get("builds_on", [])]
        profiles[item["code"]].builds_on.set(bases)

    existing = {competency.code: competency for competency in framework.competencies.all()}
    kept = set()
    new_indicators = []
    for position, item in enumerate(data["competencies"]):
        competency = existing.get(item["code"]) or Competency(
            framework=framework, code=item["code"]
        )
        _assign_texts(competency, item, "name", "description")
        competency.profile = profiles[item["profile"]]
        competency.role = item["role"]
        competency.position = position
        competency.save()
        kept.add(competency.pk)
        new_indicators += [
            Indicator(
                competency=competency,
                level=levels[indicator["level"]],
                text_nl=indicator["text"]["nl"],
                text_en=indicator["text"]["en"],
                position=index,
            )
            for index, indicator in enumerate(item.get("indicators", []))
        ]
    Indicator.objects.filter(competency__framework=framework).delete()
    Indicator.objects.bulk_create(new_indicators)
    framework.competencies.exclude(pk__in=kept).delete()
    framework.profiles.exclude(code__in=[item["code"] for item in data["profiles"]]).delete()
    try:
        framework.levels.exclude(rank__in=[item["rank"] for item in data["levels"]]).delete()
    except ProtectedError as error:
        raise ValidationError(
            _(
                "The file leaves out a level that module or review targets still use. "
                "Change those targets first, or keep the level."
            )
        ) from error


def _assign_texts(obj, item: dict, *bases: str) -> None:
    for base in bases:
        for language in LANGUAGES:
            setattr(obj, f"{base}_{language}", item.get(base, {}).get(language, ""))
