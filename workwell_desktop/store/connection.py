"""Opening the SQLCipher database with a raw key, and applying migrations."""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from ..hardening import private_folder
from .errors import DatabaseUnreadable
from .schema import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)


_HEX_DIGITS = b"0123456789abcdef"


def _raw_key_literal(key: bytes | bytearray) -> bytearray:
    """SQLCipher's raw-key form ``x'<64 hex digits>'`` built in a mutable buffer, digit by
    digit, so no Python string of the hex key ever exists (and the buffer can be zeroed)."""
    literal = bytearray(len(key) * 2 + 3)
    literal[0:2], literal[-1] = b"x'", ord("'")
    for i in range(len(key)):
        literal[2 + 2 * i] = _HEX_DIGITS[key[i] >> 4]
        literal[3 + 2 * i] = _HEX_DIGITS[key[i] & 15]
    return literal


def _sqlite3_key_function():
    """``sqlite3_key`` from the SQLCipher that sqlcipher3 bundles, or None where the
    extension does not export it (Windows builds export only their init function)."""
    try:
        library = ctypes.CDLL(sqlcipher3._sqlite3.__file__)
        function, filename = library.sqlite3_key, library.sqlite3_db_filename
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    function.restype = ctypes.c_int
    filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    filename.restype = ctypes.c_char_p
    return function, filename


_KEY_FUNCTIONS = _sqlite3_key_function()


def _database_handle(conn, db_path: Path) -> int | None:
    """The ``sqlite3*`` inside a sqlcipher3 connection: the first field after the Python
    object header (pysqlite's layout), confirmed by asking SQLite for its file name."""
    # Only for the exact type whose layout this reads (a subclass or another driver: the pragma).
    if (
        _KEY_FUNCTIONS is None
        or sys.implementation.name != "cpython"
        or type(conn) is not sqlcipher3.Connection
    ):
        return None
    handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
    if not handle:
        return None
    try:
        name = _KEY_FUNCTIONS[1](handle, b"main")
    except (OSError, ValueError):
        return None
    if not name or os.path.realpath(os.fsdecode(name)) != os.path.realpath(db_path):
        return None
    return handle


def _apply_key(conn, db_path: Path, key: bytes | bytearray) -> None:
    literal = _raw_key_literal(key)
    try:
        handle = _database_handle(conn, db_path)
        if handle is not None:
            buffer = (ctypes.c_char * len(literal)).from_buffer(literal)
            if _KEY_FUNCTIONS[0](handle, buffer, len(literal)) != 0:
                raise sqlcipher3.DatabaseError("sqlite3_key failed")
            del buffer
        else:  # no C entry point: the pragma (its text is a Python string we cannot wipe)
            conn.execute(f'PRAGMA key = "{literal.decode("ascii")}"')
    finally:
        literal[:] = bytes(len(literal))


def connect(db_path: Path, key: bytes | bytearray):
    """An unlocked connection, or DatabaseUnreadable with the file left as it was.

    The key goes in as a raw key (no SQLCipher KDF: it is already 256 random bits)
    through ``sqlite3_key``, from a buffer zeroed straight after. SQLCipher checks it
    on the first read, so read the schema at once.
    """
    if not db_path.exists():
        # SQLite gives its -wal and -shm files the database file's permissions.
        os.close(os.open(db_path, os.O_CREAT | os.O_WRONLY, 0o600))
    conn = sqlcipher3.connect(str(db_path), isolation_level=None, check_same_thread=False)
    try:
        _apply_key(conn, db_path, key)
        conn.execute("PRAGMA cipher_compatibility = 4")
        # Not cipher_memory_security: SQLCipher wipes its key contexts when the connection
        # closes anyway (the lock test proves no copy is left), and wiping every freed
        # allocation made writes and the caseload query 3-4x slower (bench/bench_store.py).
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
