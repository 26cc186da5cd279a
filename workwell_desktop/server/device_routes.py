"""Registering a laptop under a coach's account: sign-in throttling, then a device token."""

from __future__ import annotations

import logging
import math

from fastapi import APIRouter, HTTPException, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from workwell_desktop.sync import wire

from . import auth, sync_service
from .requests import errors, json_reply
from .transport import read_json

log = logging.getLogger("workwell_desktop.server")
BAD_CREDENTIALS = "Unknown username or wrong password."
router = APIRouter()


@router.post(f"{wire.API_PREFIX}/devices")
async def register(request: Request) -> Response:
    engine, trusted = request.app.state.engine, request.app.state.trusted
    try:
        body = wire.RegisterRequest.model_validate(await read_json(request))
    except ValidationError as e:
        return json_reply({"detail": errors(e)}, 422)
    if not all(sync_service.storable(v) for v in (body.username, body.password, body.device_name)):
        return json_reply({"detail": "Text contains a NUL character or invalid Unicode."}, 422)
    source = auth.signin_source(
        (request.client.host if request.client else ""), request.headers.get("x-forwarded-for", ""), trusted
    )
    who = (
        f"username={auth.loggable(body.username)!r} source={source} "
        f"device_name={auth.loggable(body.device_name)!r}"
    )

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
            # Validated like every reply (the stored role is text; the wire's is one of two).
            reply = wire.RegisterResponse.model_validate(
                dict(
                    device_id=device.id,
                    token=token,
                    username=user.username,
                    display_name=user.display_name,
                    role=user.role,
                    team=auth.team_name(session, user.team_id),
                )
            )
            session.commit()
            return reply

    reply = await run_in_threadpool(work)
    if isinstance(reply, float):
        seconds = math.ceil(reply)
        log.warning("sign-in refused (too many tries, %ds to wait): %s", seconds, who)
        raise HTTPException(
            429,
            f"Too many unsuccessful sign-ins from here; wait {seconds} seconds and try again.",
            headers={"Retry-After": str(seconds)},
        )
    if reply is None:
        log.warning("sign-in refused (wrong username or password): %s", who)
        raise HTTPException(401, BAD_CREDENTIALS)
    log.info("sign-in ok: %s device=%s", who, reply.device_id)
    request.state.device_id = reply.device_id
    return json_reply(reply.model_dump(), 201)
