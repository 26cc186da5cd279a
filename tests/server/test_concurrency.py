"""Concurrent pushes never make a puller skip a change (late commits behind its cursor)."""

from __future__ import annotations

import json
import threading
import uuid

from server_helpers import make_change
from sqlalchemy.orm import Session

from workwell_desktop.server import auth, sync_service


def identity(server, device):
    with Session(server.engine) as s:
        return auth.identify(s, device.token)


def test_concurrent_pushers_and_a_puller(two_teams):
    pushers = [identity(two_teams, two_teams.device(name)) for name in ("ann", "bob", "ann", "bob")]
    reader = identity(two_teams, two_teams.device("lee"))
    pushed: list[str] = []
    done = threading.Event()
    errors: list[BaseException] = []

    def push(device):
        try:
            for _ in range(15):
                client = uuid.uuid4().hex
                batch = [make_change(client, device_id=device.device_id)] + [
                    make_change(client, "contact_session", device_id=device.device_id) for _ in range(3)
                ]
                with Session(two_teams.engine) as s:
                    result = sync_service.push(s, device, batch)
                assert len(result.accepted) == 4
                pushed.extend(c["change_id"] for c in batch)
        except BaseException as e:  # surfaced below
            errors.append(e)

    received: list[str] = []
    cursor = ""

    def pull_once() -> bool:
        nonlocal cursor
        with Session(two_teams.engine) as s:
            page = sync_service.pull(s, reader, cursor, 7)
        received.extend(json.loads(c)["change_id"] for c in page.changes)
        cursor = page.cursor
        return page.more

    def pull():
        try:
            while not done.is_set():
                pull_once()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=push, args=(d,)) for d in pushers]
    puller = threading.Thread(target=pull)
    puller.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    puller.join()
    while pull_once():
        pass
    assert not errors, errors
    assert len(received) == len(set(received)) == len(pushed) == 4 * 15 * 4
    assert set(received) == set(pushed)


def test_two_teams_racing_to_create_the_same_client(two_teams):
    ann = identity(two_teams, two_teams.device("ann"))
    cat = identity(two_teams, two_teams.device("cat"))
    for _ in range(10):
        client = uuid.uuid4().hex
        results = {}
        barrier = threading.Barrier(2)

        def push(device, results=results, client=client, barrier=barrier):
            batch = [make_change(client, device_id=device.device_id)]
            barrier.wait()
            with Session(two_teams.engine) as s:
                results[device.device_id] = sync_service.push(s, device, batch)

        threads = [threading.Thread(target=push, args=(d,)) for d in (ann, cat)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        outcomes = sorted((len(r.accepted), len(r.rejected)) for r in results.values())
        assert outcomes == [(0, 1), (1, 0)]  # one team owns the client; the other is told so
