"""Desktop sync over an emulated rural link (1 Mbit/s, 300 ms round trip), end to end:
the real desktop store and sync engine against the real server on loopback.

    .venv/bin/python bench/bench_sync.py [--clients 500] [--runs 5]

Prints, for a first restore of a caseload with a year of history (``demo-data --history``:
about 20 records per client, one issued letter each), a day's work of 200 changes pushed
from one laptop and pulled by another,
and an empty sync: time, bytes on the wire each way, and round trips.
Targets (#15): first restore under 10 s, a day's push and pull each under 1 s, an empty sync
one round trip.
The server runs on SQLite here (bench_server.py measures it on PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an installed copy
os.environ["WORKWELL_KEY_STORE"] = "file"

import local_server  # noqa: E402
from bench_start import WARM_UP_RUNS, child_env, process_ms, runs_argument  # noqa: E402
from rural_link import RuralLink  # noqa: E402

from workwell_desktop.cli.demo import add_demo_caseload  # noqa: E402
from workwell_desktop.domain.records import Client, ContactSession  # noqa: E402
from workwell_desktop.store import Store, replica  # noqa: E402
from workwell_desktop.sync import engine  # noqa: E402

PASSPHRASE = "bench passphrase for sync"
PASSWORD = "bench password long enough"


class _timed_pages:
    """Times each page the laptop applies (replica.apply_remote) until ``untimed`` is put back."""

    def __init__(self):
        self.took: list[float] = []
        self.untimed = replica.apply_remote

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.untimed(*args, **kwargs)
            finally:
                self.took.append(time.perf_counter() - start)

        replica.apply_remote = timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--runs", type=runs_argument, default=5, help="of the empty sync from process start")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ww-bench-sync-"))
    # Bob restores Ann's caseload: the team scope (caseload scope would send him none of it).
    server, port = local_server.start(tmp, ("ann", "bob"), PASSWORD, scope="team")
    direct = f"http://127.0.0.1:{port}"

    ann = Store.create(tmp / "ann", PASSPHRASE, "Ann")
    engine.register(ann, direct, "ann", PASSWORD)
    made = time.perf_counter()
    records = sum(add_demo_caseload(ann, args.clients, seed=15, history=True).values())
    made = time.perf_counter() - made
    engine.sync(ann)  # the office upload, not timed
    print(
        f"caseload (demo-data --history): {args.clients} clients, {records} records "
        f"({records / args.clients:.0f} per client), made in {made:.0f} s"
    )

    with RuralLink("127.0.0.1", port) as link:
        bob = Store.create(tmp / "bob", PASSPHRASE, "Bob")
        engine.register(bob, link.url, "bob", PASSWORD)
        link.reset_counters()
        pages = _timed_pages()
        start = time.perf_counter()
        report = engine.sync(bob)
        took = time.perf_counter() - start
        replica.apply_remote = pages.untimed
        print(
            f"first restore:  {took:6.2f} s  {report.pulled} changes  "
            f"{link.bytes_down / 1e3:7.0f} kB down  {link.bytes_up / 1e3:5.1f} kB up  "
            f"{link.requests} round trips  {link.connections} TCP connection(s)   (target < 10 s)"
        )
        # Where it went: the link's own floor (bytes at 1 Mbit/s, one round trip a request
        # and the handshake), and the laptop applying pages: all but the last while the next
        # page crosses the link, so only the last one adds to the time.
        floor = link.bytes_down * 8 / link.rate_bps  # the way down is the long one
        trips = (link.requests + link.connections) * 2 * link.one_way_delay
        print(
            f"  of which: {floor:5.2f} s bytes on the link, {trips:4.2f} s round trips and handshake; "
            f"applying {len(pages.took)} pages {sum(pages.took):4.2f} s "
            f"({', '.join(f'{t:.2f}' for t in pages.took)}), the last not overlapped"
        )

        replica.set_settings(ann, server_url=link.url)
        clients = ann.all(Client)
        for i in range(200):  # a day's work: edits and new sessions
            c = clients[i % len(clients)]
            if i % 2:
                ann.update(Client, c.id, employer=f"Employer {i}")
            else:
                ann.add(
                    ContactSession(
                        client_id=c.id,
                        held_on="2026-11-20",
                        mode="in_person",
                        venue="Brampton GP practice",
                        duration_minutes=45,
                        note="Review.",
                    )
                )
        link.reset_counters()
        start = time.perf_counter()
        pushed = engine.sync(ann)
        push_took = time.perf_counter() - start
        up, down, trips = link.bytes_up, link.bytes_down, link.requests
        link.reset_counters()
        start = time.perf_counter()
        pulled = engine.sync(bob)
        pull_took = time.perf_counter() - start
        print(
            f"day's work push: {push_took:5.2f} s  {pushed.pushed} changes  {up / 1e3:6.1f} kB up  "
            f"{down / 1e3:5.1f} kB down  {trips} round trips   (target < 1 s)"
        )
        print(
            f"day's work pull: {pull_took:5.2f} s  {pulled.pulled} changes  "
            f"{link.bytes_down / 1e3:6.1f} kB down  {link.bytes_up / 1e3:5.1f} kB up  "
            f"{link.requests} round trips   (target < 1 s)"
        )
        link.reset_counters()
        start = time.perf_counter()
        empty = engine.sync(bob)
        print(
            f"empty sync:      {time.perf_counter() - start:5.2f} s  {empty.requests} request(s)  "
            f"{link.requests} round trip(s)  {link.bytes_up + link.bytes_down} bytes   (target 1)"
        )
    for name, store in (("writer (ann)", ann), ("restored (bob)", bob)):
        kept = store.rows("SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS size FROM issued_pdf")[0]
        print(
            f"laptop database, {name}: {store.file_size() / args.clients / 1e3:5.1f} KB per client "
            f"(issued letter PDFs kept: {kept['n']}, {kept['size'] / args.clients / 1e3:4.1f} KB of it)"
            "   (target < 40 KB)"
        )
    ann.close()
    bob.close()
    start = time.perf_counter()
    Store.open(tmp / "bob", PASSPHRASE).close()
    print(f"unlock:          {(time.perf_counter() - start) * 1000:5.0f} ms   (target < 300 ms)")
    with RuralLink("127.0.0.1", port) as link:
        bob = Store.open(tmp / "bob", PASSPHRASE)
        replica.set_settings(bob, server_url=link.url)
        bob.close()
        # As an installed app runs, the median of --runs (bench_start.process_ms).
        env = child_env(tmp / "pycache", PASSPHRASE)
        command = [sys.executable, "-m", "workwell_desktop.cli", "--data-dir", str(tmp / "bob"), "sync"]
        link.reset_counters()
        wall, cpu = process_ms(command, env, args.runs)
        print(
            f"empty sync, process start to exit (workwell-admin sync): {wall / 1000:5.2f} s  "
            f"(CPU {cpu / 1000:4.2f} s, median of {args.runs})  "
            f"{link.requests / (args.runs + WARM_UP_RUNS):.0f} round trip(s) each   (target < 0.8 s)"
        )
    server.should_exit = True


if __name__ == "__main__":
    main()
