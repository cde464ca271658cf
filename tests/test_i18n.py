"""Dutch is complete: every translatable text of ours has a Dutch translation."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO_FILE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"
SOURCES = ["coachmaster", "curriculum", "cohorts", "competencies", "thesis", "templates", "locale"]


def _untranslated(po: polib.POFile) -> list[str]:
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            missing.append(f"fuzzy: {entry.msgid!r}")
        elif entry.msgid_plural:
            if not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
        elif not entry.msgstr:
            missing.append(entry.msgid)
    return missing


def test_committed_dutch_catalogue_is_complete():
    po = polib.pofile(str(PO_FILE))
    assert len(po) > 50
    assert _untranslated(po) == []


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext: apt-get install gettext")
def test_every_message_in_the_code_has_a_dutch_translation(tmp_path):
    """Extract the messages afresh from a copy of the sources and check nothing is missing."""
    for name in [*SOURCES, "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "nl",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "coachmaster.settings"},
    )
    po = polib.pofile(str(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po"))
    missing = _untranslated(po)
    assert missing == [], f"Dutch translations missing (run `make messages`): {missing}"
