"""Store figures at 5,000 clients: unlock time, caseload load time, SQLCipher's cost.

Prints figures next to their targets; asserts nothing. Run from the repository root:
``python bench/bench_store.py [CLIENTS]``.

The SQLCipher-versus-SQLite comparison runs the *same* code on both: the same
demo records, saved through ``Store.add_together`` (with its change log, field
clocks and audit chain), and the same ``store.caseload()``. The plain database
is built by applying ``store.schema.MIGRATIONS`` to a plain ``sqlite3``
connection with the same pragmas, so the ratio is the cost of encryption alone
(plus any difference between the two SQLite builds, printed below).
"""

from __future__ import annotations

import inspect
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

try:
    import workwell_desktop  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlcipher3

from workwell_desktop.cli.demo import demo_clients
from workwell_desktop.store import Store
from workwell_desktop.store.connection import migrate
from workwell_desktop.store.keys import unwrap_key

PASSPHRASE = "benchmark passphrase, not a secret"
COACH = "Bench Coach"
CASELOAD_RUNS = 20
OPEN_RUNS = 10
BULK = 50  # clients per transaction in the bulk comparison


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timings(action, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        out.append(time.perf_counter() - started)
    return out


def plain_store(folder: Path) -> Store:
    """A Store on an unencrypted sqlite3 database with the same schema and pragmas."""
    path = folder / "plain.db"
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in ("journal_mode = WAL", "temp_store = MEMORY", "foreign_keys = ON", "busy_timeout = 5000"):
        conn.execute(f"PRAGMA {pragma}")
    migrate(conn, path)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("device_id", uuid.uuid4().hex),
            ("coach_name", COACH),
            ("coach_role", "coach"),
            ("created_at", datetime.now(UTC).isoformat(timespec="seconds")),
        ],
    )
    # Store's constructor is internal; newer versions also keep the raw key (for
    # background connections and the audit chain's HMAC key). A plain database has
    # none, so it gets a random one: the audit chain is sealed the same way.
    extra = {"key": os.urandom(32)} if "key" in inspect.signature(Store.__init__).parameters else {}
    return Store(conn, folder, key_store=None, **extra)


def fill(store: Store, batches, clients_per_transaction: int = 1) -> float:
    started = time.perf_counter()
    for i in range(0, len(batches), clients_per_transaction):
        store.add_together([r for batch in batches[i : i + clients_per_transaction] for r in batch])
    return time.perf_counter() - started


def bulk_fill_ratio(batches, per_transaction: int, folder: Path) -> tuple[float, float]:
    """The same inserts with several clients per transaction (as a bulk import could do)."""
    cipher = Store.create(folder / "cipher-bulk", PASSPHRASE, COACH, key_store_kind="file")
    (folder / "plain-bulk").mkdir()
    plain = plain_store(folder / "plain-bulk")
    try:
        return fill(cipher, batches, per_transaction), fill(plain, batches, per_transaction)
    finally:
        cipher.close()
        plain.close()


def main(clients: int = 5000) -> None:
    print(
        f"Store benchmark: {clients} synthetic clients "
        f"(SQLite {sqlite3.sqlite_version}; SQLCipher build: SQLite {sqlcipher3.sqlite_version})"
    )
    batches = list(demo_clients(clients, seed=1, coach=COACH, today=date.today()))
    records = sum(len(b) for b in batches)
    print(
        f"  workload: {records} records ({records / clients:.1f} per client), "
        "one add_together transaction per client"
    )
    with tempfile.TemporaryDirectory(prefix="workwell-bench-") as tmp:
        cipher_dir, plain_dir = Path(tmp) / "cipher", Path(tmp) / "plain"
        plain_dir.mkdir()
        cipher = Store.create(cipher_dir, PASSPHRASE, COACH, key_store_kind="file")
        plain = plain_store(plain_dir)
        fill_cipher = fill(cipher, batches)
        fill_plain = fill(plain, batches)

        load_cipher = timings(cipher.caseload, CASELOAD_RUNS)
        load_plain = timings(plain.caseload, CASELOAD_RUNS)
        assert len(cipher.caseload()) == len(plain.caseload()) == clients
        cipher.close()
        plain.close()

        wrapped = (cipher_dir / "key.json").read_text(encoding="utf-8")
        unwrap = timings(lambda: unwrap_key(wrapped, PASSPHRASE), OPEN_RUNS)
        opens = timings(lambda: Store.open(cipher_dir, PASSPHRASE).close(), OPEN_RUNS)
        size = (cipher_dir / "workwell.db").stat().st_size
        bulk_cipher, bulk_plain = bulk_fill_ratio(batches, BULK, Path(tmp))

    print()
    print(f"{'figure':44}{'result':>12}   target")
    print(
        f"{'open + unlock, median of ' + str(OPEN_RUNS):44}{ms(statistics.median(opens))}"
        f"    < 300 ms (Argon2id t=3 m=64 MiB p=4, RFC 9106 low-memory, is ~0.1 s of it by design)"
    )
    print(f"{'  of which passphrase key unwrap (Argon2id)':44}{ms(statistics.median(unwrap))}")
    print(f"{'caseload load, median':44}{ms(statistics.median(load_cipher))}")
    print(f"{'caseload load, p95 of ' + str(CASELOAD_RUNS):44}{ms(p95(load_cipher))}")
    print(
        f"{'insert ' + str(clients) + ' clients, SQLCipher':44}{ms(fill_cipher)}"
        f"    ({clients / fill_cipher:.0f} clients/s)"
    )
    print(
        f"{'insert ' + str(clients) + ' clients, plain SQLite':44}{ms(fill_plain)}"
        f"    ({clients / fill_plain:.0f} clients/s)"
    )
    print(f"{'caseload load median, plain SQLite':44}{ms(statistics.median(load_plain))}")
    insert_ratio = fill_cipher / fill_plain
    load_ratio = statistics.median(load_cipher) / statistics.median(load_plain)
    total_ratio = (fill_cipher + sum(load_cipher)) / (fill_plain + sum(load_plain))
    print(f"{'SQLCipher / SQLite, inserts':44}{insert_ratio:8.2f} x      < 1.3x")
    print(f"{'SQLCipher / SQLite, caseload query':44}{load_ratio:8.2f} x      < 1.3x")
    print(f"{'SQLCipher / SQLite, whole workload':44}{total_ratio:8.2f} x      < 1.3x")
    print(f"{'encrypted database size':44}{size / 1e6:8.1f} MB")
    print()
    print(f"For comparison, {BULK} clients per transaction (fewer commits):")
    print(f"{'insert, SQLCipher':44}{ms(bulk_cipher)}    ({clients / bulk_cipher:.0f} clients/s)")
    print(f"{'insert, plain SQLite':44}{ms(bulk_plain)}    ({clients / bulk_plain:.0f} clients/s)")
    print(f"{'SQLCipher / SQLite, inserts':44}{bulk_cipher / bulk_plain:8.2f} x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
