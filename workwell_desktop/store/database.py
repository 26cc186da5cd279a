"""The encrypted client record store: the one way the app reads and writes records.

Every write is one transaction that changes the record, appends the change to the
change log (the sync outbox) and appends an entry to the audit trail; if any part
fails, none of it is kept.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3

from ..domain.assessments import Assessment
from ..domain.clock import next_stamp
from ..domain.records import AnyRecord, Client, Record, client_id_of
from ..domain.registry import RECORD_TYPES
from ..hardening import private_folder, tighten_data_folder
from . import audit, causal, issued_pdfs, merges
from .connection import connect, migrate
from .errors import (
    AlreadyInitialised,
    ImmutableRecord,
    InvalidRecord,
    KeyNotSaved,
    NotInitialised,
    RecordNotFound,
)
from .keys import (
    choose_key_store_kind,
    kdf_params,
    key_store_for,
    new_database_key,
    require_strong,
    scrub,
    unwrap_key,
    wrap_key,
    write_private_file,
)
from .rows import from_row, to_row, wire_value

log = logging.getLogger(__name__)

DB_FILE = "workwell.db"
SETTINGS_FILE = "workwell.json"  # no secrets: which key store, and this install's id


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_initialised(data_dir: Path) -> bool:
    return (Path(data_dir) / SETTINGS_FILE).exists()


class Store:
    """An unlocked database. Create with :meth:`create` or :meth:`open`."""

    def __init__(self, conn, data_dir: Path, key_store, key: bytearray):
        self._conn = conn
        # Held while unlocked so background work (sync) can open its own connection, in
        # a buffer of this store's own that close() (lock, exit) overwrites with zeros.
        self._key: bytearray | None = key
        self.data_dir = Path(data_dir)
        self.key_store = key_store
        audit.bind(conn, key)  # entries written on this connection are sealed with the chain key
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.device_id: str = meta["device_id"]
        self._meta_seen: dict[str, str] = meta  # what a closed store still answers with

    def _meta(self, key: str, default: str = "") -> str:
        if self._conn is not None:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            self._meta_seen[key] = row[0] if row else default
        return self._meta_seen.get(key, default)

    # Read each time: registering (on another connection) replaces the name typed at
    # set-up with the server account's display name and role.
    @property
    def coach_name(self) -> str:
        return self._meta("coach_name")

    @property
    def coach_role(self) -> str:
        return self._meta("coach_role", "coach")

    @property
    def coach_identity(self) -> str:
        """Who new clients belong to: the server account (username) once this laptop is
        registered, so every laptop and the server name a coach the same way; before
        that, the name typed at set-up."""
        return self._meta("sync_username") or self.coach_name

    # ----- opening -------------------------------------------------------
    @classmethod
    def create(
        cls,
        data_dir: Path,
        passphrase: str,
        coach_name: str,
        coach_role: str = "coach",
        key_store_kind: str | None = None,
    ) -> Store:
        """Set up a new encrypted database protected by ``passphrase``."""
        data_dir = Path(data_dir)
        if is_initialised(data_dir):
            raise AlreadyInitialised(f"{data_dir} already holds a WorkWell database.")
        if not coach_name.strip():
            raise InvalidRecord({"coach_name": "Enter your name: it is recorded against your work."})
        require_strong(passphrase, (coach_name,))
        private_folder(data_dir)
        tighten_data_folder(data_dir)
        install_id = uuid.uuid4().hex
        kind = key_store_kind or choose_key_store_kind()
        key_store = key_store_for(kind, data_dir, install_id)
        key = new_database_key()
        try:
            key_store.save(wrap_key(key, passphrase))
            db_path = data_dir / DB_FILE
            conn = connect(db_path, key)
            migrate(conn, db_path)
            audit.bind(conn, key)
        except BaseException:
            scrub(key)
            raise
        with _transaction(conn) as cur:
            cur.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [
                    ("device_id", uuid.uuid4().hex),
                    ("coach_name", coach_name.strip()),
                    ("coach_role", coach_role),
                    ("created_at", _now()),
                ],
            )
            audit.append(cur, coach_name.strip(), "create-database")
        # Written last: its presence is what marks the folder as set up.
        write_private_file(
            data_dir / SETTINGS_FILE,
            json.dumps({"format": 1, "install_id": install_id, "key_store": kind}, indent=2),
        )
        log.info("created database (key store: %s)", kind)
        return cls(conn, data_dir, key_store, key)

    @classmethod
    def open(cls, data_dir: Path, passphrase: str) -> Store:
        """Unlock an existing database; wrong passphrase or key problems change nothing."""
        data_dir = Path(data_dir)
        settings_path = data_dir / SETTINGS_FILE
        db_path = data_dir / DB_FILE
        if not settings_path.exists() or not db_path.exists():
            raise NotInitialised(
                f"There is no WorkWell database in {data_dir}. Set one up first "
                "(in the app, or with: workwell-admin init)."
            )
        tighten_data_folder(data_dir)
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        key_store = key_store_for(settings.get("key_store", ""), data_dir, settings.get("install_id", ""))
        wrapped = key_store.load()
        key = unwrap_key(wrapped, passphrase)
        try:
            conn = connect(db_path, key)
            migrate(conn, db_path)
        except BaseException:
            scrub(key)
            raise
        store = cls(conn, data_dir, key_store, key)
        if kdf_params(wrapped).weaker_than_current:
            try:  # transparently, at the unlock that proves the passphrase
                store._rewrap(passphrase, "upgraded the key's passphrase protection to current strength")
            except (OSError, KeyNotSaved) as exc:  # the old wrap still works: try next time
                log.warning("could not upgrade the key's protection (%s)", type(exc).__name__)
        if audit.upgrade_chain(conn):
            log.info("audit trail re-sealed with the keyed chain")
        if issued_pdfs.keep_legacy_apart(store):
            store.compact()  # once, after the upgrade: the PDFs' old space back
        from .replica import replay_deferred

        if replayed := replay_deferred(store):
            log.info("applied %d changes kept from a newer version", replayed)
        log.info("database unlocked")
        return store

    def close(self) -> None:
        """Close the connection and zero this store's copy of the key (lock and exit)."""
        scrub(self._key)
        self._key = None
        if self._conn is not None:
            audit.unbind(self._conn)
            self._conn.close()
            self._conn = None

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def sibling(self) -> Store:
        """Another connection to this database, for a background thread (WAL lets it
        write while the GUI reads). Close it when the work is done."""
        if self._key is None:
            raise NotInitialised("The database is locked.")
        key = bytearray(self._key)  # its own copy: each store zeroes its own on close
        try:
            return Store(connect(self.data_dir / DB_FILE, key), self.data_dir, self.key_store, key)
        except BaseException:
            scrub(key)
            raise

    def wipe(self) -> None:
        """Close, then remove this laptop's database and key (see wipe_data_folder)."""
        self.close()
        wipe_data_folder(self.data_dir)

    def check_passphrase(self, passphrase: str) -> None:
        """Raises WrongPassphrase unless ``passphrase`` unlocks this database's key."""
        scrub(unwrap_key(self.key_store.load(), passphrase))

    def change_passphrase(self, current: str, new: str) -> None:
        """Protect the key with a new passphrase. The current one must be right and the new
        one strong (WrongPassphrase, WeakPassphrase); the database itself is unchanged."""
        self.check_passphrase(current)
        require_strong(new, (self.coach_name,))
        if new == current:
            from .errors import WeakPassphrase

            raise WeakPassphrase("The new passphrase is the same as the current one: choose a new one.")
        self._rewrap(new, "changed the passphrase")
        self.record_event("change-passphrase")

    def _rewrap(self, passphrase: str, what: str) -> None:
        # The key is wrapped afresh (new salt, Argon2id at current cost) and saved atomically:
        # a crash leaves the old wrap or the new one, both of which open the database.
        if self._key is None:
            raise NotInitialised("The database is locked.")
        self.key_store.save(wrap_key(self._key, passphrase))
        log.info("%s", what)

    # ----- writing --------------------------------------------------------
    def add(self, record: AnyRecord) -> AnyRecord:
        """Validate and save a new record; raises InvalidRecord with per-field messages."""
        return self.add_together([record])[0]

    def add_together(self, records: Sequence[AnyRecord]) -> list[AnyRecord]:
        """Save several new records in one transaction (a client with their referral):
        all of them or, if any is invalid, none. Returns them as stored."""
        prepared, errors, batch_ids = [], {}, {r.id for r in records}
        for record in records:
            if hasattr(record, "normalised"):  # one stored form (client details, consent times)
                record = record.normalised()
            if isinstance(record, Client):
                if not record.coach:
                    record = replace(record, coach=self.coach_identity)
            errors.update(record.validate())
            errors.update(self._conflicts(record, batch_ids))
            if isinstance(record, Assessment):
                from ..instruments.derived import score_problems  # the instruments load on first use

                # A stored score is never trusted: refused unless the answers give it.
                errors.update(score_problems(record))
            prepared.append(record)
        if errors:
            raise InvalidRecord(errors)
        with self._write() as cur:
            for index, record in enumerate(prepared):
                # An issued letter's PDF is kept apart, compressed, in this transaction.
                record = prepared[index] = issued_pdfs.kept_apart(cur, record)
                row = to_row(record)
                cur.execute(
                    f"INSERT INTO {record.record_type} ({', '.join(row)})"
                    f" VALUES ({', '.join('?' * len(row))})",
                    tuple(row.values()),
                )
                self._record_change(cur, record, "create", row)
        return prepared

    def update(self, record_cls: type[AnyRecord], record_id: str, **changes) -> AnyRecord:
        """Change fields of a mutable record (client details, referral and triage)."""
        if not record_cls.mutable:
            raise ImmutableRecord(
                f"A {record_cls.record_type.replace('_', ' ')} cannot be edited once made: "
                "record a correction that supersedes it."
            )
        current = self.get(record_cls, record_id)
        unknown = set(changes) - set(record_cls.field_names()) | ({"id"} & set(changes))
        if unknown:
            raise InvalidRecord({name: "This field cannot be changed." for name in unknown})
        updated = replace(current, **changes)
        if isinstance(updated, Client):
            updated = updated.normalised()
        errors = updated.validate()
        if not isinstance(updated, Client) or updated.nhs_number != getattr(current, "nhs_number", None):
            # Only a change of NHS number is checked: two clients who already share one
            # (entered on two laptops) stay editable until a coach merges them.
            errors.update(self._conflicts(updated))
        if errors:
            raise InvalidRecord(errors)
        before, after = to_row(current), to_row(updated)
        changed = {k: v for k, v in after.items() if before[k] != v}
        if not changed:
            return current
        assignments = ", ".join(f"{name} = ?" for name in changed)
        with self._write() as cur:
            cur.execute(
                f"UPDATE {record_cls.record_type} SET {assignments} WHERE id = ?",
                (*changed.values(), record_id),
            )
            self._record_change(cur, updated, "update", changed)
        return updated

    def record_event(self, action: str, detail: str = "") -> None:
        """Audit something that is not a record change (an export, an import)."""
        with self._write() as cur:
            audit.append(cur, self.coach_name, action, detail=detail)

    def _conflicts(self, record: Record, batch_ids: frozenset | set = frozenset()) -> dict[str, str]:
        if isinstance(record, Client):
            row = self._conn.execute(
                "SELECT given_name, family_name FROM client WHERE nhs_number = ? AND id != ?"
                " AND merged_into = ''",
                (record.nhs_number, record.id),
            ).fetchone()
            if row:
                return {"nhs_number": f"{row[0]} {row[1]} already has this NHS number on the caseload."}
        elif (client_id := getattr(record, "client_id", None)) is not None and client_id not in batch_ids:
            if not self._conn.execute("SELECT 1 FROM client WHERE id = ?", (client_id,)).fetchone():
                return {"client_id": "This record is not attached to a client on the caseload."}
        return {}

    def _record_change(self, cur, record: Record, op: str, fields: dict) -> None:
        last = cur.execute("SELECT value FROM meta WHERE key = 'hlc'").fetchone()
        stamp = next_stamp(last[0] if last else None, self.device_id)
        cur.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc', ?)", (stamp,))
        # A record type's local fields (an issued letter's PDF) never enter the change log.
        local = ("id", *getattr(type(record), "local_fields", ()))
        payload = {k: wire_value(v) for k, v in fields.items() if k not in local}
        mutable = type(record).mutable
        # The values of each field this edit saw (every concurrent one): it supersedes
        # exactly those (see store.causal and sync.wire.Change.base).
        base = (
            causal.base_of(cur, record.record_type, record.id, payload) if mutable and op == "update" else {}
        )
        cur.execute(
            "INSERT INTO change_log (change_id, record_type, record_id, client_id, op, payload,"
            " base, hlc, device_id, actor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                # A record is created once, so its create is named by the record's own id:
                # the pair costs one random id on the sync wire, not two (#15: the ids were
                # most of a first restore's compressed bytes).
                record.id if op == "create" else uuid.uuid4().hex,
                record.record_type,
                record.id,
                client_id_of(record),
                op,
                json.dumps(payload, separators=(",", ":")),
                json.dumps(base, separators=(",", ":")),
                stamp,
                self.device_id,
                self.coach_name,
                _now(),
            ),
        )
        if mutable:  # facts once made never merge field by field
            for name in payload:
                causal.receive(
                    cur,
                    record.record_type,
                    record.id,
                    client_id_of(record),
                    name,
                    stamp,
                    fields[name],
                    self.coach_name,
                    set(base.get(name, ())),
                )
        audit.append(cur, self.coach_name, op, record.record_type, record.id, ",".join(sorted(payload)))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        with _transaction(self._conn) as cur:
            yield cur

    # ----- reading --------------------------------------------------------
    def get(self, record_cls: type[AnyRecord], record_id: str) -> AnyRecord:
        row = self._fetch(f"SELECT * FROM {record_cls.record_type} WHERE id = ?", (record_id,))
        if not row:
            raise RecordNotFound(f"No {record_cls.record_type.replace('_', ' ')} with id {record_id}.")
        return from_row(record_cls, row[0])

    def for_client(self, record_cls: type[AnyRecord], client_id: str) -> list[AnyRecord]:
        """A person's records of one type, oldest first: the client's own and those of every
        client that is the same person, merged (both histories are kept; ``merges``).
        ``client_id`` may be the client shown or a duplicate merged into it: either way the
        whole person's consent, risk and history is read."""
        ids = merges.person(self._conn, client_id)
        rows = self._fetch(
            f"SELECT * FROM {record_cls.record_type} WHERE client_id IN"
            f" ({', '.join('?' * len(ids))}) ORDER BY rowid",
            tuple(ids),
        )
        return [from_row(record_cls, r) for r in rows]

    def all(self, record_cls: type[AnyRecord]) -> list[AnyRecord]:
        return [from_row(record_cls, r) for r in self._fetch(f"SELECT * FROM {record_cls.record_type}")]

    def client_by_nhs_number(self, nhs_number: str) -> Client | None:
        from ..domain.validation import normalise_nhs_number

        rows = self._fetch("SELECT * FROM client WHERE nhs_number = ?", (normalise_nhs_number(nhs_number),))
        if not rows:
            return None
        # A duplicate merged away is answered with the client the person is shown as.
        shown = merges.shown_as(self._conn)
        return self.get(Client, shown.get(rows[0]["id"], rows[0]["id"]))

    def possible_duplicates(self) -> list[list[Client]]:
        """Clients sharing an NHS number, not merged: the same person entered on two
        laptops. Each group oldest first; a coach merges them (``merge_clients``)."""
        rows = self._fetch(
            "SELECT * FROM client WHERE merged_into = '' AND nhs_number IN (SELECT nhs_number FROM client"
            " WHERE merged_into = '' GROUP BY nhs_number HAVING count(*) > 1) ORDER BY nhs_number, rowid"
        )
        groups: dict[str, list[Client]] = {}
        for row in rows:
            groups.setdefault(row["nhs_number"], []).append(from_row(Client, row))
        return list(groups.values())

    def merge_clients(self, keep_id: str, duplicate_id: str) -> Client:
        """Merge a possible duplicate into the client kept: nothing is deleted; the duplicate
        and its history show under the kept client on every laptop (the merge syncs)."""
        keep, duplicate = self.get(Client, keep_id), self.get(Client, duplicate_id)
        if keep.id in merges.shown_as(self._conn) or keep.id == duplicate.id:
            raise InvalidRecord({"merged_into": "Choose a client who has not been merged already."})
        if keep.nhs_number != duplicate.nhs_number:
            raise InvalidRecord({"merged_into": "Only clients with the same NHS number can be merged."})
        return self.update(Client, duplicate_id, merged_into=keep_id)

    def pending_change_count(self) -> int:
        """Changes still to send (those the server refused are counted apart)."""
        return self._conn.execute(
            "SELECT count(*) FROM change_log WHERE sent_at IS NULL AND rejected_reason IS NULL"
        ).fetchone()[0]

    def file_size(self) -> int:
        page = int(self._conn.execute("PRAGMA page_size").fetchone()[0])  # SQLCipher: text
        return page * int(self._conn.execute("PRAGMA page_count").fetchone()[0])

    def compact(self) -> bool:
        """VACUUM: give back the space of pruned payloads (replica.mark_sent), so the file
        stays about the size of its records. SQLCipher vacuums through an encrypted copy
        under the same key. Skipped (False) while another statement on this connection runs."""
        try:
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # WAL: the file shrinks here
        except sqlcipher3.OperationalError as busy:
            log.info("compact skipped: %s", busy)
            return False
        return True

    def changes(self) -> list[dict]:
        """The change log, oldest first (what sync will push)."""
        return self._fetch("SELECT * FROM change_log ORDER BY seq")

    def audit_trail(self) -> list[dict]:
        return self._fetch("SELECT * FROM audit ORDER BY seq")

    def verify_audit(self, *anchors: tuple[int, str]) -> list[str]:
        """Every problem with the audit trail and the records it proves (see store.audit);
        ``anchors``: the heads the server has anchored for this laptop, oldest first, when known."""
        return audit.verify(self._conn, anchors)

    def audit_head(self) -> tuple[int, str]:
        """The audit chain's head (sequence number, seal), as anchored at the server each sync."""
        return audit.head(self._conn)

    def caseload(self):
        """Every client with status, next review and last contact (see store.caseload)."""
        from .caseload import caseload

        return caseload(self)

    def rows(self, sql: str, params: tuple = ()) -> list[dict]:
        """Read-only query results as dicts, for reports and lists in this package."""
        return self._fetch(sql, params)

    def _fetch(self, sql: str, params: tuple = ()) -> list[dict]:
        cur = self._conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    @property
    def connection(self):
        """For read-only reporting queries in this package; writes go through add/update."""
        return self._conn


def wipe_data_folder(data_dir: Path) -> None:
    """Remove the database, its backups and its key: used when IT revokes the device.
    Every connection to the database must be closed first."""
    import shutil

    data_dir = Path(data_dir)
    settings_path = data_dir / SETTINGS_FILE
    if settings_path.exists():
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        key_store_for(settings.get("key_store", "file"), data_dir, settings.get("install_id", "")).delete()
    for name in (
        DB_FILE,
        f"{DB_FILE}-wal",
        f"{DB_FILE}-shm",
        f"{DB_FILE}-journal",
        SETTINGS_FILE,
        "key.json",
        "connect-hint.json",  # sync.early_connect: where the last sync connected
    ):
        (data_dir / name).unlink(missing_ok=True)
    shutil.rmtree(data_dir / "backups", ignore_errors=True)
    log.warning("device revoked: local database and key wiped")


@contextmanager
def _transaction(conn) -> Iterator[sqlite3.Cursor]:
    cur = conn.cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        yield cur
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    else:
        cur.execute("COMMIT")


__all__ = ["Store", "is_initialised", "RECORD_TYPES"]
