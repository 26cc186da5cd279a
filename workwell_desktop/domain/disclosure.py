"""Disclosure control: finding health conditions and identifiers in text that will be printed.

An employer letter must not name a health condition the client kept private, nor
identify them beyond their name. A plain substring test is easy to get round (an
abbreviation, another word form, a hyphen, a curly apostrophe, an invisible
character), so every printed field is first *normalised*:

* Unicode compatibility decomposition (NFKD, which includes NFKC's folding of
  full-width, ligature and superscript forms), then combining marks dropped
  (``Sjögren`` reads as ``sjogren``) and format characters removed (zero-width
  spaces and joiners, soft hyphens, word joiners, bidirectional controls: every
  character of Unicode category Cf);
* case folded, common Cyrillic and Greek look-alike letters read as Latin (in capitals too,
  when case is kept), letters that print as nothing (Hangul fillers) removed;
* every dash and hyphen read as ``-`` and every apostrophe as ``'``.

The text is then split into words twice, once with hyphens and apostrophes joining
(``bi-polar`` -> ``bipolar``, ``Crohn's`` -> ``crohns``) and once splitting
(``crohn``, ``s``); dotted initials collapse (``M.S.`` -> ``ms``) and runs of up to
three words are also read run together (``bi polar``), as is a word spelt out a letter at
a time (``d e p r e s s i o n``). A term matches a word when
they are equal or share a stem of five or more letters once a common ending is
taken off (``depression``/``depressive``/``depressed``, ``diabetes``/``diabetic``).
Abbreviations match only as whole words in capitals (``MS`` but not ``Ms Jones``); those of
four letters or more in any case (``ptsd``), unless an ordinary word (``aids``).

Findings carry the exact words as typed, so the coach sees what to change.

Plain Python: no Qt, no files; the lexicon is read by ``documents.lexicon``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# Look-alike letters a substitution could use to slip a word past the check.
_CONFUSABLES = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ɡ": "g",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ς": "s",
        "ℓ": "l",
        "ı": "i",
        "һ": "h",  # Cyrillic shha
        "ɑ": "a",  # Latin alpha
        "ԛ": "q",
        "ԝ": "w",
        "ɩ": "i",
        "ʏ": "y",
        "ϳ": "j",
    }
)
# The same look-alikes in capitals, for text read without folding case (identifiers: a
# postcode typed in Cyrillic capitals, "СА1 1АВ").
_CAPITAL_CONFUSABLES = str.maketrans(
    {
        key.upper(): value.upper()
        for key, value in ((chr(k), v if isinstance(v, str) else chr(v)) for k, v in _CONFUSABLES.items())
        if key.upper() != key and len(key.upper()) == 1
    }
)
# Look-alikes that compatibility decomposition would turn into another letter first (the
# lunate sigma, which looks like c, decomposes to σ): read before it.
_BEFORE_DECOMPOSING = str.maketrans({"ϲ": "c", "Ϲ": "C"})
# Letters that print as nothing (Hangul fillers, the braille blank): not Cf, so not removed
# with the format characters, yet they split a word as invisibly as a zero-width space.
_INVISIBLE = set("\u115f\u1160\u3164\uffa0\u2800\u180e")
_APOSTROPHES = set("'`´ʹʻʼʽʾʿˈ′‘’‚‛＇")
_DASHES = set("‐‑‒–—―−﹘﹣－⁃")
_JOINERS = {"-", "'"}
# Common endings taken off before comparing stems; a stem must keep 5+ letters.
_SUFFIXES = (
    "ically",
    "ations",
    "ation",
    "ology",
    "ologist",
    "itis",
    "osis",
    "otic",
    "ions",
    "ion",
    "ives",
    "ive",
    "ical",
    "ics",
    "ic",
    "tic",
    "ies",
    "ied",
    "ing",
    "ed",
    "es",
    "s",
    "y",
    "ia",
    "ity",
    "ous",
    "al",
)
_MIN_STEM = 5
_MAX_SPELT = 30  # letters of a word spelt out one at a time, at most
_ORDINARY_WORDS = frozenset({"aids"})  # abbreviations that are also words in lower case


@dataclass(frozen=True)
class Term:
    """One way of naming a condition: ``text`` as listed, ``condition`` the name shown."""

    text: str
    condition: str
    capitals_only: bool = False  # an abbreviation: whole word, in capitals


@dataclass(frozen=True)
class Finding:
    """Words in a printed field that would disclose something."""

    where: str  # the field, as the coach knows it ("how their health affects work")
    words: str  # exactly as typed
    what: str  # "a health condition (Depression)", "an NHS number", ...
    kind: str  # "condition" or "identifier"
    condition: str = ""  # for kind "condition": the condition it names

    def message(self) -> str:
        return f"\u201c{self.words}\u201d in {self.where} ({self.what})"


# ----- normalising -------------------------------------------------------------------------------


def _fold_char(char: str, fold_case: bool) -> str:
    out = []
    for part in unicodedata.normalize("NFKD", char.translate(_BEFORE_DECOMPOSING)):
        category = unicodedata.category(part)
        if category in ("Mn", "Me", "Cf") or part in _INVISIBLE:
            continue
        if part in _APOSTROPHES:
            part = "'"
        elif part in _DASHES or (category == "Pd"):
            part = "-"
        if fold_case:
            part = part.casefold().translate(_CONFUSABLES)
        else:
            part = part.translate(_CAPITAL_CONFUSABLES).translate(_CONFUSABLES)
        out.append(part)
    return "".join(out)


def normalise(text: str, fold_case: bool = True) -> str:
    """``text`` as the check reads it (see the module docstring)."""
    return "".join(_fold_char(c, fold_case) for c in text)


def _normalised_with_origin(text: str, fold_case: bool) -> tuple[str, list[int]]:
    chars, origin = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char, fold_case)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return "".join(chars), origin


@dataclass(frozen=True)
class _Word:
    text: str
    start: int  # in the original text
    end: int


def _is_word_char(c: str) -> bool:
    return c.isalnum()


def _words(text: str, fold_case: bool, joined: bool) -> list[_Word]:
    """Words of ``text`` with their span in the original. ``joined``: hyphens, apostrophes
    and dots between single letters join a word; otherwise they split it."""
    norm, origin = _normalised_with_origin(text, fold_case)
    words: list[_Word] = []
    i, n = 0, len(norm)
    while i < n:
        if not _is_word_char(norm[i]):
            i += 1
            continue
        start, letters, segment = i, [], 0
        while i < n:
            c = norm[i]
            if _is_word_char(c):
                letters.append(c)
                segment += 1
                i += 1
            elif joined and c in _JOINERS and i + 1 < n and _is_word_char(norm[i + 1]):
                segment = 0
                i += 1
            elif (
                joined
                and c == "."
                and segment == 1
                and i + 1 < n
                and _is_word_char(norm[i + 1])
                and (i + 2 >= n or not _is_word_char(norm[i + 2]))
            ):
                segment = 0  # dotted initials: M.S. -> ms
                i += 1
            else:
                break
        end = i
        words.append(_Word("".join(letters), origin[start], origin[end - 1] + 1))
    return words


@lru_cache(maxsize=65536)
def _stems(word: str) -> frozenset[str]:
    stems = {word}
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            stems.add(word[: -len(suffix)])
    return frozenset(stems)


def _same_word(term_word: str, word: str) -> bool:
    if term_word == word:
        return True
    if len(term_word) < _MIN_STEM or len(word) < _MIN_STEM:
        return False
    return bool(_stems(term_word) & _stems(word))


# ----- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PreparedTerm:
    term: Term
    words: tuple[str, ...]  # joined form
    split_words: tuple[str, ...]


@lru_cache(maxsize=16384)
def _prepare_one(term: Term) -> _PreparedTerm | None:
    fold = not term.capitals_only
    joined = tuple(w.text for w in _words(term.text, fold, joined=True))
    split = tuple(w.text for w in _words(term.text, fold, joined=False))
    return _PreparedTerm(term, joined, split) if joined else None


def _readings(terms: Iterable[Term]) -> Iterable[Term]:
    """Each term, and an abbreviation of four letters or more also in any case ("ptsd",
    "Copd": no ordinary word) unless it is one ("AIDS", as in hearing aids)."""
    for term in terms:
        yield term
        if (
            term.capitals_only
            and len(term.text) >= 4
            and term.text.isalnum()
            and term.text.casefold() not in _ORDINARY_WORDS
        ):
            yield Term(term.text, term.condition)


def _prepare(terms: Iterable[Term]) -> list[_PreparedTerm]:
    return [p for p in map(_prepare_one, _readings(terms)) if p is not None]


def _keys(word: str, exact: bool) -> frozenset[str]:
    """What a word is looked up by: itself, and (unless exact) its stems."""
    return frozenset((word,)) if exact or len(word) < _MIN_STEM else _stems(word)


_Index = dict[tuple[bool, bool], dict[str, list[tuple[_PreparedTerm, tuple[str, ...]]]]]


def _index(prepared: list[_PreparedTerm]) -> _Index:
    """Terms by the keys of their first word, per reading (case folded?, hyphens joining?)."""
    index: _Index = {(f, j): {} for f in (True, False) for j in (True, False)}
    for p in prepared:
        exact = p.term.capitals_only
        for joined, term_words in ((True, p.words), (False, p.split_words)):
            if not term_words:
                continue
            for key in _keys(term_words[0], exact):
                index[(not exact, joined)].setdefault(key, []).append((p, term_words))
    return index


def _spans_in(
    words: list[_Word],
    terms: dict[str, list[tuple[_PreparedTerm, tuple[str, ...]]]],
    spans: dict[tuple[int, int], Term],
) -> None:
    """Add every span of ``words`` that a term matches (looked up, never scanned for)."""
    for i, word in enumerate(words):
        tried: set[int] = set()
        for key in _keys(word.text, False) | {word.text}:
            for p, term_words in terms.get(key, ()):
                if id(term_words) in tried:
                    continue
                tried.add(id(term_words))
                exact = p.term.capitals_only
                same = (lambda a, b: a == b) if exact else _same_word
                size = len(term_words)
                fits = i + size <= len(words)
                if fits and all(same(term_words[j], words[i + j].text) for j in range(size)):
                    spans.setdefault((word.start, words[i + size - 1].end), p.term)
        # A single-word term typed with spaces or line breaks inside it ("bi polar"), or
        # spelt out a letter at a time ("d e p r e s s i o n", "P T S D").
        run, spelt, k = word.text, len(word.text) == 1, 1
        while i + k < len(words) and (k < 3 or (spelt and len(words[i + k].text) == 1)) and k < _MAX_SPELT:
            spelt = spelt and len(words[i + k].text) == 1
            run += words[i + k].text
            k += 1
            if len(run) < _MIN_STEM and not (spelt and len(run) >= 3):
                continue
            for key in _keys(run, False):
                for p, term_words in terms.get(key, ()):
                    if len(term_words) != 1 or p.term.capitals_only:
                        continue
                    if term_words[0] == run or (len(run) >= _MIN_STEM and _same_word(term_words[0], run)):
                        spans.setdefault((word.start, words[i + k - 1].end), p.term)


def find_conditions(fields: Iterable[tuple[str, str]], terms: Iterable[Term]) -> list[Finding]:
    """Every place a term names a condition in the labelled ``fields`` (label, text)."""
    index = _index(_prepare(terms))
    findings: list[Finding] = []
    for label, text in fields:
        if not text or not text.strip():
            continue
        spans: dict[tuple[int, int], Term] = {}
        for (fold, joined), by_key in index.items():
            if by_key:
                _spans_in(_words(text, fold, joined), by_key, spans)
        for (start, end), term in sorted(_outermost(spans).items()):
            findings.append(
                Finding(
                    label,
                    text[start:end],
                    f"a health condition: {term.condition}",
                    "condition",
                    term.condition,
                )
            )
    return findings


def _outermost(spans: dict[tuple[int, int], Term]) -> dict[tuple[int, int], Term]:
    """Drop a span inside a longer one ("diabetes" inside "type 2 diabetes")."""
    keep = {}
    for span, term in spans.items():
        if not any(o != span and o[0] <= span[0] and span[1] <= o[1] for o in spans):
            keep[span] = term
    return keep


# ----- identifiers -------------------------------------------------------------------------------

_TEN_DIGITS = re.compile(r"(?<!\d)\d{3}[ \-.]?\d{3}[ \-.]?\d{4}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+44[ \-.]?\(?0?\)?|\(?0)\d{2,4}\)?(?:[ \-.]?\d){6,8}(?!\d)")
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b", re.IGNORECASE)
# Dates however a coach might write them (day, month, year): 17/05/1984, 1984-05-17, 1984/05/17,
# 17 May 1984, 17-May-1984, 17th of May 1984, May 17, 1984, 17May1984, 17 May '84. In words a
# two-digit year needs its apostrophe ("3 May 12 shifts" is no date).
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(?P<month>" + "|".join(_MONTHS) + r")[a-z]*\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WORD_YEAR = r"(?P<year>\d{4}|'\d{2})(?!\d)"
_GAP = r"[\s\-./]*"
_DATES = (
    re.compile(r"(?<!\d)(?P<day>\d{1,2})[/.\-](?P<month>\d{1,2})[/.\-](?P<year>\d{2}|\d{4})(?!\d)"),
    re.compile(r"(?<!\d)(?P<year>\d{4})[/.\-](?P<month>\d{1,2})[/.\-](?P<day>\d{1,2})(?!\d)"),
    re.compile(rf"(?<![\w]){_DAY}{_GAP}(?:of{_GAP})?{_MONTH},?{_GAP}{_WORD_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}{_GAP}{_DAY},?{_GAP}{_WORD_YEAR}", re.IGNORECASE),
)
_BIRTH_WORDS = re.compile(r"\b(?:date of birth|d\.?o\.?b\.?|born on|born in|birthday)\b", re.IGNORECASE)
# A date this far back cannot be a return-to-work or review date: treat it as a birth date.
BIRTH_YEARS_BACK = 14


@dataclass(frozen=True)
class ClientIdentifiers:
    """The client's own identifiers, refused however they are written."""

    nhs_number: str = ""
    date_of_birth: str = ""  # ISO
    postcode: str = ""
    phone: str = ""
    email: str = ""


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _year(text: str) -> int:
    year = int(text.lstrip("'"))
    return year + (1900 if year >= 30 else 2000) if year < 100 else year


def find_identifiers(
    fields: Iterable[tuple[str, str]], client: ClientIdentifiers | None = None, today: date | None = None
) -> list[Finding]:
    """NHS numbers, phone numbers, postcodes and dates of birth in the labelled fields."""
    today = today or date.today()
    client = client or ClientIdentifiers()
    findings: list[Finding] = []
    for label, raw in fields:
        if not raw or not raw.strip():
            continue
        text = normalise(raw, fold_case=False)  # digits and letters as printed, no tricks
        add = _Collector(label, text, findings)
        for m in _TEN_DIGITS.finditer(text):
            add(m.start(), m.end(), "what looks like an NHS number or phone number")
        for m in _PHONE.finditer(text):
            add(m.start(), m.end(), "a phone number")
        for m in _POSTCODE.finditer(text):
            add(m.start(), m.end(), "a postcode")
        born = _iso_date(client.date_of_birth)
        for start, end, year, when in _dates_in(text):
            if born is not None and when == born:
                add(start, end, "the client's date of birth")
            elif year <= today.year - BIRTH_YEARS_BACK:
                add(start, end, "what looks like a date of birth")
        for m in _BIRTH_WORDS.finditer(text):
            add(m.start(), m.end(), "a date of birth")
        _client_own(text, client, add)
    return findings


class _Collector:
    """Adds a finding for a span of one field, once (a span inside an earlier one is skipped)."""

    def __init__(self, label: str, text: str, findings: list[Finding]):
        self.label, self.text, self.findings = label, text, findings
        self.seen: list[tuple[int, int]] = []

    def __call__(self, start: int, end: int, what: str) -> None:
        if any(s <= start < e for s, e in self.seen):
            return
        self.seen.append((start, end))
        self.findings.append(Finding(self.label, self.text[start:end].strip(), what, "identifier"))


def _client_own(text: str, client: ClientIdentifiers, add: _Collector) -> None:
    """The client's own NHS number, phone and postcode, whatever spacing or punctuation."""
    own = ((client.nhs_number, "the client's NHS number"), (client.phone, "the client's phone number"))
    for value, what in own:
        wanted = _digits(value)
        if len(wanted) >= 6:
            spaced = r"[^\d]{0,3}".join(wanted[-10:])  # any spacing or punctuation between digits
            for m in re.finditer(spaced, text):
                add(m.start(), m.end(), what)
    postcode = re.sub(r"\s", "", client.postcode).upper()
    if len(postcode) >= 5:
        spaced = r"[\s\-.]{0,3}".join(re.escape(c) for c in postcode)
        for m in re.finditer(spaced, text, re.IGNORECASE):
            add(m.start(), m.end(), "the client's postcode")
    email = normalise(client.email).strip()
    if "@" in email:
        for m in re.finditer(re.escape(email), normalise(text)):
            add(m.start(), m.end(), "the client's email address")


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _dates_in(text: str) -> list[tuple[int, int, int, date | None]]:
    """(start, end, year, the date or None when it is no real day) for every date written in
    ``text``, in any of the forms of ``_DATES``; earliest first, longest first at one start."""
    found = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            month = m["month"]
            number = _MONTHS.index(month[:3].lower()) + 1 if month.isalpha() else int(month)
            year = _year(m["year"])
            try:
                when: date | None = date(year, number, int(m["day"]))
            except ValueError:
                when = None
            found.append((m.start(), m.end(), year, when))
    return sorted(found, key=lambda f: (f[0], -f[1]))
