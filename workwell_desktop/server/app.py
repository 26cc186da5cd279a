"""The HTTP surface: registration, one sync endpoint, health. Built by ``create_app``."""

from __future__ import annotations

import ipaddress
import json
import logging
import math
import os
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workwell_desktop.hardening import harden_process
from workwell_desktop.sync import encoding as body_encoding
from workwell_desktop.sync import wire

from . import auth, coverage, db, sync_service
from .auth import DeviceIdentity
from .transport import RequireTLS, read_json

log = logging.getLogger("workwell_desktop.server")
BAD_CREDENTIALS = "Unknown username or wrong password."
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SyncEnvelope(wire.SyncRequest):
    """``wire.SyncRequest`` with changes left raw: each is validated on its own, so one bad
    change is rejected with a reason instead of failing the whole batch."""

    changes: list[dict[str, Any]] = Field(default_factory=list, max_length=wire.MAX_PUSH)


def _errors(error: ValidationError) -> list[dict[str, Any]]:
    # No "input": the caller's values (possibly personal data) are not echoed or logged.
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_input=False)]


def _json(content: Any, status_code: int = 200) -> Response:
    return Response(json.dumps(content, separators=(",", ":")), status_code, media_type="application/json")


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
            log.info("%s %s %d %.0fms device=%s %s", scope["method"], scope["path"], status[0],
                     (time.perf_counter() - started) * 1000, state.get("device_id", "-"),
                     state.get("counts", ""))


def create_app(database_url: str | Engine, trusted_proxies: Iterable[str] = ()) -> FastAPI:
    """The server application for a migrated database (see ``db.check_schema``)."""
    engine = database_url if isinstance(database_url, Engine) else db.make_engine(database_url)
    trusted = [ipaddress.ip_network(p, strict=False) for p in trusted_proxies]
    head = db.head_revision()
    app = FastAPI(title="WorkWell sync server", version=head, docs_url=None, redoc_url=None)
    app.state.engine = engine
    # Level 9: a coach's link is the bottleneck, not the server's CPU (under 1 ms for a typical page).
    app.add_middleware(GZipMiddleware, minimum_size=256, compresslevel=9)
    app.add_middleware(RequireTLS, trusted_proxies=tuple(trusted_proxies))
    app.add_middleware(AccessLog)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        return _json({"detail": [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""),
                                  "type": e.get("type", "")} for e in exc.errors()]}, 422)

    @app.exception_handler(Exception)
    async def _crash(_request: Request, exc: Exception) -> Response:
        # The class name only: messages and tracebacks can carry values from the request.
        log.error("internal error: %s", type(exc).__name__)
        return _json({"detail": "Internal server error; the request can be retried."}, 500)

    def identify(request: Request) -> DeviceIdentity:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or len(token) > 200:
            raise HTTPException(401, "A device token is required: register this device first.",
                                headers={"WWW-Authenticate": "Bearer"})
        with Session(engine) as session:
            device = auth.identify(session, token)
        if device is None:
            raise HTTPException(401, "Unknown device token: register this device again.",
                                headers={"WWW-Authenticate": "Bearer"})
        request.state.device_id = device.device_id
        if device.revoked:
            raise HTTPException(410, wire.DEVICE_REVOKED)
        return device

    @app.get("/health")
    def health() -> Response:
        try:
            current = db.current_revision(engine)
        except Exception as e:  # the database is down: say so without detail
            log.error("health: database unavailable (%s)", type(e).__name__)
            return _json({"status": "unavailable"}, 503)
        if current != head:
            return _json({"status": "migration_needed", "schema": current or ""}, 503)
        return _json({"status": "ok", "schema": current})

    @app.post(f"{wire.API_PREFIX}/devices")
    async def register(request: Request) -> Response:
        try:
            body = wire.RegisterRequest.model_validate(await read_json(request))
        except ValidationError as e:
            return _json({"detail": _errors(e)}, 422)
        if not all(sync_service.storable(v) for v in (body.username, body.password, body.device_name)):
            return _json({"detail": "Text contains a NUL character or invalid Unicode."}, 422)
        source = auth.signin_source((request.client.host if request.client else ""),
                                    request.headers.get("x-forwarded-for", ""), trusted)
        who = (f"username={auth.loggable(body.username)!r} source={source} "
               f"device_name={auth.loggable(body.device_name)!r}")

        def work() -> wire.RegisterResponse | float | None:
            with Session(engine) as session:
                wait = auth.reserve_signin(session, body.username, source)
                session.commit()  # counted before the password is checked, for every worker to see
                if wait:
                    return wait
                user = auth.authenticate_user(session, body.username, body.password)
                if user is None:
                    return None
                auth.signin_succeeded(session, body.username, source)
                device, token = auth.register_device(session, user, body.device_name)
                reply = wire.RegisterResponse(
                    device_id=device.id, token=token, username=user.username,
                    display_name=user.display_name, role=user.role,
                    team=auth.team_name(session, user.team_id))
                session.commit()
                return reply

        reply = await run_in_threadpool(work)
        if isinstance(reply, float):
            seconds = math.ceil(reply)
            log.warning("sign-in refused (too many tries, %ds to wait): %s", seconds, who)
            raise HTTPException(429, f"Too many unsuccessful sign-ins from here; wait {seconds} seconds "
                                     "and try again.", headers={"Retry-After": str(seconds)})
        if reply is None:
            log.warning("sign-in refused (wrong username or password): %s", who)
            raise HTTPException(401, BAD_CREDENTIALS)
        log.info("sign-in ok: %s device=%s", who, reply.device_id)
        request.state.device_id = reply.device_id
        return _json(reply.model_dump(), 201)

    @app.post(f"{wire.API_PREFIX}/sync")
    async def sync(request: Request) -> Response:
        device = await run_in_threadpool(identify, request)
        try:
            body = SyncEnvelope.model_validate(await read_json(request))
            sync_service.parse_cursor(body.cursor)
        except ValidationError as e:
            return _json({"detail": _errors(e)}, 422)
        except sync_service.BadCursor as e:
            raise HTTPException(400, str(e)) from e

        def work() -> tuple[sync_service.PushResult, sync_service.Page, wire.AuditAnchor | None,
                            list | None]:
            with Session(engine) as session:
                pushed = (sync_service.push(session, device, body.changes, cursor=body.cursor)
                          if body.changes else sync_service.PushResult())
                auth.touch_device(session, device)
                anchor = sync_service.anchor_audit(session, device, body.audit_head, body.audit_continues)
                page = sync_service.pull(session, device, body.cursor, body.page_size, pushed.accepted)
                coverage.record_sync(session, device, body.waiting)
                team = (coverage.team_coverage(session, device.team_id)
                        if device.role == "team_lead" and not page.more else None)
                session.commit()
                return pushed, page, anchor, team

        pushed, page, anchor, team = await run_in_threadpool(work)
        request.state.counts = (f"pushed={len(body.changes)} accepted={len(pushed.accepted)} "
                                f"rejected={len(pushed.rejected)} moved={pushed.moved_clients} "
                                f"pulled={len(page.changes)} more={page.more}")
        reply = json.dumps({
            "accepted": pushed.accepted, "forwarded": pushed.forwarded,
            "rejected": [r.model_dump() for r in pushed.rejected],
            "changes": page.changes, "cursor": page.cursor, "more": page.more,
            "server_time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "audit_anchor": anchor.model_dump() if anchor else None,
            **({"coverage": team} if team is not None else {}),
        }, separators=(",", ":")).encode("utf-8")
        # zstd where the laptop reads it, else gzip (sync.encoding); compressed off the event loop.
        chosen = body_encoding.choose(request.headers.get("accept-encoding", ""))
        if chosen == body_encoding.IDENTITY or len(reply) < 256:
            return Response(reply, media_type="application/json")
        packed = await run_in_threadpool(body_encoding.compress, reply, chosen)
        return Response(packed, media_type="application/json",
                        headers={"Content-Encoding": chosen, "Vary": "Accept-Encoding"})

    @app.get(f"{wire.API_PREFIX}/audit-anchor")
    async def audit_anchor(request: Request) -> Response:
        """This device's anchored audit head, for ``workwell-admin verify-audit``."""
        device = await run_in_threadpool(identify, request)

        def work() -> wire.AuditAnchor | None:
            with Session(engine) as session:
                return sync_service.device_anchor(session, device)

        anchor = await run_in_threadpool(work)
        return _json({"audit_anchor": anchor.model_dump() if anchor else None})

    @app.get("/")
    def root() -> Response:
        return _json({"service": "WorkWell sync server", "api": wire.API_PREFIX})

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
