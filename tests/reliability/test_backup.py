"""``manage.py backup`` / ``restore`` (``make backup`` / ``make restore``): data and files are
backed up, restored into a fresh database and media folder, and every table's row count and
every file match.

The PostgreSQL test (``services``) creates the fresh database next to the test database and
drops it afterwards. The SQLite test runs in the plain suite.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from coachmaster.ops import backups
from tests.reports.conftest import submit_final_portfolio

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(enrolment, private_media, settings, world):
    """The world, a submitted portfolio with an evidence file and its snapshot copies."""
    settings.MEDIA_ROOT = private_media.parent
    snapshot = submit_final_portfolio(enrolment)
    (private_media.parent / "elsewhere").mkdir()
    (private_media.parent / "elsewhere" / "notes.txt").write_text("ook dit gaat mee")
    return snapshot


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def files_in(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def test_a_backup_folder_has_the_dump_the_media_and_a_manifest(data, tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("backup")

    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("coachmaster-")
    manifest = json.loads((folder / "manifest.json").read_text())
    dump = "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        [dump, "manifest.json", "media.tar"]
    )
    assert manifest["tables"] == live_counts()
    assert manifest["tables"]["accounts_user"] == 6
    assert {name: entry["sha256"] for name, entry in manifest["media"].items()} == files_in(
        settings.MEDIA_ROOT
    )
    assert "elsewhere/notes.txt" in manifest["media"]
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.services
def test_postgresql_backup_restores_into_a_fresh_database_with_every_row_and_file(
    data, tmp_path, settings
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL")
    backup = backups.make_backup(into=tmp_path / "backups")
    with open(backup / "database.dump", "rb") as dump:
        assert dump.read(5) == b"PGDMP"  # pg_dump's custom format
    expected_rows, expected_files = live_counts(), files_in(settings.MEDIA_ROOT)
    db = connection.settings_dict
    fresh = f"{db['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        dbname="postgres",
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{fresh}"')
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{fresh}"
    restored_media = tmp_path / "restored-media"
    try:
        call_command("restore", str(backup), database_url=url, media_root=str(restored_media))

        with psycopg.connect(dbname=fresh, host=db["HOST"], user=db["USER"]) as restored:
            rows = backups._count_postgresql(restored)
        assert rows == expected_rows
        assert sum(rows.values()) > 100
        assert files_in(restored_media) == expected_files

        with pytest.raises(CommandError, match="is not empty"):
            call_command("restore", str(backup), database_url=url, media_root=str(tmp_path / "x"))
        with pytest.raises(CommandError, match="is not empty"):
            call_command("restore", str(backup), database_url=url, media_root=str(restored_media))
        call_command(
            "restore", str(backup), database_url=url, media_root=str(restored_media), force=True
        )
        with psycopg.connect(dbname=fresh, host=db["HOST"], user=db["USER"]) as restored:
            assert backups._count_postgresql(restored) == expected_rows
        assert files_in(restored_media) == expected_files
        (kept,) = tmp_path.glob("restored-media.before-restore-*")
        assert files_in(kept) == expected_files  # the replaced folder is kept beside it
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


@pytest.mark.services
def test_restoring_into_a_database_that_does_not_exist_says_to_create_it(data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL")
    backup = backups.make_backup(into=tmp_path / "backups")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/no_such_{uuid.uuid4().hex}"
    with pytest.raises(CommandError, match="create it first"):
        call_command("restore", str(backup), database_url=url, media_root=str(tmp_path / "m"))


def test_sqlite_backup_restores_into_a_fresh_file_with_every_row_and_file(
    data, tmp_path, settings
):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant (the suite runs on PostgreSQL)")
    settings.BACKUP_DIR = tmp_path / "backups"
    call_command("backup")
    expected_rows, expected_files = live_counts(), files_in(settings.MEDIA_ROOT)
    target = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"

    call_command("restore", database_url=f"sqlite:///{target}", media_root=str(restored_media))

    with sqlite3.connect(target) as restored:
        assert backups._count_sqlite(restored) == expected_rows
    assert files_in(restored_media) == expected_files
    with pytest.raises(CommandError, match="is not empty"):
        call_command("restore", database_url=f"sqlite:///{target}", media_root=str(tmp_path / "x"))


def test_a_damaged_backup_is_refused_before_anything_changes(data, tmp_path, settings):
    backup = backups.make_backup(into=tmp_path / "backups")
    with (backup / "media.tar").open("ab") as archive:
        archive.write(b"\0" * 512)
    target = tmp_path / "restored.sqlite3"

    with pytest.raises(CommandError, match="damaged"):
        call_command(
            "restore",
            str(backup),
            database_url=f"sqlite:///{target}",
            media_root=str(tmp_path / "restored-media"),
        )
    assert not target.exists()
    assert not (tmp_path / "restored-media").exists()


def test_restore_without_a_backup_says_so(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "empty"
    with pytest.raises(CommandError, match="There is no backup"):
        call_command("restore")
