"""Sync server throughput and a first restore over a rural link. Prints figures; asserts nothing.

Run from the repository root with PostgreSQL on 127.0.0.1:5432:
``python bench/bench_server.py [--seconds 20] [--devices 200] [--concurrency 50]``.

1. A fresh PostgreSQL database (dropped afterwards), migrated; one team per 20 coaches.
2. ``workwell-server serve`` in a subprocess on a free loopback port.
3. One device registered per coach (each an Argon2id check on the server).
4. For a bounded time, devices sync concurrently: each push of a few changes is
   followed by a pull; sustained syncs per second and latency percentiles are printed
   (closed loop: ``--concurrency`` syncs back to back, so its p95 is mostly queueing).
4b. Syncs at fixed arrival rates (``--rates``, default 10, 40, 80, 160 per second), as
   laptops produce them: p50/p95 from each sync's planned start, and the server's CPU
   per sync (its process and workers, from /proc).
5. A first restore of 500 clients x 20 changes (10,000 changes) by a new device,
   through ``RuralLink`` (1 Mbit/s, 300 ms round trip): time, bytes, round trips;
   then an empty sync, which must be one round trip.

Maintenance URL: ``WORKWELL_TEST_POSTGRES_URL`` (default postgres@127.0.0.1:5432/test).
All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import nhs_number
import psycopg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rural_link import RuralLink  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from workwell_desktop.domain.vocabulary import WORK_STATUSES  # noqa: E402
from workwell_desktop.server import auth, db, scope  # noqa: E402
from workwell_desktop.server.models import Team, User  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "benchmark password 1"
WORDS = (
    "walk pain sleep employer phased return hours stress back physio counselling money debt "
    "advice manager meeting adjustments desk chair breaks anxiety low mood confidence GP fit note "
    "review goal plan week garden bus shift rota part-time home support group call letter"
).split()
NAMES = "Amir Bethan Carys Dafydd Eleri Ffion Gareth Huw Iolo Jac Kai Lowri Mari Nia Owain Rhys".split()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


class Clock:
    """HLC stamps in the client's format for one simulated device."""

    def __init__(self, device_id: str):
        self.device_id, self.counter = device_id, 0

    def stamp(self) -> str:
        self.counter += 1
        return f"{int(time.time() * 1000):015d}-{self.counter:06d}-{self.device_id.replace('-', '')}"


_NHS = [n for n in (f"999{i:07d}" for i in range(20_000)) if nhs_number.is_valid(n)]


def change(clock: Clock, rng: random.Random, client_id: str, record_type: str, op: str = "create") -> dict:
    """A valid change, as a laptop sends it (the server checks every one with the domain rules)."""
    if record_type == "client":
        payload = {
            "given_name": rng.choice(NAMES),
            "family_name": rng.choice(NAMES) + "son",
            "nhs_number": rng.choice(_NHS),
            "postcode": f"CA{rng.randint(1, 28)} 4QQ",
            "date_of_birth": f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "phone": "07700900123",
            "email": "",
            "preferred_contact": rng.choice(["phone", "sms"]),
            "preferred_language": "English",
            "interpreter_needed": 0,
            "gp_practice": "",
            "employer": "",
            "work_status": rng.choice(sorted(WORK_STATUSES)),
            "next_review_on": "",
            "coach": "Bench Coach",
        }
        record_id = client_id
    elif record_type == "referral":
        payload = {
            "client_id": client_id,
            "route": rng.choice(["gp", "self", "employer"]),
            "received_on": f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
            "referrer": "",
            "triage_outcome": "pending",
            "decline_reason": "",
            "triage_note": "",
            "triaged_on": "",
            "first_contact_on": "",
        }
        record_id = uuid.uuid4().hex
    elif record_type == "fit_note":
        payload = {
            "client_id": client_id,
            "issued_on": "2025-03-01",
            "valid_from": "2025-03-01",
            "valid_to": "2025-04-01",
            "status": "not_fit",
            "options": "[]",
            "functional_effects": "",
            "supersedes": "",
        }
        record_id = uuid.uuid4().hex
    else:
        payload = {
            "client_id": client_id,
            "held_on": f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
            "mode": "phone",
            "venue": "",
            "duration_minutes": rng.choice([30, 45, 60]),
            "note": words(rng, rng.randint(8, 30)),
            "recorded_by": "Bench Coach",
            "supersedes": "",
        }
        record_id = uuid.uuid4().hex
    return {
        "change_id": uuid.uuid4().hex,
        "record_type": record_type,
        "record_id": record_id,
        "client_id": client_id,
        "op": op,
        "payload": payload,
        "hlc": clock.stamp(),
        "device_id": clock.device_id,
        "actor": "Bench Coach",
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def gz(body: dict) -> bytes:
    return gzip.compress(json.dumps(body, separators=(",", ":")).encode(), 6)


HEADERS = {"Content-Type": "application/json", "Content-Encoding": "gzip", "Accept-Encoding": "zstd, gzip"}


# --- set-up ------------------------------------------------------------------------------------


def create_database(maintenance: str) -> str:
    url = make_url(maintenance)
    name = f"ww_bench_{secrets.token_hex(4)}"
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(maintenance: str, database_url: str) -> None:
    url = make_url(maintenance)
    with psycopg.connect(
        url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)')


def seed_accounts(database_url: str, coaches: int) -> list[str]:
    engine = db.make_engine(database_url)
    db.migrate(engine)
    password_hash = auth.hash_password(PASSWORD)  # one hash shared: set-up, not what is measured
    teams = (coaches + 19) // 20
    with engine.begin() as conn:
        conn.execute(insert(Team), [{"id": t + 1, "name": f"Team {t + 1}"} for t in range(teams)])
        conn.execute(
            insert(User),
            [
                {
                    "username": f"coach{i:03d}",
                    "display_name": f"Coach {i}",
                    "role": "coach",
                    "team_id": i // 20 + 1,
                    "password_hash": password_hash,
                }
                for i in range(coaches)
            ],
        )
    with Session(engine) as session:  # every coach's laptop holds the team: the heavier case
        scope.set_scope(session, "team")
        session.commit()
    engine.dispose()
    return [f"coach{i:03d}" for i in range(coaches)]


ROLES: list[str] = []  # dropped at the end


def app_role_url(database_url: str) -> str:
    """``serve`` refuses a superuser: serve as a least-privilege role, as docs/deployment.md says."""
    role = f"ww_bench_app_{secrets.token_hex(3)}"
    ROLES.append(role)
    engine = db.make_engine(database_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        conn.exec_driver_sql(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'
        )
        conn.exec_driver_sql(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
    engine.dispose()
    return make_url(database_url).set(username=role).render_as_string(hide_password=False)


def start_server(
    database_url: str,
    port: int,
    workers: int,
    log: Path,
    wrapper: Sequence[str] = (),
    tree: Path = ROOT,
    wait_seconds: float = 30,
) -> subprocess.Popen:
    """``serve`` from ``tree``'s package (``python -c`` puts its folder first on the path),
    run under ``wrapper`` if any (``server_instructions``: valgrind); back once it is healthy."""
    env = {**os.environ, "WORKWELL_SERVER_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [
            *wrapper,
            sys.executable,
            "-c",
            "from workwell_desktop.server.cli import main; main()",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=tree,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"the server did not start within {wait_seconds:.0f} s; see {log}")


def register_all(base: str, usernames: list[str]) -> list[dict]:
    def register(username: str) -> dict:
        r = httpx.post(
            f"{base}/api/v1/devices",
            timeout=60,
            json={"username": username, "password": PASSWORD, "device_name": "bench laptop"},
        )
        r.raise_for_status()
        return r.json()

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(register, usernames))


# --- load --------------------------------------------------------------------------------------


def as_laptop(device: dict, seed: object) -> None:
    """What the load keeps for a registered device: its cursor, clock, random numbers (from
    ``seed``) and five clients of its own, none yet sent."""
    device.update(
        cursor="",
        clock=Clock(device["device_id"]),
        rng=random.Random(seed),
        clients=[uuid.uuid4().hex for _ in range(5)],
        known=set(),
    )


def next_batch(device: dict) -> list[dict]:
    """One sync's push: 1 to 5 changes to the device's clients, each client created first."""
    rng, batch = device["rng"], []
    for _ in range(rng.randint(1, 5)):
        client_id = rng.choice(device["clients"])
        new = client_id not in device["known"]
        device["known"].add(client_id)
        batch.append(change(device["clock"], rng, client_id, "client" if new else "contact_session"))
    return batch


async def sustained_load(base: str, devices: list[dict], seconds: float, concurrency: int) -> dict:
    latencies: list[float] = []
    stats: dict = {"pushed": 0, "pulled": 0, "errors": 0, "error_kinds": {}}
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        queue: asyncio.Queue[dict] = asyncio.Queue()
        for d in devices:
            as_laptop(d, d["device_id"])
            queue.put_nowait(d)

        async def worker() -> None:
            while time.monotonic() < deadline:
                d = await queue.get()  # one sync at a time per device, as on a laptop
                batch = next_batch(d)
                started = time.perf_counter()
                try:
                    more, body = True, {"cursor": d["cursor"], "changes": batch}
                    while more:  # a sync: push, then pull until no page waits
                        r = await http.post(
                            "/api/v1/sync",
                            content=gz(body),
                            headers={**HEADERS, "Authorization": f"Bearer {d['token']}"},
                        )
                        r.raise_for_status()
                        reply = r.json()
                        d["cursor"], more = reply["cursor"], reply["more"]
                        stats["pulled"] += len(reply["changes"])
                        stats["pushed"] += len(reply["accepted"])
                        stats["refused"] = stats.get("refused", 0) + len(reply["rejected"])
                        body = {"cursor": d["cursor"]}
                    latencies.append(time.perf_counter() - started)
                except httpx.HTTPError as e:
                    stats["errors"] += 1
                    kind = getattr(getattr(e, "response", None), "status_code", None) or type(e).__name__
                    stats["error_kinds"][str(kind)] = stats["error_kinds"].get(str(kind), 0) + 1
                queue.put_nowait(d)

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "syncs": len(latencies),
        "elapsed": elapsed,
        **stats,
        "p50": statistics.median(latencies) if latencies else 0,
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else 0,
    }


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process and its worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        proc_pid, parent = int(stat.parent.name), int(fields[1])
        if proc_pid == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def fixed_rate(base: str, devices: list[dict], rate: float, seconds: float, server_pid: int) -> dict:
    """Syncs started at a fixed arrival rate (what laptops produce), not back to back: each
    a push of 1 to 5 changes and the pull that follows, by the next idle device. Latency is
    from the planned start, so a server that falls behind shows it as queueing."""
    latencies: list[float] = []
    errors = 0
    idle = list(devices)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

        async def one(d: dict, planned: float) -> None:
            nonlocal errors
            batch = next_batch(d)
            try:
                more, body = True, {"cursor": d["cursor"], "changes": batch}
                while more:
                    r = await http.post(
                        "/api/v1/sync",
                        content=gz(body),
                        headers={**HEADERS, "Authorization": f"Bearer {d['token']}"},
                    )
                    r.raise_for_status()
                    reply = r.json()
                    d["cursor"], more = reply["cursor"], reply["more"]
                    body = {"cursor": d["cursor"]}
                latencies.append(time.perf_counter() - planned)
            except httpx.HTTPError:
                errors += 1
            idle.append(d)

        cpu_before, tasks = server_cpu_seconds(server_pid), []
        started = time.perf_counter()
        for n in range(int(rate * seconds)):
            planned = started + n / rate
            await asyncio.sleep(max(0.0, planned - time.perf_counter()))
            if not idle:  # every device mid-sync: the server is far behind
                errors += 1
                continue
            tasks.append(asyncio.create_task(one(idle.pop(0), planned)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
        cpu = server_cpu_seconds(server_pid) - cpu_before
    latencies.sort()
    return {
        "rate": rate,
        "syncs": len(latencies),
        "errors": errors,
        "elapsed": elapsed,
        "p50": statistics.median(latencies) if latencies else 0,
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else 0,
        "cpu_ms": cpu * 1000 / max(1, len(latencies)),
    }


# --- first restore over the rural link -----------------------------------------------------------


def seed_caseload(base: str, seeder: dict, clients: int, per_client: int) -> int:
    rng, clock = random.Random(1), Clock(seeder["device_id"])
    changes = []
    for _ in range(clients):
        client_id = uuid.uuid4().hex
        changes.append(change(clock, rng, client_id, "client"))
        changes += [
            change(clock, rng, client_id, rng.choice(["contact_session", "referral", "fit_note"]))
            for _ in range(per_client - 1)
        ]
    headers = {**HEADERS, "Authorization": f"Bearer {seeder['token']}"}
    with httpx.Client(base_url=base, timeout=120) as http:
        for i in range(0, len(changes), 500):
            r = http.post(
                "/api/v1/sync", content=gz({"changes": changes[i : i + 500], "page_size": 1}), headers=headers
            )
            r.raise_for_status()
    return len(changes)


def first_restore(port: int, device: dict) -> None:
    headers = {**HEADERS, "Authorization": f"Bearer {device['token']}"}
    with RuralLink("127.0.0.1", port) as link, httpx.Client(base_url=link.url, timeout=120) as http:
        started, cursor, more, got = time.perf_counter(), "", True, 0
        while more:
            r = http.post("/api/v1/sync", content=gz({"cursor": cursor}), headers=headers)
            r.raise_for_status()
            reply = r.json()
            cursor, more = reply["cursor"], reply["more"]
            got += len(reply["changes"])
        elapsed = time.perf_counter() - started
        print(
            f"first restore over 1 Mbit/s + 300 ms RTT: {got} changes in {elapsed:.1f} s; "
            f"{link.bytes_down / 1e3:.0f} kB down, {link.bytes_up / 1e3:.1f} kB up, "
            f"{link.requests} round trips, {link.connections} connection(s)"
        )
        link.reset_counters()
        started = time.perf_counter()
        reply = http.post("/api/v1/sync", content=gz({"cursor": cursor}), headers=headers).json()
        print(
            f"empty sync afterwards: {len(reply['changes'])} changes, {link.requests} round trip, "
            f"{time.perf_counter() - started:.2f} s, {link.bytes_up + link.bytes_down} bytes"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument(
        "--rates",
        type=lambda t: [float(r) for r in t.split(",")],
        default=[10, 40, 80, 160],
        help="fixed arrival rates to measure, syncs per second (comma-separated)",
    )
    parser.add_argument("--rate-seconds", type=float, default=10, help="how long each fixed rate runs")
    args = parser.parse_args()
    maintenance = os.environ.get("WORKWELL_TEST_POSTGRES_URL", PG_DEFAULT)
    database_url = create_database(maintenance)
    proc = None
    try:
        usernames = seed_accounts(database_url, args.devices + 2)
        port = free_port()
        server_log = Path(tempfile.gettempdir()) / f"workwell-bench-server-{port}.log"
        proc = start_server(app_role_url(database_url), port, args.workers, server_log)
        print(f"server log: {server_log}")
        base = f"http://127.0.0.1:{port}"
        print(
            f"server: PostgreSQL, {args.workers} uvicorn worker(s); {os.cpu_count()} CPUs shared with "
            "the load generator and PostgreSQL"
        )

        started = time.perf_counter()
        devices = register_all(base, usernames[: args.devices])
        elapsed = time.perf_counter() - started
        print(
            f"registered {len(devices)} devices in {elapsed:.1f} s ({len(devices) / elapsed:.1f}/s; "
            "Argon2id on each)"
        )

        cpu = resource.getrusage(resource.RUSAGE_SELF)
        result = asyncio.run(sustained_load(base, devices, args.seconds, args.concurrency))
        after = resource.getrusage(resource.RUSAGE_SELF)
        load_cpu = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
        print(
            f"sustained: {result['syncs']} syncs in {result['elapsed']:.1f} s = "
            f"{result['syncs'] / result['elapsed']:.0f} syncs/s at concurrency {args.concurrency}; "
            f"latency p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms; "
            f"{result['pushed']} changes accepted ({result.get('refused', 0)} refused), "
            f"{result['pulled']} pulled, {result['errors']} errors; "
            f"the load generator itself used {load_cpu / result['elapsed']:.1f} CPUs"
        )
        if result["errors"]:
            print(f"errors by kind: {result['error_kinds']}")

        for rate in args.rates:
            fixed = asyncio.run(fixed_rate(base, devices, rate, args.rate_seconds, proc.pid))
            print(
                f"fixed arrival rate {rate:4.0f} syncs/s: {fixed['syncs']} syncs in "
                f"{fixed['elapsed']:.1f} s; "
                f"latency p50 {fixed['p50'] * 1000:5.0f} ms, p95 {fixed['p95'] * 1000:5.0f} ms; "
                f"server CPU {fixed['cpu_ms']:.1f} ms per sync; {fixed['errors']} errors or not started"
            )

        # A fresh team for the restore: the caseload seeded by one coach, restored by a colleague.
        seeder, restorer = register_all(base, usernames[-2:])
        started = time.perf_counter()
        seeded = seed_caseload(base, seeder, 500, 20)
        print(f"seeded {seeded} changes (500 clients x 20) in {time.perf_counter() - started:.1f} s")
        first_restore(port, restorer)
    finally:
        if proc:
            proc.terminate()
            proc.wait(10)
        drop_database(maintenance, database_url)
        url = make_url(maintenance).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as conn:
            for role in ROLES:
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')


if __name__ == "__main__":
    main()
