"""Hybrid logical clock: timestamps that order changes across laptops.

A stamp is wall-clock milliseconds, a counter and the device id, written so that
string order is time order. It never goes backwards on one device, even when the
laptop's clock does, so the later of two edits of a field always wins a merge.

Shared by the laptop (store, sync) and the server, which refuses stamps that are
malformed or ahead of its own clock by more than ``MAX_AHEAD_MS``. String order stays
time order however many stamps fall in one millisecond: the counter is fixed width
and, at ``MAX_COUNTER``, carries into the milliseconds (as a bounded HLC counter
does), so a stamp never needs a seventh counter digit.
"""

from __future__ import annotations

import re
import time

_STAMP = re.compile(r"^\d{15}-\d{6}-[0-9A-Za-z_]{1,64}$")
MAX_COUNTER = 999_999
# How far ahead of the server's clock a stamp may be: a laptop clock a little fast is
# accepted, a stamp that would win every merge for days is not.
MAX_AHEAD_MS = 5 * 60 * 1000


def is_stamp(value: str) -> bool:
    return bool(_STAMP.match(value or ""))


def format_stamp(millis: int, counter: int, device_id: str) -> str:
    if counter > MAX_COUNTER:  # carry: keeps string order equal to time order
        millis, counter = millis + counter // (MAX_COUNTER + 1), counter % (MAX_COUNTER + 1)
    return f"{millis:015d}-{counter:06d}-{device_id}"


def stamp_problem(stamp: str, now_millis: int | None = None) -> str:
    """ "" when ``stamp`` is well formed and not ahead of ``now`` by more than the tolerance."""
    if not is_stamp(stamp):
        return "invalid hlc: expected 15-digit milliseconds, 6-digit counter and a device id"
    millis = parse_stamp(stamp)[0]
    now = wall_millis() if now_millis is None else now_millis
    if millis > now + MAX_AHEAD_MS:
        return (
            "hlc is ahead of the server's clock: check this laptop's date and time "
            "(set automatically), then edit again"
        )
    return ""


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    millis, counter, device = stamp.split("-", 2)
    return int(millis), int(counter), device


def wall_millis() -> int:
    return int(time.time() * 1000)


def next_stamp(
    last: str | None, device_id: str, now_millis: int | None = None, seen: str | None = None
) -> str:
    """The stamp after ``last`` (this device's) and ``seen`` (received from elsewhere)."""
    now = wall_millis() if now_millis is None else now_millis
    best_millis, best_counter = now, -1
    for stamp in (last, seen):
        if stamp:
            millis, counter, _ = parse_stamp(stamp)
            if (millis, counter) > (best_millis, best_counter):
                best_millis, best_counter = millis, counter
    if best_millis > now or best_counter >= 0 and best_millis == now:
        return format_stamp(best_millis, best_counter + 1, device_id)
    return format_stamp(now, 0, device_id)
