"""The exact PDF of each letter issued on this laptop, kept compressed and checked on every read.

An issued letter's PDF is the only copy of what the employer was sent: the letter row
keeps its content and ``pdf_sha256``, and this table keeps the bytes (HAZ-026). Other
laptops render the letter again and trust it only when it hashes the same; this copy is
what still exports after an upgrade of reportlab or the fonts, when rendering no longer
reproduces the bytes.

Every letter embeds nearly the same font subset (about 35 of its 45 KB), which a letter
compressed on its own cannot shrink. So each PDF is compressed with zstd against a
*dictionary* that is itself a PDF kept here, whole: the one of them it compresses best
against; a letter that none fits (a subset with other glyphs, or new fonts or reportlab
after an upgrade) is kept whole and becomes a dictionary itself. A few dictionaries
serve a caseload: 3 for the 500 letters of ``demo-data --history``, about 3.6 KB a
letter in all, against 45 KB. A dictionary is content-addressed like every row and never changes, so
decompressing never depends on a resource file or a version of the app; and the
SHA-256 of the bytes read back is checked against the row's key every time.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import replace

from ..domain.letters import pdf_sha256
from . import audit

log = logging.getLogger(__name__)

LEVEL = 19  # about 1 ms a letter: a letter is issued one at a time
# A PDF that compresses to more than this share of itself does not fit the dictionary any
# more (the fonts or reportlab changed): it becomes the new dictionary.
FITS = 0.25


class KeptPdfDamaged(ValueError):
    """The kept bytes no longer hash to the PDF that was issued."""


def keep(cur, pdf: bytes) -> str:
    """Keep ``pdf`` (inside the caller's transaction); returns its SHA-256. Idempotent."""
    import zstandard  # loaded on first use: unlocking does not need it

    sha = pdf_sha256(pdf)
    held = cur.execute("SELECT dictionary, body FROM issued_pdf WHERE sha256 = ?", (sha,)).fetchone()
    if held is not None:
        try:
            if pdf_sha256(_read(cur, sha, held[0], held[1])) == sha:
                return sha  # already kept, and intact
        except KeptPdfDamaged as damaged:
            log.error("%s", damaged)
        # A damaged copy under this hash: these good bytes replace it, kept whole (a
        # dictionary that others may be built on must stay the bytes it was).
        cur.execute("UPDATE issued_pdf SET dictionary = '', body = ? WHERE sha256 = ?", (_whole(pdf), sha))
        log.error("a damaged kept PDF %s was replaced by the issued bytes", sha[:12])
        return sha
    best: tuple[bytes, str] | None = None
    for dictionary, whole in cur.execute(
        "SELECT sha256, body FROM issued_pdf WHERE dictionary = ''"
    ).fetchall():
        try:
            against = _zstd_dictionary(dictionary, whole)
        except KeptPdfDamaged as damaged:  # never built on; issuing goes on
            log.error("%s", damaged)
            continue
        body = zstandard.ZstdCompressor(level=LEVEL, dict_data=against).compress(pdf)
        if best is None or len(body) < len(best[0]):
            best = (body, dictionary)
    if best is not None and len(best[0]) <= FITS * len(pdf):
        cur.execute(
            "INSERT INTO issued_pdf (sha256, dictionary, body) VALUES (?, ?, ?)", (sha, best[1], best[0])
        )
        return sha
    cur.execute("INSERT INTO issued_pdf (sha256, dictionary, body) VALUES (?, '', ?)", (sha, _whole(pdf)))
    log.info("kept an issued PDF as a new compression dictionary")
    return sha


def _whole(pdf: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor(level=LEVEL).compress(pdf)


def kept(store, sha256: str) -> bytes | None:
    """The exact PDF with this SHA-256, or None when this laptop does not hold it.

    Raises KeptPdfDamaged when the bytes read back do not hash to ``sha256``."""
    if not sha256:
        return None
    rows = store.rows("SELECT dictionary, body FROM issued_pdf WHERE sha256 = ?", (sha256,))
    if not rows:
        return None
    pdf = _read(store.connection, sha256, rows[0]["dictionary"], rows[0]["body"])
    if pdf_sha256(pdf) != sha256:
        raise KeptPdfDamaged(f"the kept PDF {sha256[:12]} no longer matches its hash")
    return pdf


def kept_apart(cur, record):
    """The record as it is written: an employer letter carrying its PDF keeps the PDF here
    and is written without it (its ``pdf_sha256`` names it). Any other record as given.

    Called by every write of a record (store.add, a change pulled from the server), in the
    same transaction, so a letter is never saved without its PDF."""
    if record.record_type != "employer_letter" or not record.pdf:
        return record
    # A letter carrying its PDF was checked against its hash (EmployerLetter.validate);
    # one issued before hashes were kept gets its hash now.
    return replace(record, pdf="", pdf_sha256=keep(cur, record.pdf_bytes()))


def keep_legacy_apart(store) -> int:
    """Letters whose row still holds the PDF (saved by schema 7 and before) keep it here
    instead, each re-audited as it now stands; returns how many. Run at unlock: a lookup
    of the one meta row migration 8 leaves when there is something to move."""
    if not store.rows("SELECT 1 FROM meta WHERE key = 'letter_pdfs_to_move'"):
        return 0
    held = store.rows("SELECT id FROM employer_letter WHERE pdf != ''")
    moved = 0
    with store._write() as cur:
        cur.execute("DELETE FROM meta WHERE key = 'letter_pdfs_to_move'")
        for letter_id in (r["id"] for r in held):
            pdf, sha = cur.execute(
                "SELECT pdf, pdf_sha256 FROM employer_letter WHERE id = ?", (letter_id,)
            ).fetchone()
            try:
                data = base64.b64decode(pdf.encode("ascii"), validate=True)
            except (ValueError, UnicodeEncodeError):  # binascii.Error is a ValueError
                data = None
            if data is None or (sha and pdf_sha256(data) != sha):
                # Not the PDF issued (or not a PDF at all): left exactly as it is, for IT
                # (verify-audit), and never a reason the coach cannot unlock.
                log.error("letter %s: its PDF is damaged and was not moved", letter_id)
                continue
            cur.execute(
                "UPDATE employer_letter SET pdf = '', pdf_sha256 = ? WHERE id = ?",
                (keep(cur, data), letter_id),
            )
            audit.append(cur, store.coach_name, "keep-pdf-apart", "employer_letter", letter_id, "pdf")
            moved += 1
    log.info("kept %d issued letter PDFs apart, compressed", moved)
    return moved


def _read(cur, sha256: str, dictionary: str, body: bytes) -> bytes:
    """The bytes kept under ``sha256`` (not yet checked against it); KeptPdfDamaged when
    they cannot be decompressed at all (a truncated or corrupted body or dictionary)."""
    import zstandard

    try:
        if not dictionary:
            return zstandard.ZstdDecompressor().decompress(body)
        row = cur.execute(
            "SELECT body FROM issued_pdf WHERE sha256 = ? AND dictionary = ''", (dictionary,)
        ).fetchone()
        if row is None:
            raise KeptPdfDamaged(f"the dictionary of the kept PDF {sha256[:12]} is missing")
        against = _zstd_dictionary(dictionary, row[0])
        return zstandard.ZstdDecompressor(dict_data=against).decompress(body)
    except zstandard.ZstdError as e:
        raise KeptPdfDamaged(f"the kept PDF {sha256[:12]} cannot be read back ({e})") from None


def _zstd_dictionary(sha256: str, body: bytes):
    import zstandard

    try:
        whole = zstandard.ZstdDecompressor().decompress(body)
    except zstandard.ZstdError as e:
        raise KeptPdfDamaged(f"the dictionary PDF {sha256[:12]} cannot be read back ({e})") from None
    if pdf_sha256(whole) != sha256:
        raise KeptPdfDamaged(f"the dictionary PDF {sha256[:12]} no longer matches its hash")
    return zstandard.ZstdCompressionDict(whole, dict_type=zstandard.DICT_TYPE_RAWCONTENT)
