"""Upload batches are sized by bytes under the server's body limit: a laptop with a lot
of large changes waiting never sends a body the server must refuse (413) again and again."""

from __future__ import annotations

from support.live_server import add_client

from workwell_desktop.domain.records import ContactSession
from workwell_desktop.sync import engine, wire

LIMIT = 200_000


def big_sessions(store, client, n):
    return [
        store.add(
            ContactSession(
                client_id=client.id,
                held_on="2026-11-20",
                mode="phone",
                duration_minutes=30,
                note=f"{i} " + "notes " * 4_000,
            )
        ).id
        for i in range(n)
    ]


def responses(server):
    """The status of every response the server sends from now on."""
    seen = []
    real = server.app.middleware_stack

    async def spy(scope, receive, send):
        async def record(message):
            if message["type"] == "http.response.start":
                seen.append(message["status"])
            await send(message)

        await real(scope, receive, record)

    server.app.middleware_stack = spy
    return seen


def test_many_large_changes_go_in_batches_under_the_limit(laptop, live, monkeypatch):  # noqa: F811
    monkeypatch.setattr(wire, "MAX_BODY_BYTES", LIMIT)
    ann, bob = laptop("ann"), laptop("bob")
    client = add_client(ann)
    ids = big_sessions(ann, client, 12)  # about 300 kB waiting, the limit is 200 kB
    batch, more = engine.next_batch(ann)
    assert 1 <= len(batch) < 14 and more
    statuses = responses(live)
    report = engine.sync(ann)
    assert report.pushed == 14 and ann.pending_change_count() == 0
    assert statuses and 413 not in statuses and report.requests >= 2
    engine.sync(bob)
    assert {s.id for s in bob.all(ContactSession)} == set(ids)


def test_a_server_with_a_lower_limit_gets_smaller_batches_not_the_same_one_again(
    laptop,
    live,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(wire, "MAX_BODY_BYTES", LIMIT)
    monkeypatch.setattr(engine, "_ENVELOPE_SHARE", -2.0)  # the laptop believes the limit is 3x higher
    ann = laptop("ann")
    client = add_client(ann)
    big_sessions(ann, client, 12)
    statuses = responses(live)
    report = engine.sync(ann)
    assert ann.pending_change_count() == 0 and report.pushed == 14 and report.rejected == 0
    assert 1 <= statuses.count(413) <= 3  # halved each time, never the same request again
