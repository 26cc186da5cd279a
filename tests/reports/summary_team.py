"""A small synthetic team with known events, for exact summary figures.

Weeks (Monday to Sunday): W43 19-25 Oct 2026 (the clocks go back on Sunday 25 Oct),
W46 9-15 Nov, W47 16-22 Nov.
"""

from pathlib import Path

from support.report_clients import PASSPHRASE, client
from support.report_clients import session as _session

from workwell_desktop.domain.assessments import Assessment
from workwell_desktop.domain.records import ConsentEvent, Discharge
from workwell_desktop.store import Store

__all__ = ["PASSPHRASE"]
RENDERS = Path(__file__).resolve().parents[2] / "renders"
ALEX, BEA = "Alex Coach", "Bea Lead"


def add_client(
    store: Store,
    coach: str,
    received: str,
    route: str = "gp",
    outcome: str = "pending",
    triaged: str = "",
    first: str = "",
    reason: str = "",
    review: str = "",
) -> str:
    return client(
        store,
        route,
        received,
        coach=coach,
        outcome=outcome,
        triaged=triaged,
        first=first,
        reason=reason,
        review=review,
    )


def session(store, cid, day, mode="in_person", supersedes=""):
    return _session(store, cid, day, mode, supersedes=supersedes, recorded_by=ALEX)


def answers_giving(instrument_id, total):
    """Answers whose score is ``total`` (the store refuses a total the answers do not give),
    never touching a risk item."""
    from workwell_desktop.instruments import get_instrument

    instrument = get_instrument(instrument_id)
    table = instrument.scoring.table
    raw = next(r for r, v in table.items() if v == total) if table else total
    risk = {rule.item for rule in instrument.flags}
    answers = [min(item.values) for item in instrument.items]
    left = raw - sum(answers)
    for position, item in enumerate(instrument.items):
        if item.id in risk:
            continue
        step = min(max(item.values) - answers[position], left)
        answers[position] += step
        left -= step
    assert left == 0, f"{instrument_id} cannot score {total}"
    return tuple(answers)


def assessment(store, cid, instrument, timepoint, day, total, supersedes=""):
    from workwell_desktop.instruments.derived import derive_assessment

    record = Assessment(
        client_id=cid,
        instrument_id=instrument,
        instrument_version="1",
        timepoint=timepoint,
        completed_on=day,
        completed_by=ALEX,
        answers=answers_giving(instrument, total),
        supersedes=supersedes,
        correction_reason="typed wrong" if supersedes else "",
    )
    return store.add(derive_assessment(record).record)


def withdraw(store, cid, at, scope):
    store.add(
        ConsentEvent(
            client_id=cid, scope=scope, action="withdrawn", method="verbal", recorded_by=BEA, recorded_at=at
        )
    )


def build_team(store: Store) -> dict[str, str]:
    ids = {}
    # Alex
    ids["A1"] = add_client(store, ALEX, "2026-11-16", "gp", "accepted", "2026-11-16", "2026-11-18")
    ids["A2"] = add_client(store, ALEX, "2026-11-17", "gp", "accepted", "2026-11-17", "2026-11-22")
    ids["A3"] = add_client(store, ALEX, "2026-11-20", "self")
    ids["A4"] = add_client(
        store, ALEX, "2026-11-02", "employer", "accepted", "2026-11-03", "2026-11-05", review="2026-11-10"
    )
    store.add(
        Discharge(
            client_id=ids["A4"],
            discharged_on="2026-11-19",
            reason="completed",
            work_outcome="returned_to_work",
        )
    )
    ids["A5"] = add_client(
        store, ALEX, "2026-11-22", "jobcentre", "declined", "2026-11-22", reason="out_of_area"
    )
    ids["A6"] = add_client(
        store, ALEX, "2026-10-12", "gp", "accepted", "2026-10-13", "2026-10-20", review="2026-11-20"
    )
    a6 = ids["A6"]
    session(store, a6, "2026-11-16")
    session(store, a6, "2026-11-18")
    wrong = session(store, a6, "2026-11-17", "phone")
    session(store, a6, "2026-11-17", "phone", supersedes=wrong.id)
    assessment(store, a6, "phq9", "baseline", "2026-10-20", 18)
    assessment(store, a6, "gad7", "baseline", "2026-10-20", 15)
    assessment(store, a6, "phq9", "review", "2026-11-18", 10)
    assessment(store, a6, "gad7", "review", "2026-11-18", 12)
    typo = assessment(store, a6, "gad7", "review", "2026-11-19", 20)
    assessment(store, a6, "gad7", "review", "2026-11-19", 13, supersedes=typo.id)
    # Bea
    ids["B1"] = add_client(store, BEA, "2026-11-18", "vcse", "accepted", "2026-11-18", "2026-11-19")
    session(store, ids["B1"], "2026-11-19", "video")
    ids["B2"] = add_client(store, BEA, "2026-09-28", "gp", "accepted", "2026-09-28", "2026-10-01")
    b2 = ids["B2"]
    # SWEMWBS metric scores (raw 30 and 26): the fixture once held 45 and 41, which no
    # answers can give (the scale ends at 35) - the store now refuses such a record.
    assessment(store, b2, "swemwbs", "baseline", "2026-10-01", 27.03)
    assessment(store, b2, "swemwbs", "review", "2026-11-20", 23.21)
    withdraw(store, b2, "2026-11-22T23:30:00+00:00", "share_employer")  # Sunday 23:30 GMT: W47
    withdraw(store, b2, "2026-11-15T23:30:00Z", "share_gp")  # Sunday 23:30 GMT: W46
    withdraw(store, b2, "2026-10-18T23:30:00Z", "contact_sms")  # Monday 00:30 BST: W43, not W42
    withdraw(store, b2, "2026-10-25T23:30:00Z", "share_gp")  # Sunday 23:30 GMT after the change: W43
    ids["B3"] = add_client(store, BEA, "2026-10-05", "gp")
    ids["B4"] = add_client(store, BEA, "2026-11-10", "self", "accepted", "2026-11-10", "2026-11-16")
    return ids
