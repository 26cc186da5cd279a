"""The server application: middleware, error handling, health; the routes are in
``device_routes`` (registration) and ``sync_routes`` (sync, audit anchor). Built by ``create_app``."""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import Engine
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workwell_desktop.hardening import harden_process
from workwell_desktop.sync import wire

from . import db, device_routes, sync_routes
from .requests import json_reply
from .transport import RequireTLS

log = logging.getLogger("workwell_desktop.server")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class AccessLog:
    """One line per request: method, path, status, time, device, counts. Never bodies or tokens."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            state = scope.get("state") or {}
            log.info(
                "%s %s %d %.0fms device=%s %s",
                scope["method"],
                scope["path"],
                status[0],
                (time.perf_counter() - started) * 1000,
                state.get("device_id", "-"),
                state.get("counts", ""),
            )


def create_app(database_url: str | Engine, trusted_proxies: Iterable[str] = ()) -> FastAPI:
    """The server application for a migrated database (see ``db.check_schema``)."""
    engine = database_url if isinstance(database_url, Engine) else db.make_engine(database_url)
    trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
    head = db.head_revision()
    app = FastAPI(title="WorkWell sync server", version=head, docs_url=None, redoc_url=None)
    app.state.engine = engine
    app.state.trusted = trusted
    # No compression middleware: the sync reply, the one large body, is compressed by its
    # route (zstd or gzip, sync.encoding); the others are a few hundred bytes.
    app.add_middleware(RequireTLS, trusted_proxies=tuple(trusted_proxies))
    app.add_middleware(AccessLog)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        return json_reply(
            {
                "detail": [
                    {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                    for e in exc.errors()
                ]
            },
            422,
        )

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> Response:
        # The class name only: messages and tracebacks can carry values from the request.
        log.error("internal error: %s", type(exc).__name__)
        return json_reply({"detail": "Internal server error; the request can be retried."}, 500)

    sync_routes.install(app)  # first: the sync is matched before every other route
    app.include_router(device_routes.router)

    @app.get("/health")
    def health() -> Response:
        try:
            current = db.current_revision(engine)
        except Exception as e:  # the database is down: say so without detail
            log.error("health: database unavailable (%s)", type(e).__name__)
            return json_reply({"status": "unavailable"}, 503)
        if current != head:
            return json_reply({"status": "migration_needed", "schema": current or ""}, 503)
        return json_reply({"status": "ok", "schema": current})

    @app.get("/")
    def root() -> Response:
        return json_reply({"service": "WorkWell sync server", "api": wire.API_PREFIX})

    return app


def app_from_environment() -> FastAPI:
    """Factory for several worker processes (``serve --workers N``, ``uvicorn --factory``).

    Reads ``WORKWELL_SERVER_DATABASE_URL`` and ``WORKWELL_SERVER_TRUSTED_PROXIES`` (comma-separated).
    """
    harden_process()  # uvicorn --factory starts here, not in our cli
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    proxies = os.environ.get("WORKWELL_SERVER_TRUSTED_PROXIES", "").split(",")
    proxies = [p.strip() for p in proxies if p.strip()]
    engine = db.make_engine(os.environ["WORKWELL_SERVER_DATABASE_URL"])
    db.check_role(engine)  # as `serve` does: never serve as a superuser
    return create_app(engine, proxies)
