"""Risk events travel through the real server like any record (issue #13): a risk answer
given on one laptop is an open safety task on the team's other laptops, and the action
recorded on one closes it everywhere. A mis-scored assessment arriving is re-scored."""

from __future__ import annotations

from support.live_server import add_client

from workwell_desktop.domain.assessments import Assessment, SafetyAction
from workwell_desktop.instruments import get_instrument
from workwell_desktop.services import assessments as service
from workwell_desktop.services import safety
from workwell_desktop.sync import engine

ACTION = SafetyAction(("asked_immediate_risk",), "Asked; no plans; GP today.")


def test_a_risk_answer_and_its_closing_action_reach_every_laptop(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    [answer] = safety.record_risk_answer(ann, client.id, get_instrument("phq9"), "q9", 3, "run-1")
    safety.record_later(ann, client.id, [answer.id], "run-1")
    engine.sync(ann)
    engine.sync(bob)
    [task] = safety.client_safety_tasks(bob, client.id)
    assert (task.answer, task.chose_later) == (3, True)
    assert bob.caseload()[0].open_safety_tasks == 1

    safety.record_safety_action(bob, client.id, task.answer_event_ids, ACTION)
    engine.sync(bob)
    engine.sync(ann)
    assert safety.client_safety_tasks(ann, client.id) == []
    assert ann.caseload()[0].open_safety_tasks == 0


def test_a_flagged_assessment_syncs_with_its_events_and_scores(laptop):  # noqa: F811
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    saved = service.record_assessment(
        ann,
        client.id,
        "phq9",
        [3] * 9,
        timepoint="baseline",
        safety_action=SafetyAction(ACTION.actions, ACTION.note, "Ann Coach", "2026-11-20T10:00:00+00:00"),
    )
    engine.sync(ann)
    engine.sync(bob)
    arrived = bob.get(Assessment, saved.id)
    assert (arrived.total, arrived.band, arrived.flags) == (27, "Severe", ("self_harm_risk",))
    assert safety.client_safety_tasks(bob, client.id) == []
    assert not [e for e in bob.audit_trail() if e["action"] == "rescored"]
