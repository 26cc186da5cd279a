"""Desktop sync over an emulated rural link (1 Mbit/s, 300 ms round trip), end to end:
the real desktop store and sync engine against the real server on loopback.

    .venv/bin/python bench/bench_sync.py [--clients 500]

Prints, for a first restore of a caseload with full history (about 20 records per
client), a day's work of 200 changes pushed from one laptop and pulled by another,
and an empty sync: time, bytes on the wire each way, and round trips.
Targets: first restore under 15 s, a day's sync under 3 s, empty sync one round trip.
The server runs on SQLite here (bench_server.py measures it on PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ["WORKWELL_KEY_STORE"] = "file"

import uvicorn  # noqa: E402
from rural_link import RuralLink  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from workwell_desktop.domain.records import (  # noqa: E402
    Client,
    ConsentEvent,
    ContactSession,
    FitNote,
    Referral,
)
from workwell_desktop.server import admin, db  # noqa: E402
from workwell_desktop.server.app import create_app  # noqa: E402
from workwell_desktop.store import Store, replica  # noqa: E402
from workwell_desktop.sync import engine  # noqa: E402

PASSPHRASE = "bench passphrase for sync"
PASSWORD = "bench password long enough"


def nhs_numbers(n: int):
    import nhs_number

    i = 0
    while n:
        first9 = f"999{i:06d}"
        i += 1
        check = nhs_number.calculate_checksum(first9)
        if check is not None and check != 10:
            n -= 1
            yield f"{first9}{check}"


def caseload_with_history(store: Store, clients: int) -> int:
    """About 20 records per client: details, referral, sessions, consent, fit notes."""
    records = 0
    for i, nhs in enumerate(nhs_numbers(clients)):
        c = Client(given_name=f"Given{i}", family_name=f"Family{i}", date_of_birth="1980-01-01",
                   nhs_number=nhs, postcode="CA1 1AB", phone="07700900123")
        batch = [c, Referral(client_id=c.id, route="gp", received_on="2026-09-01",
                             triage_outcome="accepted", triaged_on="2026-09-02",
                             first_contact_on="2026-09-05")]
        batch += [ContactSession(client_id=c.id, held_on=f"2026-10-{d:02d}", mode="phone",
                                 duration_minutes=30, note="Discussed return to work and sleep.")
                  for d in range(1, 13)]
        batch += [ConsentEvent(client_id=c.id, scope=s, action="given", method="verbal",
                               recorded_by="Ann", recorded_at="2026-09-05T10:00:00+00:00")
                  for s in ("participation", "share_gp", "share_employer", "contact_sms")]
        batch += [FitNote(client_id=c.id, issued_on="2026-09-01", valid_from="2026-09-01",
                          valid_to="2026-09-28", status="may_be_fit", options=("phased_return",))
                  for _ in range(2)]
        store.add_together(batch)
        records += len(batch)
    return records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ww-bench-sync-"))
    server_engine = db.make_engine(f"sqlite:///{tmp / 'server.db'}")
    db.migrate(server_engine)
    with Session(server_engine) as s:
        admin.create_team(s, "North Cumbria")
        # Bob restores Ann's caseload: the team scope (caseload scope would send him none of it).
        admin.set_scope(s, "team")
    for user in ("ann", "bob"):
        with Session(server_engine) as s:
            admin.create_user(s, user, "North Cumbria", "coach", PASSWORD, user.title())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(server_engine), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    direct = f"http://127.0.0.1:{port}"

    ann = Store.create(tmp / "ann", PASSPHRASE, "Ann")
    engine.register(ann, direct, "ann", PASSWORD)
    records = caseload_with_history(ann, args.clients)
    engine.sync(ann)  # the office upload, not timed
    print(f"caseload: {args.clients} clients, {records} records ({records / args.clients:.0f} per client)")

    with RuralLink("127.0.0.1", port) as link:
        bob = Store.create(tmp / "bob", PASSPHRASE, "Bob")
        engine.register(bob, link.url, "bob", PASSWORD)
        link.reset_counters()
        start = time.perf_counter()
        report = engine.sync(bob)
        took = time.perf_counter() - start
        print(f"first restore:  {took:6.2f} s  {report.pulled} changes  "
              f"{link.bytes_down / 1e3:7.0f} kB down  {link.bytes_up / 1e3:5.1f} kB up  "
              f"{link.requests} round trips   (target < 15 s)")

        replica.set_settings(ann, server_url=link.url)
        clients = ann.all(Client)
        for i in range(200):  # a day's work: edits and new sessions
            c = clients[i % len(clients)]
            if i % 2:
                ann.update(Client, c.id, employer=f"Employer {i}")
            else:
                ann.add(ContactSession(client_id=c.id, held_on="2026-11-20", mode="in_person",
                                       venue="Brampton GP practice", duration_minutes=45, note="Review."))
        link.reset_counters()
        start = time.perf_counter()
        pushed = engine.sync(ann)
        push_took = time.perf_counter() - start
        up, down, trips = link.bytes_up, link.bytes_down, link.requests
        link.reset_counters()
        start = time.perf_counter()
        pulled = engine.sync(bob)
        pull_took = time.perf_counter() - start
        print(f"day's work push: {push_took:5.2f} s  {pushed.pushed} changes  {up / 1e3:6.1f} kB up  "
              f"{down / 1e3:5.1f} kB down  {trips} round trips   (target < 3 s)")
        print(f"day's work pull: {pull_took:5.2f} s  {pulled.pulled} changes  "
              f"{link.bytes_down / 1e3:6.1f} kB down  {link.bytes_up / 1e3:5.1f} kB up  "
              f"{link.requests} round trips   (target < 3 s)")
        link.reset_counters()
        start = time.perf_counter()
        empty = engine.sync(bob)
        print(f"empty sync:      {time.perf_counter() - start:5.2f} s  {empty.requests} request(s)  "
              f"{link.requests} round trip(s)  {link.bytes_up + link.bytes_down} bytes   (target 1)")
    ann.close()
    bob.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
