"""The same person entered twice and merged: which client each record shows under.

One implementation, used wherever records are gathered for a person (``Database.for_client``,
the caseload list, the team export, the programme figures), so a consent withdrawal or a
risk marker recorded under a merged duplicate is always seen with the person.

A merge is a link from the duplicate to the client kept (``client.merged_into``). The server
refuses a merge into a client that is itself merged, so links arrive as trees; but this
laptop does not trust that (HAZ-045): it follows a chain to its end (A into B into C shows
A and B under C), and a cycle (A into B and B into A, from a faulty or hostile server)
shows the whole cycle under its lowest client id, the same on every laptop, instead of
hiding every member of it. A link to a client this laptop does not hold is ignored.
"""

from __future__ import annotations


def shown_as(conn) -> dict[str, str]:
    """Every merged client held here -> the client it is shown under (never itself)."""
    links = dict(
        conn.execute(
            "SELECT id, merged_into FROM client WHERE merged_into != ''"
            " AND merged_into IN (SELECT id FROM client)"
        ).fetchall()
    )
    shown: dict[str, str] = {}
    for start in links:
        if start in shown:
            continue
        path, on_path = [start], {start}
        node = links[start]
        while node in links and node not in shown and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = links[node]
        if node in on_path:  # a cycle: shown under its lowest id
            root = min(path[path.index(node) :])
        else:
            root = shown.get(node, node)
        for member in path:
            shown[member] = root
    return {member: root for member, root in shown.items() if member != root}


def person(conn, client_id: str) -> list[str]:
    """The ids of every client that is the same person as ``client_id``: the client shown
    first, then each one merged into it (``client_id`` may be any of them)."""
    shown = shown_as(conn)
    root = shown.get(client_id, client_id)
    return [root, *sorted(member for member, kept in shown.items() if kept == root)]
