"""Hybrid logical clock: timestamps that order changes across laptops.

A stamp is wall-clock milliseconds, a counter and the device id, written so that
string order is time order. It never goes backwards on one device, even when the
laptop's clock does, so the later of two edits of a field always wins a merge.
"""

from __future__ import annotations

import re
import time

_STAMP = re.compile(r"^\d{15}-\d{6}-[0-9A-Za-z_]+$")


def is_stamp(value: str) -> bool:
    return bool(_STAMP.match(value or ""))


def format_stamp(millis: int, counter: int, device_id: str) -> str:
    return f"{millis:015d}-{counter:06d}-{device_id}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    millis, counter, device = stamp.split("-", 2)
    return int(millis), int(counter), device


def wall_millis() -> int:
    return int(time.time() * 1000)


def next_stamp(last: str | None, device_id: str, now_millis: int | None = None,
               seen: str | None = None) -> str:
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
