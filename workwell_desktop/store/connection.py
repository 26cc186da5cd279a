"""Opening the SQLCipher database with a raw key, and applying migrations."""

from __future__ import annotations

import logging
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from ..hardening import private_folder
from .errors import DatabaseUnreadable
from .schema import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


def connect(db_path: Path, key: bytes):
    """An unlocked connection, or DatabaseUnreadable with the file left as it was.

    The key goes in as a raw hex key (no SQLCipher KDF: it is already 256 random
    bits). SQLCipher checks it on the first read, so read the schema at once.
    """
    if not db_path.exists():
        # SQLite gives its -wal and -shm files the database file's permissions.
        os.close(os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlcipher3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_compatibility = 4")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError:
        conn.close()
        raise DatabaseUnreadable(
            "The database could not be opened with its key: it may have been copied from "
            "another computer or be damaged. It has been left untouched; contact service IT."
        ) from None
    # WAL keeps readers and the writer apart; temp tables and sorts stay in memory
    # so nothing decrypted is spilled to a temp file.
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def schema_version(conn) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def backup_before_migration(conn, db_path: Path, version: int) -> Path:
    """A copy of the still-encrypted file, taken before any migration touches it."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    backups = db_path.parent / "backups"
    private_folder(backups)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = backups / f"{db_path.stem}-v{version}-{stamp}{db_path.suffix}"
    shutil.copy2(db_path, target)
    os.chmod(target, 0o600)  # copy2 copies the mode; say it anyway (copied from an older install)
    return target


def migrate(conn, db_path: Path) -> int:
    """Bring the schema up to date; returns the version it started at."""
    start = schema_version(conn)
    if start > LATEST_VERSION:
        raise DatabaseUnreadable(
            f"This database was written by a newer WorkWell (schema {start}); this copy "
            f"understands up to {LATEST_VERSION}. Install the current version."
        )
    if start == LATEST_VERSION:
        return start
    if start > 0:
        saved = backup_before_migration(conn, db_path, start)
        log.info("backed up schema %s database to %s before migrating", start, saved.name)
    for version, title, sql in MIGRATIONS:
        if version <= start:
            continue
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except Exception:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.info("migrated database to schema %s (%s)", version, title)
    return start
