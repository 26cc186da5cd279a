"""The sync endpoint (push and pull in one round trip) and the audit anchor it keeps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from workwell_desktop.sync import encoding as body_encoding
from workwell_desktop.sync import wire

from . import coverage, sync_service
from .requests import admitted, bearer, errors, identify, json_reply
from .transport import read_json

router = APIRouter()


class SyncEnvelope(wire.SyncRequest):
    """``wire.SyncRequest`` with changes left raw: each is validated on its own, so one bad
    change is rejected with a reason instead of failing the whole batch."""

    # Re-declared on purpose (pydantic allows it; mypy sees a narrower base type).
    changes: list[dict[str, Any]] = Field(  # type: ignore[assignment]
        default_factory=list, max_length=wire.MAX_PUSH
    )


async def sync(request: Request) -> Response:
    bearer(request)  # no token at all: refused before the body is read
    try:
        body = SyncEnvelope.model_validate(await read_json(request))
        sync_service.parse_cursor(body.cursor)
    except ValidationError as e:
        return json_reply({"detail": errors(e)}, 422)
    except sync_service.BadCursor as e:
        raise HTTPException(400, str(e)) from e

    engine = request.app.state.engine

    def answer(
        session: Session,
    ) -> tuple[sync_service.PushResult, sync_service.Page, wire.AuditAnchor | None, list | None]:
        # Who is calling and their standing (scope, audit anchor): one statement.
        found, standing = sync_service.caller(session, bearer(request))
        device = admitted(request, found)
        pushed = (
            sync_service.push_uncommitted(session, device, body.changes, cursor=body.cursor)
            if body.changes
            else sync_service.PushResult()
        )
        anchor = sync_service.anchor_audit(
            session, device, body.audit_head, body.audit_continues, standing.anchor
        )
        page = sync_service.pull(
            session, device, body.cursor, body.page_size, pushed.accepted, standing.scope
        )
        coverage.record_sync(session, device, body.waiting, page.cursor)
        team = (
            coverage.team_coverage(session, device.team_id)
            if device.role == "team_lead" and not page.more
            else None
        )
        return pushed, page, anchor, team

    chosen = body_encoding.choose(request.headers.get("accept-encoding", ""))

    def work() -> tuple[bytes, str]:
        # One session, one transaction and one thread hop for the whole request, the device
        # lookup and the reply's encoding included; run again from the start if a concurrent
        # push overtook it.
        with Session(engine) as session:
            pushed, page, anchor, team = sync_service.retrying(session, lambda: answer(session))
        request.state.counts = (
            f"pushed={len(body.changes)} accepted={len(pushed.accepted)} "
            f"rejected={len(pushed.rejected)} moved={pushed.moved_clients} "
            f"pulled={len(page.changes)} more={page.more}"
        )
        reply = _reply(pushed, page, anchor, team)
        if chosen == body_encoding.IDENTITY or len(reply) < 256:
            return reply, body_encoding.IDENTITY
        # zstd where the laptop reads it, else gzip (sync.encoding).
        return body_encoding.compress(reply, chosen), chosen

    content, encoding = await run_in_threadpool(work)
    if encoding == body_encoding.IDENTITY:
        return Response(content, media_type="application/json")
    return Response(
        content,
        media_type="application/json",
        headers={"Content-Encoding": encoding, "Vary": "Accept-Encoding"},
    )


def install(app: FastAPI) -> None:
    """The sync and the audit anchor, on ``app``.

    The sync is a plain Starlette route: it takes the request as it is (its body is
    validated change by change, below), so FastAPI's dependency solving would only cost CPU
    on every sync. And it is the app's own route, matched before any included router's:
    every request is matched route by route, and the sync is nearly all of them (#15). Its
    errors (HTTPException) are answered by the app's handlers as any route's."""
    app.add_route(f"{wire.API_PREFIX}/sync", sync, methods=["POST"])
    app.include_router(router)


def _reply(
    pushed: sync_service.PushResult,
    page: sync_service.Page,
    anchor: wire.AuditAnchor | None,
    team: list | None,
) -> bytes:
    envelope = json.dumps(
        {
            "accepted": pushed.accepted,
            "forwarded": pushed.forwarded,
            "rejected": [r.model_dump() for r in pushed.rejected],
            "cursor": page.cursor,
            "more": page.more,
            "server_time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "audit_anchor": anchor.model_dump() if anchor else None,
            **({"coverage": team} if team is not None else {}),
        },
        separators=(",", ":"),
    )
    # The page's changes are JSON text already (sync_service.Page): spliced in, not re-encoded.
    return f'{envelope[:-1]},"changes":[{",".join(page.changes)}]}}'.encode()


@router.get(f"{wire.API_PREFIX}/audit-anchor")
async def audit_anchor(request: Request) -> Response:
    """This device's anchored audit head, and every head it has held before, for
    ``workwell-admin verify-audit``."""
    device = await run_in_threadpool(identify, request)

    engine = request.app.state.engine

    def work() -> tuple[wire.AuditAnchor | None, list[wire.AuditAnchor]]:
        with Session(engine) as session:
            return sync_service.device_anchor(session, device), sync_service.past_anchors(session, device)

    anchor, past = await run_in_threadpool(work)
    return json_reply(
        {
            "audit_anchor": anchor.model_dump() if anchor else None,
            "audit_anchors": [a.model_dump() for a in past],
        }
    )
