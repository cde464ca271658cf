"""A framework as a JSON or CSV file: exact round trips, and bad files that change nothing."""

import copy
import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from competencies import interchange
from competencies.interchange import (
    decode,
    export_framework,
    import_framework,
    read_csv,
    read_json,
    to_csv,
    to_json,
    validate,
)
from competencies.models import Competency, Indicator, ModuleTarget, ReviewTarget
from curriculum.models import CurriculumVersion
from curriculum.services import VersionLocked
from tests.competencies.test_versions import snapshot
from tests.factories import (
    CohortFactory,
    CompetencyFactory,
    CurriculumVersionFactory,
    ProfileFactory,
    make_programme,
)

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
TRICKY = 'Zegt "ja, maar…"; daarna – anders.\nTweede regel: café, geïnteresseerd, ë'


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def version():
    """A complete small version whose texts hold everything a CSV writer must quote."""
    version = make_programme(competencies=3, modules=2)
    framework = version.framework
    framework.name_nl = "Competentieprofiel “organisatiecoach”, 2025–2027"
    framework.save()
    for level in framework.levels.all():
        level.description_nl = f"Niveau {level.rank}; {TRICKY}"
        level.description_en = f"Level {level.rank}, “quoted”"
        level.save()
    individual = framework.profiles.get(code="individual")
    individual.description_nl = TRICKY
    individual.description_en = 'One to one; "coach", client'
    individual.save()
    team = ProfileFactory(
        framework=framework,
        code="team",
        position=1,
        description_nl="Regel één\r\nregel twee",
        description_en="Line one\r\nline two",
    )
    team.builds_on.add(individual)
    CompetencyFactory(
        profile=team,
        code="TC1",
        name_nl="Teams coachen, één voor één",
        name_en='Coaching "teams"; together',
        description_nl=TRICKY,
        role="advisor",
        position=3,
    )
    competency = framework.competencies.get(code="IC2")
    competency.name_nl = "Reflecteren – op eigen handelen"
    competency.description_en = TRICKY
    competency.save()
    indicator = competency.indicators.get(level__rank=3)
    indicator.text_nl = TRICKY
    indicator.text_en = '"Quoted", with; everything\n– é'
    indicator.save()
    return version


@pytest.fixture
def framework(version):
    return version.framework


def _fresh():
    return CurriculumVersionFactory().framework


def upload(framework, name: str, raw: bytes, by=None) -> list[str]:
    """What the import page does: read, validate, and import only a file without problems."""
    try:
        parsed = interchange.parse_upload(name, raw)
        problems = validate(parsed)
        if not problems:
            import_framework(framework=framework, data=parsed.data, by=by)
    except ValidationError as error:
        problems = error.messages
    return problems


def state(framework) -> tuple:
    """Everything an import could change, to compare before and after."""
    return (
        to_json(export_framework(framework)),
        sorted(framework.competencies.values_list("pk", "code", "position")),
        sorted(ModuleTarget.objects.values_list("module_id", "competency_id", "level_id")),
        sorted(ReviewTarget.objects.values_list("review_moment_id", "competency_id", "level_id")),
        Indicator.objects.count(),
    )


# --- round trips ----------------------------------------------------------------------------


def test_export_describes_the_whole_framework(framework):
    data = export_framework(framework)
    assert data["schema"] == "coachmaster.framework/1"
    assert [level["rank"] for level in data["levels"]] == [1, 2, 3, 4]
    assert [(p["code"], p["builds_on"]) for p in data["profiles"]] == [
        ("individual", []),
        ("team", ["individual"]),
    ]
    assert [c["code"] for c in data["competencies"]] == ["IC1", "IC2", "IC3", "TC1"]
    ic2 = data["competencies"][1]
    assert [i["level"] for i in ic2["indicators"]] == [1, 2, 3, 4]
    assert ic2["indicators"][2]["text"] == {"nl": TRICKY, "en": '"Quoted", with; everything\n– é'}


def test_json_round_trip_is_exact(framework):
    first = export_framework(framework)
    text = to_json(first)
    parsed = read_json(text)
    assert validate(parsed) == []

    fresh = _fresh()
    import_framework(framework=fresh, data=parsed.data, by=None)
    again = export_framework(fresh)
    assert again == first
    assert to_json(again) == text
    assert "–" in text and "é" in text  # written as UTF-8, not as \u escapes


def test_csv_round_trip_is_exact(framework):
    first = export_framework(framework)
    text = to_csv(first)
    parsed = read_csv(text)
    assert validate(parsed) == []
    assert parsed.data == first

    fresh = _fresh()
    import_framework(framework=fresh, data=parsed.data, by=None)
    again = export_framework(fresh)
    assert again == first
    assert to_csv(again) == text


@pytest.mark.parametrize("writer", [to_json, to_csv])
def test_a_file_with_a_byte_order_mark_reads_the_same(framework, writer):
    first = export_framework(framework)
    name = "framework.csv" if writer is to_csv else "framework.json"
    fresh = _fresh()
    assert upload(fresh, name, BOM + writer(first).encode()) == []
    assert export_framework(fresh) == first


def test_decode_strips_the_byte_order_mark(framework):
    text = to_csv(export_framework(framework))
    assert decode(BOM + text.encode()) == text
    assert read_csv(decode(BOM + text.encode())).data == read_csv(text).data


def _semicolons(text: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv.reader(io.StringIO(text)))
    return out.getvalue()


def test_semicolon_separated_csv_is_read_too(framework):
    first = export_framework(framework)
    text = _semicolons(to_csv(first))
    assert text.splitlines()[0].startswith("record;code;profile;role;level;builds_on")
    parsed = read_csv(text)
    assert validate(parsed) == []
    assert parsed.data == first


def test_comma_csv_whose_texts_are_full_of_semicolons_is_still_read(framework):
    for level in framework.levels.all():
        level.description_nl = "observeert; benoemt; vraagt door; vat samen; " * 8
        level.description_en = "observes; names; asks further; summarises; " * 8
        level.save()
    first = export_framework(framework)
    parsed = read_csv(to_csv(first))
    assert validate(parsed) == []
    assert parsed.data == first


def test_upload_reads_by_file_name(framework):
    data = export_framework(framework)
    fresh = _fresh()
    assert upload(fresh, "FRAMEWORK.CSV", to_csv(data).encode()) == []
    assert upload(_fresh(), "framework.json", to_json(data).encode()) == []
    assert upload(_fresh(), "framework.json", to_csv(data).encode())[0].startswith("Line 1")


def test_reimporting_the_same_file_changes_nothing(version, framework):
    before_state = state(framework)
    before = snapshot(version)
    assert upload(framework, "framework.json", to_json(export_framework(framework)).encode()) == []
    assert state(framework) == before_state
    after = snapshot(version)
    # Positions of indicators are renumbered per competency; nothing else may move.
    for snap in (before, after):
        snap["indicators"] = sorted(
            (c, rank, nl, en) for c, rank, _pos, nl, en in snap["indicators"]
        )
    assert after == before


def test_reimporting_a_csv_keeps_every_target(version, framework):
    before = state(framework)
    assert upload(framework, "framework.csv", to_csv(export_framework(framework)).encode()) == []
    assert state(framework) == before


def test_import_keeps_targets_of_competencies_that_stay_and_removes_the_others(version, framework):
    ic1, ic2 = framework.competencies.get(code="IC1"), framework.competencies.get(code="IC2")
    kept_module_targets = set(
        ModuleTarget.objects.filter(competency=ic1).values_list("pk", "level")
    )
    kept_review_targets = set(
        ReviewTarget.objects.filter(competency=ic1).values_list("pk", "level")
    )
    assert len(kept_module_targets) == 2 and len(kept_review_targets) == 2

    data = export_framework(framework)
    data["competencies"] = [c for c in data["competencies"] if c["code"] != "IC2"]
    data["competencies"][0]["name"]["en"] = "Renamed"
    assert upload(framework, "framework.json", to_json(data).encode()) == []

    assert not Competency.objects.filter(pk=ic2.pk).exists()
    assert not ModuleTarget.objects.filter(competency_id=ic2.pk).exists()
    assert not ReviewTarget.objects.filter(competency_id=ic2.pk).exists()
    ic1.refresh_from_db()
    assert ic1.name_en == "Renamed"
    assert set(ModuleTarget.objects.filter(competency=ic1).values_list("pk", "level")) == (
        kept_module_targets
    )
    assert set(ReviewTarget.objects.filter(competency=ic1).values_list("pk", "level")) == (
        kept_review_targets
    )
    assert export_framework(framework) == data


def test_import_adds_new_competencies_levels_and_profiles(framework):
    data = export_framework(framework)
    data["levels"].append(
        {"rank": 5, "name": {"nl": "Meester", "en": "Master"}, "description": {"nl": "", "en": ""}}
    )
    data["profiles"].append(
        {
            "code": "organisational",
            "name": {"nl": "Organisatie", "en": "Organisation"},
            "description": {"nl": "", "en": ""},
            "builds_on": ["individual", "team"],
        }
    )
    data["competencies"].append(
        {
            "code": "OC1",
            "profile": "organisational",
            "role": "researcher",
            "name": {"nl": "Onderzoeken", "en": "Researching"},
            "description": {"nl": "", "en": ""},
            "indicators": [{"level": 5, "text": {"nl": "Publiceert", "en": "Publishes"}}],
        }
    )
    assert upload(framework, "framework.json", to_json(data).encode()) == []
    assert export_framework(framework) == data


def test_keys_that_validation_treats_as_optional_may_be_left_out_of_a_json_file(framework):
    """``validate`` accepts a file without builds_on, descriptions or indicators: so import."""
    data = export_framework(framework)
    for profile in data["profiles"]:
        del profile["builds_on"], profile["description"]
    for competency in data["competencies"]:
        del competency["indicators"], competency["description"]
    parsed = read_json(to_json(data))
    assert validate(parsed) == []
    fresh = _fresh()
    assert upload(fresh, "framework.json", to_json(data).encode()) == []
    exported = export_framework(fresh)
    assert [p["builds_on"] for p in exported["profiles"]] == [[], []]
    assert [c["indicators"] for c in exported["competencies"]] == [[], [], [], []]


def test_dropping_an_unused_level_removes_it_with_its_indicators(framework):
    data = export_framework(framework)
    data["levels"] = [level for level in data["levels"] if level["rank"] != 4]
    for competency in data["competencies"]:
        competency["indicators"] = [i for i in competency["indicators"] if i["level"] != 4]
    assert upload(framework, "framework.json", to_json(data).encode()) == []
    assert list(framework.levels.values_list("rank", flat=True)) == [1, 2, 3]
    assert export_framework(framework) == data


# --- bad files ------------------------------------------------------------------------------


def _wrong_schema(data):
    data["schema"] = "coachmaster.framework/2"


def _duplicate_code(data):
    data["competencies"][1]["code"] = data["competencies"][0]["code"]


def _unknown_profile(data):
    data["competencies"][2]["profile"] = "ghost"


def _unknown_role(data):
    data["competencies"][0]["role"] = "manager"


def _level_off_the_scale(data):
    data["competencies"][1]["indicators"][2]["level"] = 7


def _no_dutch_name(data):
    data["competencies"][3]["name"]["nl"] = "  "


def _no_english_name(data):
    data["competencies"][0]["name"]["en"] = ""


def _builds_on_unknown(data):
    data["profiles"][1]["builds_on"] = ["ghost"]


def _level_without_name(data):
    data["levels"][2]["name"]["en"] = ""


BAD_FILES = [
    pytest.param(_wrong_schema, ("schema",), "the schema must be", id="wrong-schema"),
    pytest.param(
        _duplicate_code, ("competencies", 1), "competency code IC1 appears twice", id="duplicate"
    ),
    pytest.param(
        _unknown_profile,
        ("competencies", 2),
        "profile “ghost” is not one of this file's profiles",
        id="unknown-profile",
    ),
    pytest.param(
        _unknown_role, ("competencies", 0), "role “manager” is not one of", id="unknown-role"
    ),
    pytest.param(
        _level_off_the_scale,
        ("competencies", 1, "indicators", 2),
        "indicator level “7” is not a level of the scale",
        id="level-off-the-scale",
    ),
    pytest.param(
        _no_dutch_name, ("competencies", 3), "“name” may not be empty", id="no-dutch-name"
    ),
    pytest.param(
        _no_english_name, ("competencies", 0), "“name” may not be empty", id="no-english-name"
    ),
    pytest.param(
        _builds_on_unknown,
        ("profiles", 1),
        "it builds on ghost, which is not another profile",
        id="builds-on-unknown",
    ),
    pytest.param(_level_without_name, ("levels", 2), "“name” may not be empty", id="level-name"),
]


def _csv_row(text: str, path: tuple) -> int:
    """The row number (header = 1) of the record ``path`` points at, found independently."""
    records = [row[0] for row in csv.reader(io.StringIO(text))]
    kind_of = {"levels": "level", "profiles": "profile", "competencies": "competency"}
    rows = [n for n, record in enumerate(records, start=1) if record == kind_of[path[0]]]
    row = rows[path[1]]
    if len(path) > 2:
        indicators = []
        for n in range(row + 1, len(records) + 1):
            if records[n - 1] != "indicator":
                break
            indicators.append(n)
        row = indicators[path[3]]
    return row


@pytest.mark.parametrize("file_format", ["json", "csv"])
@pytest.mark.parametrize(("spoil", "path", "message"), BAD_FILES)
def test_a_bad_file_says_where_and_changes_nothing(framework, file_format, spoil, path, message):
    data = export_framework(framework)
    spoil(data)
    before = state(framework)
    if file_format == "json":
        text = to_json(data)
        where = "/".join(str(part) for part in path)
    else:
        text = to_csv(data)
        where = "row 2" if path == ("schema",) else f"row {_csv_row(text, path)}"

    problems = upload(framework, f"framework.{file_format}", text.encode())

    assert f"{where}: " in "\n".join(problems)
    assert any(p.startswith(f"{where}: ") and message in p for p in problems), problems
    assert state(framework) == before


def test_every_problem_of_a_file_is_reported_at_once(framework):
    data = export_framework(framework)
    for spoil in (_wrong_schema, _duplicate_code, _unknown_role, _builds_on_unknown):
        spoil(data)
    problems = validate(read_json(to_json(data)))
    assert len(problems) == 4


def test_an_english_name_left_out_is_reported(framework):
    data = export_framework(framework)
    del data["competencies"][0]["name"]["en"]
    assert validate(read_json(to_json(data))) == [
        "competencies/0: “name” needs a Dutch (nl) and an English (en) text."
    ]


def test_invalid_json_says_line_and_column(framework):
    before = state(framework)
    problems = upload(framework, "framework.json", b'{\n  "schema": "x",\n}\n')
    assert len(problems) == 1
    assert problems[0].startswith("Line 3, column 1: this is not valid JSON")
    assert state(framework) == before


def test_json_that_is_not_one_object_is_refused(framework):
    assert validate(read_json("[1, 2]")) == ["The file must hold one framework object."]


def _csv_rows(data) -> list[list[str]]:
    return list(csv.reader(io.StringIO(to_csv(data))))


def _write(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def test_csv_with_a_missing_column_names_it(framework):
    rows = _csv_rows(export_framework(framework))
    column = rows[0].index("builds_on")
    rows = [row[:column] + row[column + 1 :] for row in rows]
    before = state(framework)
    assert upload(framework, "framework.csv", _write(rows)) == [
        "Columns missing from the first row: builds_on."
    ]
    assert state(framework) == before


def test_csv_indicator_for_an_undefined_competency_names_the_row(framework):
    rows = _csv_rows(export_framework(framework))
    first_competency = next(n for n, row in enumerate(rows) if row[0] == "competency")
    stray = rows[first_competency + 1][:]
    assert stray[0] == "indicator"
    stray[1] = "ZZ9"
    rows.insert(first_competency, stray)  # before any competency is defined
    before = state(framework)
    problems = upload(framework, "framework.csv", _write(rows))
    row = first_competency + 1
    assert problems == [f"Row {row}: indicator for competency ZZ9, which no earlier row defines."]
    assert state(framework) == before


def test_csv_unknown_record_type_names_the_row(framework):
    rows = _csv_rows(export_framework(framework))
    assert rows[4][0] == "level"  # row 5: header, framework, levels 1–3
    rows[4][0] = "lvl"
    before = state(framework)
    problems = upload(framework, "framework.csv", _write(rows))
    assert "Row 5: unknown record type “lvl”." in problems
    assert state(framework) == before


def test_csv_blank_rows_are_skipped(framework):
    data = export_framework(framework)
    rows = _csv_rows(data)
    rows.insert(3, [""] * len(rows[0]))
    parsed = read_csv(_write(rows).decode())
    assert validate(parsed) == []
    assert parsed.data == data


def test_bytes_that_are_not_utf8_are_refused(framework):
    text = to_csv(export_framework(framework))
    with pytest.raises(ValidationError, match="not UTF-8"):
        decode(text.encode("latin-1", errors="replace"))
    with pytest.raises(ValidationError):
        decode(b"\xff\xfe" + text.encode("utf-16-le"))
    before = state(framework)
    assert upload(framework, "framework.csv", text.encode("cp1252", errors="replace")) == [
        "The file is not UTF-8 text."
    ]
    assert state(framework) == before


def test_files_larger_than_two_megabytes_are_refused():
    limit = 2 * 1024 * 1024
    assert decode(b" " * limit) == " " * limit
    with pytest.raises(ValidationError, match="larger than 2 MB"):
        decode(b" " * (limit + 1))


# --- imports that must not happen -----------------------------------------------------------


def test_importing_into_a_locked_framework_is_refused_and_changes_nothing(version, framework):
    CohortFactory(curriculum_version=version)
    data = export_framework(framework)
    data["competencies"] = data["competencies"][:1]
    before = state(framework)
    with pytest.raises(VersionLocked):
        import_framework(framework=framework, data=data, by=None)
    assert state(framework) == before


def test_importing_into_an_active_framework_is_refused(version, framework):
    CurriculumVersion.objects.filter(pk=version.pk).update(status="active")
    framework = CurriculumVersion.objects.get(pk=version.pk).framework
    before = state(framework)
    with pytest.raises(VersionLocked):
        import_framework(framework=framework, data=export_framework(_fresh()), by=None)
    assert state(framework) == before


def test_a_file_that_drops_a_level_still_targeted_is_refused_and_changes_nothing(framework):
    data = export_framework(framework)
    # Level 3 is the final portfolio's target level; the file leaves it out.
    data["levels"] = [level for level in data["levels"] if level["rank"] != 3]
    for competency in data["competencies"]:
        competency["indicators"] = [i for i in competency["indicators"] if i["level"] != 3]
        competency["name"]["en"] += " (changed)"
    data["competencies"] = data["competencies"][1:]
    assert validate(read_json(to_json(data))) == []
    before = state(framework)

    with pytest.raises(ValidationError, match="leaves out a level"):
        import_framework(framework=framework, data=copy.deepcopy(data), by=None)

    assert state(framework) == before
    assert "(changed)" not in to_json(export_framework(framework))
