"""How long the team lead's weekly summary takes for a large service.

A service of 20 coaches, 5,000 clients (each with a referral; most with a first
contact, some discharged), 50,000 sessions, 10,000 assessments and 1,000 consent
withdrawals, inserted with raw ``executemany`` in one transaction (bench only:
the app writes through ``Store.add``). Times ``build_summary`` (every figure, three
periods and the 13-week trend, 21 scopes) with the commissioners' ``publication``
(disclosure control and its interval audit), and prints the median of the runs
against the target: under 1 s; then the time to render each file once.

Run: .venv/bin/python bench/bench_summary.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from workwell_desktop.domain.assessments import Assessment
from workwell_desktop.domain.records import Client, ConsentEvent, ContactSession, Discharge, Referral
from workwell_desktop.instruments.derived import derive_assessment
from workwell_desktop.reports.export import render
from workwell_desktop.reports.figures import build_summary
from workwell_desktop.reports.publication import publication
from workwell_desktop.store import Store
from workwell_desktop.store.rows import to_row

TARGET_S = 1.0
COACHES, CLIENTS, SESSIONS = 20, 5_000, 50_000
TODAY = date(2026, 11, 23)


def _insert(conn, records: list) -> None:
    row = to_row(records[0])
    conn.executemany(
        f"INSERT INTO {records[0].record_type} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        [tuple(to_row(r).values()) for r in records],
    )


def fill(store: Store, seed: int = 1) -> None:
    rng = random.Random(seed)

    def day(back_from: int, back_to: int = 0) -> str:
        return (TODAY - timedelta(days=rng.randint(back_to, back_from))).isoformat()

    clients, referrals, sessions, discharges, assessments, consent = [], [], [], [], [], []
    for n in range(CLIENTS):
        client = Client(
            given_name="Bench",
            family_name=f"Client {n}",
            date_of_birth="1980-01-01",
            nhs_number=f"{n:010d}",
            postcode="CA1 1AB",
            coach=f"Coach {n % COACHES:02d}",
            next_review_on=day(30, -30),
        )
        clients.append(client)
        received = day(180, 1)
        first = (date.fromisoformat(received) + timedelta(days=rng.randint(0, 30))).isoformat()
        contacted = rng.random() < 0.8 and first <= TODAY.isoformat()
        outcome = "accepted" if contacted else rng.choice(["pending", "declined", "accepted"])
        route = rng.choice(["gp", "self", "employer", "jobcentre"])
        referrals.append(
            Referral(
                client_id=client.id,
                route=route,
                received_on=received,
                triage_outcome=outcome,
                decline_reason="out_of_area" if outcome == "declined" else "",
                triaged_on=received if outcome != "pending" else "",
                first_contact_on=first if contacted else "",
            )
        )
        if contacted and rng.random() < 0.3:
            discharges.append(
                Discharge(
                    client_id=client.id,
                    discharged_on=max(first, day(60)),
                    reason="completed",
                    work_outcome="stayed_in_work",
                )
            )
        if contacted:
            for timepoint, back in (("baseline", 120), ("review", 30)):
                measure = rng.choice(["phq9", "gad7"])
                # Scores come from answers (instruments.derived); item 9 stays 0: no risk answers here.
                answers = tuple(rng.randint(0, 3) for _ in range(6)) + (0,) * (3 if measure == "phq9" else 1)
                assessments.append(
                    derive_assessment(
                        Assessment(
                            client_id=client.id,
                            instrument_id=measure,
                            instrument_version="1",
                            timepoint=timepoint,
                            completed_on=day(back),
                            completed_by="Bench",
                            answers=answers,
                        )
                    ).record
                )
        if n % 5 == 0:
            consent.append(
                ConsentEvent(
                    client_id=client.id,
                    scope="share_gp",
                    action="withdrawn",
                    method="verbal",
                    recorded_by="Bench",
                    recorded_at=f"{day(120)}T{rng.randint(0, 23):02d}:30:00+00:00",
                )
            )
    for _ in range(SESSIONS):
        client = rng.choice(clients)
        sessions.append(
            ContactSession(
                client_id=client.id,
                held_on=day(180),
                mode=rng.choice(["in_person", "phone", "video"]),
                venue="Hub",
                duration_minutes=45,
                recorded_by="Bench",
            )
        )
    conn = store.connection
    with conn:
        for records in (clients, referrals, sessions, discharges, assessments, consent):
            _insert(conn, records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("WORKWELL_KEY_STORE", "file")
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "d", "correct horse battery staple", "Team Lead")
        try:
            started = time.perf_counter()
            fill(store)
            print(
                f"filled {CLIENTS} clients, {SESSIONS} sessions, {COACHES} coaches "
                f"in {time.perf_counter() - started:.1f} s"
            )
            week = "2026-W47"
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                summary = build_summary(store, week, today=TODAY)
                published = publication(summary)
                times.append(time.perf_counter() - started)
            service = summary.figures[(week, "service")]
            print(
                f"summary {week}: {len(summary.scopes)} scopes, {len(summary.rows())} figures; "
                f"service referrals {service['referrals_received']}, sessions {service['sessions']}, "
                f"active {service['active_caseload']}"
            )
            median = statistics.median(times)
            print(
                f"build_summary + publication: median {median * 1000:.0f} ms, "
                f"worst {max(times) * 1000:.0f} ms "
                f"over {args.runs} runs (target < {TARGET_S * 1000:.0f} ms): "
                f"{'PASS' if median < TARGET_S else 'FAIL'}"
            )
            for report, audience in ((summary, "team"), (published, "publication")):
                for fmt in ("csv", "xlsx", "pdf"):
                    started = time.perf_counter()
                    size = len(render(report, fmt))
                    print(
                        f"render {audience} {fmt}: {(time.perf_counter() - started) * 1000:.0f} ms, "
                        f"{size // 1024} KiB"
                    )
        finally:
            store.close()


if __name__ == "__main__":
    main()
