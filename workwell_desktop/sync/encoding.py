"""Body compression on the sync wire, both ways: zstd where both ends have it, gzip otherwise.

zstd (the ``zstandard`` package, https://python-zstandard.readthedocs.io) compresses a
sync page far better than gzip: its window spans megabytes, so the field names, team
names and wording repeated in every change are found across the whole page, where
gzip's 32 KB window sees a few dozen changes at a time. The laptop says what it can
read (``Accept-Encoding: zstd, gzip``); the server answers in the first it also has, and
a laptop or server without zstd simply keeps using gzip.

Everything that decompresses a body caps its size first (``limit``): a small body that
expands to gigabytes (a decompression bomb) is refused, on the server and the laptop.
Plain Python, no I/O.
"""

from __future__ import annotations

import zlib

try:  # optional at run time: gzip is always there
    import zstandard
except ImportError:  # pragma: no cover - exercised where the package is absent
    zstandard = None  # type: ignore[assignment]  # "no zstd here", tested before every use

GZIP, ZSTD, IDENTITY = "gzip", "zstd", "identity"
# The laptop's and the server's preference, best first.
PREFERRED = (ZSTD, GZIP) if zstandard is not None else (GZIP,)
# By size: a large body (a restore's pages) crosses a slow link for seconds, so level 9's
# few per cent fewer bytes are worth its 10x CPU; the many small ones (an everyday sync's
# reply, tens of KB) are CPU on a shared server, and level 3 is within 2 % of level 9 on them
# (measured on sync pages: 5,407 against 5,325 bytes for 40 KB, in a third of the time).
ZSTD_LEVEL, ZSTD_LEVEL_SMALL, SMALL_BODY = 9, 3, 256 * 1024
GZIP_LEVEL = 6
# zstd's window (and so the decompressor's memory) is bounded: level 9 uses at most 8 MB.
_MAX_WINDOW = 1 << 25


class TooLarge(ValueError):
    """The body would decompress to more than the limit."""


class BadBody(ValueError):
    """The body is not valid in the encoding it claims (truncated, trailing data, garbage)."""


def accept_encoding() -> str:
    return ", ".join(PREFERRED)


def supported(encoding: str) -> bool:
    return encoding in (IDENTITY, *PREFERRED)


def choose(accept_header: str) -> str:
    """The best encoding of ours the other side accepts (``Accept-Encoding``), else identity."""
    offered = set()
    for part in accept_header.split(","):
        name, _, params = part.strip().lower().partition(";")
        if params.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        offered.add(name.strip())
    for encoding in PREFERRED:
        if encoding in offered or "*" in offered:
            return encoding
    return IDENTITY


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == ZSTD:
        level = ZSTD_LEVEL_SMALL if len(data) < SMALL_BODY else ZSTD_LEVEL
        return zstandard.ZstdCompressor(level=level).compress(data)
    if encoding == GZIP:
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return compressor.compress(data) + compressor.flush()
    return data


def decompress(data: bytes, encoding: str, limit: int) -> bytes:
    """``data`` decoded, at most ``limit`` bytes; TooLarge beyond that, BadBody when invalid."""
    encoding = encoding.strip().lower() or IDENTITY
    if encoding == IDENTITY:
        if len(data) > limit:
            raise TooLarge(f"body over {limit} bytes")
        return data
    if encoding == GZIP:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(data, limit + 1)
        except zlib.error as e:
            raise BadBody("not valid gzip") from e
        if len(out) > limit or inflater.unconsumed_tail:
            raise TooLarge(f"body over {limit} bytes after decompression")
        if not inflater.eof or inflater.unused_data:
            raise BadBody("not valid gzip (truncated or trailing data)")
        return out
    if encoding == ZSTD and zstandard is not None:
        try:
            # The declared size is checked before anything is allocated for it.
            declared = zstandard.frame_content_size(data)
            if declared > limit:
                raise TooLarge(f"body over {limit} bytes after decompression")
            return zstandard.ZstdDecompressor(max_window_size=_MAX_WINDOW).decompress(
                data, max_output_size=limit
            )
        except zstandard.ZstdError as e:
            # Unknown size and more than max_output_size also lands here: either way refused.
            raise BadBody("not valid zstd, or over the size limit") from e
    raise BadBody(f"unsupported encoding {encoding!r}")
