"""Scanning this process's own memory for copies of the database key (Linux, CPython).

Used by the lock tests: after a lock, no readable page may hold the key, its hex or its
upper-case hex (an old build had three hex copies from the ``PRAGMA key`` text).
"""

from __future__ import annotations

import ctypes
import os
import sys

import pytest

_UNREADABLE = ("[vvar]", "[vsyscall]", "[vvar_vclock]")
needs_proc_mem = pytest.mark.skipif(
    not sys.platform.startswith("linux") or sys.implementation.name != "cpython",
    reason="scans /proc/self/mem (Linux, CPython)",
)

HEX = b"0123456789abcdef"
HEX_UPPER = b"0123456789ABCDEF"


# ----- memory -------------------------------------------------------------------------------
def needles_from(key: bytearray) -> ctypes.Array:
    """The key, its hex and its upper-case hex, side by side in one ctypes buffer, copied
    byte by byte from the store's own buffer so no other Python object holds them."""
    needles = ctypes.create_string_buffer(32 + 64 + 64)
    ctypes.memmove(ctypes.addressof(needles), (ctypes.c_char * 32).from_buffer(key), 32)
    for i in range(32):
        needles[32 + 2 * i], needles[33 + 2 * i] = HEX[key[i] >> 4], HEX[key[i] & 15]
        needles[96 + 2 * i], needles[97 + 2 * i] = HEX_UPPER[key[i] >> 4], HEX_UPPER[key[i] & 15]
    return needles


def scan_own_memory(needles: ctypes.Array) -> list[int]:
    """How often each needle occurs in this process's readable memory (``/proc/self/mem``),
    leaving out the page(s) holding the needles themselves."""
    page = 4096
    start = ctypes.addressof(needles)
    skip = (start // page * page, (start + ctypes.sizeof(needles) + page - 1) // page * page)
    views, offset = [], 0
    for size in (32, 64, 64):
        views.append(memoryview((ctypes.c_char * size).from_buffer(needles, offset)).cast("B"))
        offset += size
    hits = [0, 0, 0]
    with open("/proc/self/maps", encoding="ascii") as maps:
        regions = maps.read().splitlines()
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        for line in regions:
            fields = line.split()
            low, high = (int(x, 16) for x in fields[0].split("-"))
            if "r" not in fields[1] or (len(fields) > 5 and fields[5] in _UNREADABLE):
                continue
            for a, b in ((low, min(high, max(low, skip[0]))), (max(low, skip[1]), high)):
                position = a
                while position < b:
                    size = min(b - position, 1 << 22)
                    try:
                        chunk = os.pread(fd, size, position)
                    except OSError:
                        break
                    for i, view in enumerate(views):
                        hits[i] += chunk.count(view)
                    del chunk
                    position += size - 128 if size == 1 << 22 and position + size < b else size
    finally:
        os.close(fd)
    return hits
