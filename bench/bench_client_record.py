"""Assessments and plan: scoring throughput, opening a full client record, and the caseload
with plans at 5,000 clients. Prints figures against targets; asserts nothing.

Run from the repository root: ``python bench/bench_client_record.py``.

"Open a client record" = read everything the Assessments and Plan tabs show (20
completed assessments, a plan with 30 versions in its history, notes) and build both
tabs offscreen; "and paint" adds the first render of each.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("WORKWELL_KEY_STORE", "file")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_scoring import answer_sets, scores_per_second  # noqa: E402

from workwell_desktop.domain.assessments import SafetyAction  # noqa: E402
from workwell_desktop.domain.plans import PlanAction, PlanGoal, PlanReferral  # noqa: E402
from workwell_desktop.domain.records import Client, Referral  # noqa: E402
from workwell_desktop.instruments import get_instrument, list_instruments  # noqa: E402
from workwell_desktop.services import plans  # noqa: E402
from workwell_desktop.services.assessments import record_assessment  # noqa: E402
from workwell_desktop.store import Store  # noqa: E402

TARGET_MS = 100
RUNS = 40
CASELOAD_CLIENTS = 5000
PASSPHRASE = "benchmark passphrase only"
SAFE = SafetyAction(("asked_immediate_risk",), "Asked; safe.", "Bench Coach", "2026-01-01T00:00:00+00:00")


def person(n: int) -> Client:
    """A synthetic client with a unique valid NHS number from the 999 range."""
    from nhs_number import is_valid

    for stem in (999_100_000 + n, 999_600_000 + n):  # a stem whose check digit would be 10 has none
        digits = next((f"{stem}{d}" for d in range(10) if is_valid(f"{stem}{d}")), None)
        if digits:
            break
    return Client(
        given_name=f"Given{n}",
        family_name=f"Family{n % 997}",
        date_of_birth="1980-01-01",
        nhs_number=digits,
        postcode="CA3 8QE",
        phone="07700900000",
    )


def full_record(store: Store) -> str:
    """One client with 20 assessments and a plan whose history holds 30 versions."""
    client = person(0)
    store.add_together(
        [
            client,
            Referral(
                client_id=client.id,
                route="gp",
                received_on="2026-01-05",
                triage_outcome="accepted",
                triaged_on="2026-01-06",
                first_contact_on="2026-01-07",
            ),
        ]
    )
    rng = random.Random(7)
    timepoints = ["baseline", "review", "review", "discharge"]
    start = date(2026, 1, 7)
    for number in range(20):
        instrument = get_instrument(("phq9", "gad7", "swemwbs", "ons4", "wsas")[number % 5])
        answers = [rng.choice(item.values) for item in instrument.items]
        record_assessment(
            store,
            client.id,
            instrument.id,
            answers,
            timepoint=timepoints[number // 5],
            completed_on=(start + timedelta(days=21 * (number // 5))).isoformat(),
            safety_action=SAFE,
        )
    plans.save_settings(store, client.id, support_tier="targeted", next_review_on="2026-03-01")
    goals = [
        plans.add_entry(store, PlanGoal(client_id=client.id, text=f"Goal {n} in my own words"))
        for n in range(4)
    ]
    actions = [
        plans.add_entry(
            store,
            PlanAction(
                client_id=client.id, text=f"Action {n}", goal_id=goals[n % 4].item_id, due_on="2026-02-01"
            ),
        )
        for n in range(10)
    ]
    referrals = [
        plans.add_entry(
            store,
            PlanReferral(client_id=client.id, support_area="physiotherapy", service_name=f"Service {n}"),
        )
        for n in range(3)
    ]
    versions = 1 + len(goals) + len(actions) + len(referrals)
    for n in range(30 - versions):  # later versions of the actions: new due dates
        actions[n % len(actions)] = plans.change_entry(
            store, actions[n % len(actions)], due_on=f"2026-02-{10 + n:02d}"
        )
    for n in range(5):
        plans.add_note(store, client.id, f"Progress note {n}", "2026-02-01")
    return client.id


def timed(action, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float], target: float | None = TARGET_MS) -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = "" if target is None else f"  (target < {target} ms: {'met' if p95 < target else 'MISSED'})"
    print(f"{name:<46} median {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms{verdict}")


def bench_scoring() -> None:
    rng = random.Random(2024)
    print(f"{'instrument':<18}{'scores/second':>16}")
    for instrument in list_instruments():
        if instrument.scored:
            rate = scores_per_second(instrument.id, answer_sets(instrument, 1000, rng))
            print(f"{instrument.id:<18}{rate:>16,.0f}")


def bench_open(folder: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from workwell_desktop.gui.assessments import AssessmentsTab
    from workwell_desktop.gui.database_handle import DatabaseHandle
    from workwell_desktop.gui.plan import PlanTab
    from workwell_desktop.services.assessments import assessment_overview

    app = QApplication.instance() or QApplication([])
    store = Store.create(folder / "record", PASSPHRASE, "Bench Coach", key_store_kind="file")
    client_id = full_record(store)
    handle = DatabaseHandle()  # what the screens take (gui/record_store.py)
    handle.open(store)
    view = plans.load_plan(store, client_id)
    overview = assessment_overview(store, client_id)
    print(
        f"client record: {len(overview.assessments)} assessments, {len(view.history)} plan history "
        f"entries ({sum(len(i.versions) for i in (*view.goals, *view.actions, *view.referrals))} "
        "entry versions + tier + notes)"
    )

    def load() -> None:
        store.get(Client, client_id)
        assessment_overview(store, client_id)
        plans.load_plan(store, client_id)

    def build() -> None:
        for tab in (AssessmentsTab(handle, client_id), PlanTab(handle, client_id)):
            tab.deleteLater()
        app.processEvents()

    def build_and_paint() -> None:
        for tab in (AssessmentsTab(handle, client_id), PlanTab(handle, client_id)):
            tab.resize(1000, 800)
            tab.grab()
            tab.deleteLater()
        app.processEvents()

    build()  # first use loads the instrument definitions and the safety and directory files
    report("load the data both tabs need", timed(load), None)
    report("open: load + build both tabs", timed(build))
    report("open and paint both tabs (1000x800)", timed(build_and_paint))
    store.close()


def bench_caseload(folder: Path) -> None:
    from workwell_desktop.store.caseload import caseload

    store = Store.create(folder / "caseload", PASSPHRASE, "Bench Coach", key_store_kind="file")
    started = time.perf_counter()
    batch = []
    for n in range(1, CASELOAD_CLIENTS + 1):
        client = person(n)
        batch += [
            client,
            Referral(
                client_id=client.id,
                route="gp",
                received_on="2026-01-05",
                triage_outcome="accepted",
                triaged_on="2026-01-06",
                first_contact_on="2026-01-07",
            ),
        ]
        if n % 2 == 0:  # half the caseload has a plan: 3 actions (one changed) and review dates
            stamp = "2026-01-10T10:00:00+00:00"
            for k in range(3):
                batch.append(
                    PlanAction(
                        client_id=client.id,
                        text=f"Action {k}",
                        due_on=f"2026-0{k + 1}-15",
                        recorded_by="Bench Coach",
                        recorded_at=stamp,
                    )
                )
        if len(batch) >= 2000:
            store.add_together(batch)
            batch = []
    if batch:
        store.add_together(batch)
    took = time.perf_counter() - started
    print(f"\ncaseload of {CASELOAD_CLIENTS:,} clients with plans set up in {took:.0f} s")
    today = date(2026, 2, 20)
    entries = caseload(store, today)
    print(
        f"  {sum(e.overdue_actions for e in entries):,} overdue actions over "
        f"{sum(1 for e in entries if e.overdue_actions)} clients"
    )
    report(f"caseload() at {CASELOAD_CLIENTS:,} clients", timed(lambda: caseload(store, today), 10), 500)
    store.close()


def main() -> None:
    bench_scoring()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print()
        bench_open(folder)
        bench_caseload(folder)


if __name__ == "__main__":
    main()
