"""What every endpoint does with a request: JSON replies, validation errors, the caller's device."""

from __future__ import annotations

import json
from typing import Any

from fastapi import HTTPException, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from workwell_desktop.sync import wire

from . import auth
from .auth import DeviceIdentity


def errors(error: ValidationError) -> list[dict[str, Any]]:
    # No "input": the caller's values (possibly personal data) are not echoed or logged.
    return [
        {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
        for e in error.errors(include_url=False, include_input=False)
    ]


def json_reply(content: Any, status_code: int = 200) -> Response:
    return Response(json.dumps(content, separators=(",", ":")), status_code, media_type="application/json")


def bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise HTTPException(
            401,
            "A device token is required: register this device first.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


def identify(request: Request) -> DeviceIdentity:
    """The calling device, looked up in a session of its own; 401 unknown, 410 revoked.
    Never cached: a revocation (made by another process, the admin CLI) takes effect at
    once. (The sync looks its caller up in its own transaction: ``sync_service.caller``.)"""
    token = bearer(request)
    with Session(request.app.state.engine) as session:
        return admitted(request, auth.identify(session, token))


def admitted(request: Request, device: DeviceIdentity | None) -> DeviceIdentity:
    """``device`` (looked up from the request's token) when it may call: 401 when no device
    holds the token, 410 when it has been revoked."""
    if device is None:
        raise HTTPException(
            401, "Unknown device token: register this device again.", headers={"WWW-Authenticate": "Bearer"}
        )
    request.state.device_id = device.device_id
    if device.revoked:
        raise HTTPException(410, wire.DEVICE_REVOKED)
    return device
