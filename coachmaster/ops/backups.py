"""Backups of the database and the media files, and their restore into a fresh database.

A backup is one folder, ``BACKUP_DIR/coachmaster-<UTC time>``, written under a temporary name
and renamed when complete:

- ``database.dump``: PostgreSQL's ``pg_dump --format=custom`` (restored with ``pg_restore``),
  or, on SQLite, a copy made with SQLite's online backup API (``database.sqlite3``);
- ``media.tar``: every file under ``MEDIA_ROOT`` (evidence, snapshots, reports);
- ``manifest.json``: the row count of every table, the SHA-256 of both files and of every media
  file. On PostgreSQL the counts are taken in the very snapshot that ``pg_dump`` dumps.

A restore checks the backup's checksums, refuses a target database that has tables (or a media
folder that has files) unless forced, restores, and compares the row counts and the media files
with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import environ
import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar"
DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ENGINES = {
    "django.db.backends.postgresql": "postgresql",
    "django.db.backends.sqlite3": "sqlite",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class Restored:
    tables: dict[str, int]
    media_files: int
    mismatches: list[str] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def vendor_of(database: dict) -> str:
    try:
        return ENGINES[database["ENGINE"]]
    except KeyError:
        raise BackupError(
            f"Backups support PostgreSQL and SQLite, not {database['ENGINE']}."
        ) from None


def libpq_environment(database: dict) -> dict[str, str]:
    """pg_dump/pg_restore read the connection from the environment: no password in ``ps``."""
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    return {**os.environ, **{key: str(value) for key, value in values.items() if value}}


def connect(database: dict) -> psycopg.Connection:
    keys = {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password"}
    params = {name: str(database[key]) for key, name in keys.items() if database.get(key)}
    return psycopg.connect(dbname=database["NAME"], autocommit=True, **params)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- backup ---------------------------------------------------------------------------------


def make_backup(
    *, into: Path | None = None, using: str = "default", media_root: Path | None = None
) -> Path:
    """Writes a complete backup folder and returns its path."""
    database = connections[using].settings_dict
    vendor = vendor_of(database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    into = Path(into or settings.BACKUP_DIR)
    into.mkdir(parents=True, exist_ok=True)
    created = timezone.now()
    name = f"coachmaster-{created:%Y%m%dT%H%M%SZ}"
    partial = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=into))
    try:
        dump = partial / DUMP[vendor]
        if vendor == "postgresql":
            tables, server = _dump_postgresql(database, dump)
        else:
            tables, server = _copy_sqlite(using, dump), sqlite3.sqlite_version
        media = _archive_media(media_root, partial / MEDIA_ARCHIVE)
        manifest = {
            "format": 1,
            "created_at": created.isoformat(),
            "database": {"vendor": vendor, "name": str(database["NAME"]), "server": server},
            "tables": tables,
            "files": {
                path.name: {"size": path.stat().st_size, "sha256": sha256_of(path)}
                for path in (dump, partial / MEDIA_ARCHIVE)
            },
            "media": media,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        target = into / name
        suffix = 1
        while target.exists():
            suffix += 1
            target = into / f"{name}-{suffix}"
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _dump_postgresql(database: dict, dump: Path) -> tuple[dict[str, int], str]:
    """Row counts and ``pg_dump`` of one exported snapshot, so that both tell the same state."""
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    with connect(database) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        tables = _count_postgresql(conn)
        result = subprocess.run(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}"],
            env=libpq_environment(database),
            capture_output=True,
            text=True,
        )
        conn.execute("COMMIT")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return tables, server


def _count_postgresql(conn: psycopg.Connection) -> dict[str, int]:
    names = conn.execute(
        "SELECT schemaname, tablename FROM pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        " ORDER BY schemaname, tablename"
    ).fetchall()
    counts = {}
    for schema, table in names:
        label = table if schema == "public" else f"{schema}.{table}"
        row = conn.execute(f"SELECT count(*) FROM {quote(schema)}.{quote(table)}").fetchone()
        counts[label] = row[0]
    return counts


def _copy_sqlite(using: str, dump: Path) -> dict[str, int]:
    connection = connections[using]
    connection.ensure_connection()
    copy = sqlite3.connect(dump)
    try:
        connection.connection.backup(copy)
        return _count_sqlite(copy)
    finally:
        copy.close()


def _count_sqlite(conn: sqlite3.Connection) -> dict[str, int]:
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    return {
        name: conn.execute(f"SELECT count(*) FROM {quote(name)}").fetchone()[0]
        for (name,) in names
    }


def _archive_media(media_root: Path, archive: Path) -> dict[str, dict]:
    """Regular files only (no links), by their path below ``media_root``."""
    files = {}
    with tarfile.open(archive, "w") as tar:
        if media_root.is_dir():
            for folder, subfolders, names in os.walk(media_root):
                subfolders.sort()
                for name in sorted(names):
                    path = Path(folder) / name
                    if path.is_symlink() or not path.is_file():
                        continue
                    relative = path.relative_to(media_root).as_posix()
                    files[relative] = {"size": path.stat().st_size, "sha256": sha256_of(path)}
                    tar.add(path, arcname=relative, recursive=False)
    return files


# --- restore --------------------------------------------------------------------------------


def latest_backup(directory: Path | None = None) -> Path:
    directory = Path(directory or settings.BACKUP_DIR)
    found = sorted(
        path
        for path in directory.glob("coachmaster-*")
        if path.is_dir() and (path / MANIFEST).is_file()
    )
    if not found:
        raise BackupError(f"There is no backup in {directory}.")
    return found[-1]


def read_manifest(source: Path) -> dict:
    """The manifest, after checking that the backup's files are the ones it describes."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} is not a backup: it has no {MANIFEST}.") from None
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file() or sha256_of(path) != expected["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its checksum does not match).")
    return manifest


def restore_backup(
    *,
    source: Path,
    database_url: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> Restored:
    """Restores ``source`` into a database (default: the configured one) and a media folder.
    Refuses a database with tables or a media folder with files unless ``force``."""
    manifest = read_manifest(source)
    database = (
        environ.Env.db_url_config(database_url)
        if database_url
        else connections["default"].settings_dict
    )
    vendor = manifest["database"]["vendor"]
    if vendor_of(database) != vendor:
        raise BackupError(
            f"This is a {vendor} backup; it cannot be restored into {vendor_of(database)}."
        )
    media_root = Path(media_root or settings.MEDIA_ROOT)
    # Every refusal before anything changes.
    tables = _existing_tables(vendor, database)
    if tables and not force:
        raise BackupError(
            f"The database {database['NAME']} is not empty ({tables} tables). Restore into a "
            "fresh database, or pass --force to replace its contents."
        )
    if _has_files(media_root) and not force:
        raise BackupError(
            f"The media folder {media_root} is not empty. Restore into an empty folder, or "
            "pass --force (the present folder is kept beside it)."
        )
    dump = source / DUMP[vendor]
    if vendor == "postgresql":
        _restore_postgresql(database, dump, clean=bool(tables))
        with connect(database) as conn:
            counts = _count_postgresql(conn)
    else:
        counts = _restore_sqlite(database, dump)
    _restore_media(source / MEDIA_ARCHIVE, media_root)
    mismatches = [
        f"table {table}: {counts.get(table)} rows, the backup has {expected}"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    mismatches += _compare_media(media_root, manifest["media"])
    return Restored(tables=counts, media_files=len(manifest["media"]), mismatches=mismatches)


def _existing_tables(vendor: str, database: dict) -> int:
    if vendor == "sqlite":
        path = Path(database["NAME"])
        if not path.is_file():
            return 0
        conn = sqlite3.connect(path)
        try:
            return len(_count_sqlite(conn))
        finally:
            conn.close()
    try:
        conn = connect(database)
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot connect to the database {database['NAME']} (create it first): {error}"
        ) from error
    with conn:
        return conn.execute(
            "SELECT count(*) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()[0]


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def _restore_postgresql(database: dict, dump: Path, *, clean: bool) -> None:
    if not shutil.which("pg_restore"):
        raise BackupError(
            "pg_restore is not installed (Debian: apt-get install postgresql-client)."
        )
    command = [
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={database['NAME']}",
    ]
    if clean:
        command += ["--clean", "--if-exists"]
    result = subprocess.run(
        [*command, str(dump)], env=libpq_environment(database), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {result.stderr.strip()}")


def _restore_sqlite(database: dict, dump: Path) -> dict[str, int]:
    target = Path(database["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(dump), sqlite3.connect(target)
    try:
        source.backup(copy)  # replaces the whole target database
        return _count_sqlite(copy)
    finally:
        source.close()
        copy.close()


def _restore_media(archive: Path, media_root: Path) -> None:
    """Unpacks beside ``media_root`` and swaps it in; a folder that was there is kept as
    ``<media_root>.before-restore-<time>``."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.", dir=media_root.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")  # no paths outside, no links out, no devices
        if media_root.exists() and not _has_files(media_root):
            shutil.rmtree(media_root)
        elif media_root.exists():
            kept = media_root.with_name(
                f"{media_root.name}.before-restore-{timezone.now():%Y%m%dT%H%M%SZ}"
            )
            media_root.rename(kept)
        unpacked.rename(media_root)
    except BaseException:
        shutil.rmtree(unpacked, ignore_errors=True)
        raise


def _compare_media(media_root: Path, expected: dict[str, dict]) -> list[str]:
    found = {
        path.relative_to(media_root).as_posix(): path
        for path in media_root.rglob("*")
        if path.is_file()
    }
    problems = [f"media file {name} is missing" for name in expected if name not in found]
    problems += [
        f"media file {name} differs"
        for name, path in found.items()
        if name in expected and sha256_of(path) != expected[name]["sha256"]
    ]
    return problems
