"""The laptop benchmarks' sync server: a SQLite file, one team, uvicorn in a thread on a free
loopback port (bench_server.py measures the server itself, on PostgreSQL, in its own process)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from sqlalchemy.orm import Session

from workwell_desktop.server import admin, db
from workwell_desktop.server.app import create_app
from workwell_desktop.sync import wire

TEAM = "North Cumbria"


def start(folder: Path, usernames: tuple[str, ...], password: str, scope: str | None = None):
    """(the running server, its port): coaches ``usernames`` (named by their title case) in
    one team; ``scope`` set when given (``admin set-scope``)."""
    engine = db.make_engine(f"sqlite:///{folder / 'server.db'}")
    db.migrate(engine)
    with Session(engine) as s:
        admin.create_team(s, TEAM)
        if scope:
            admin.set_scope(s, scope)
    for user in usernames:
        with Session(engine) as s:
            admin.create_user(s, user, TEAM, "coach", password, user.title())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            timeout_keep_alive=wire.KEEP_ALIVE_SECONDS,
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, port
