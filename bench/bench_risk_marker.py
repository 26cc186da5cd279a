"""What the risk marker costs the caseload: ``store.caseload()`` at 5,000 clients with
two assessments each (one in ten with a risk answer) and a risk event per flagged one,
and ``safety.risk_statuses`` alone. Prints figures; asserts nothing.

    python bench/bench_risk_marker.py [CLIENTS]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

try:
    import workwell_desktop  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workwell_desktop.domain.assessments import Assessment, SafetyAction
from workwell_desktop.domain.records import Client, Referral
from workwell_desktop.domain.risk import RiskEvent
from workwell_desktop.instruments.derived import derive_assessment
from workwell_desktop.services import safety
from workwell_desktop.store import Store

TARGET_MS = 500  # the caseload's own target (bench_store)


def nhs(n: int) -> str:
    base = f"999{n:06d}"
    total = sum(int(d) * w for d, w in zip(base, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return base + ("0" if check == 11 else str(check)) if check != 10 else nhs(n + 500_000)


def build(store: Store, clients: int, rng: random.Random) -> None:
    records = []
    action = SafetyAction(("asked_immediate_risk",), "Asked; safe.", "Bench", "2026-11-20T10:00:00+00:00")
    for n in range(clients):
        c = Client(
            given_name=f"G{n}",
            family_name=f"F{n}",
            date_of_birth="1980-01-01",
            nhs_number=nhs(n),
            postcode="CA1 1AA",
            phone="07700900000",
        )
        records += [c, Referral(client_id=c.id, route="gp", received_on="2026-09-01")]
        for timepoint in ("baseline", "review"):
            risk = rng.random() < 0.1
            answers = tuple(rng.randint(0, 3) for _ in range(8)) + ((2,) if risk else (0,))
            a = derive_assessment(
                Assessment(
                    client_id=c.id,
                    instrument_id="phq9",
                    instrument_version="1.0",
                    timepoint=timepoint,
                    completed_on="2026-11-20",
                    completed_by="Bench",
                    answers=answers,
                    safety_action=action.to_json() if risk else "",
                )
            ).record
            records.append(a)
            if risk:
                records.append(
                    RiskEvent(
                        client_id=c.id,
                        kind="answer",
                        instrument_id="phq9",
                        item_id="q9",
                        item_number=9,
                        answer=2,
                        flag_id="self_harm_risk",
                        assessment_id=a.id,
                        recorded_by="Bench",
                        recorded_at="2026-11-20T10:00:00+00:00",
                    )
                )
    for start in range(0, len(records), 2000):
        store.add_together(records[start : start + 2000])


def timed(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    os.environ.setdefault("WORKWELL_KEY_STORE", "file")
    with tempfile.TemporaryDirectory() as folder:
        store = Store.create(Path(folder) / "d", "bench passphrase long enough", "Bench")
        build(store, clients, random.Random(13))
        events = len(store.all(RiskEvent))
        whole = timed(store.caseload)
        marker = timed(lambda: safety.risk_statuses(store))
        open_tasks = sum(s.open_tasks for s in safety.risk_statuses(store).values())
        store.close()
    print(
        f"clients {clients}, assessments {2 * clients}, risk events {events}, open safety tasks {open_tasks}"
    )
    print(f"caseload with risk marker: {whole:.0f} ms median of 5 (target < {TARGET_MS} ms)")
    print(f"  of which the risk marker (safety.risk_statuses): {marker:.0f} ms")


if __name__ == "__main__":
    main()
