"""What an employer letter would disclose, checked on exactly what is printed.

Runs over every string of the letter as :func:`letter_text` lays it out (the same
function the PDF and the on-screen preview use), the PDF's document properties and
its file name; against the shipped condition lexicon (``resources/letters/
conditions.json``, service-editable), the conditions recorded for this client (the
letter's condition field, their fit notes' condition, the initial assessment's
health conditions answer) and identifier patterns. Typed fields are also checked for
identifiers; the service's own fixed wording and contact details are not (its phone
number and postcode are meant to be there).

A condition is allowed only when the client chose to share their condition, and then
only the condition(s) named in what they chose to share. Identifiers are never allowed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..domain.disclosure import (
    ClientIdentifiers,
    Finding,
    Term,
    find_conditions,
    find_identifiers,
    normalise,
)
from ..domain.letters import LetterDraft
from ..paths import resource_path
from .catalogue import LetterResourceError, LetterWording, ServiceDetails, load_service, load_wording
from .letter_text import LetterText, letter_text

# Words of a recorded condition too general to name it on their own ("chronic back pain":
# "chronic" and "back" would refuse "back to work"). The whole phrase still counts.
_GENERAL_WORDS = frozenset(
    """
about after again also back being bits chronic condition conditions difficult difficulty disease
disorder during effect effects feeling getting having health history illness issue issues level
living long major mental minor moderate other pains physical problem problems recent recently
recovering recovery related serious severe short since slight some still symptom symptoms their
there these things since treatment under until where which while whole with work years
""".split()
)
_SEGMENTS = re.compile(r"[,;/\n]|\band\b|\bwith\b|&", re.IGNORECASE)
FILE_NAME_PATTERN = "{reference}.pdf"
EMPLOYER_ADDRESS = "the employer's address"
EMPLOYER_NAME = "the employer's name"


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]
    source: str
    licence: str


@dataclass
class DisclosureContext:
    """What a letter for this client must not reveal: built by ``issuing.disclosure_context``."""

    lexicon: Lexicon
    recorded_conditions: list[str] = field(default_factory=list)
    client: ClientIdentifiers = field(default_factory=ClientIdentifiers)
    # The employer as the client's record names it: an employer called "Cancer Research UK"
    # or "Epilepsy Society" tells the employer nothing it does not know.
    employer: str = ""


# ----- the lexicon -----------------------------------------------------------------------------


def parse_lexicon(body: dict, source: str = "conditions.json") -> Lexicon:
    """The lexicon from its JSON; LetterResourceError naming what to fix."""
    if not isinstance(body, dict) or body.get("format") != 1:
        raise LetterResourceError(f'{source}: expected an object with "format": 1.')
    for key in ("source", "licence"):
        if not isinstance(body.get(key), str) or not body[key].strip():
            raise LetterResourceError(f'{source}: say where the list comes from in "{key}".')
    conditions = body.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise LetterResourceError(f'{source}: "conditions" must be a list of conditions.')
    terms: list[Term] = []
    for index, entry in enumerate(conditions, start=1):
        where = f"{source}: condition {index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise LetterResourceError(f'{where}: needs a "name".')
        name = entry["name"].strip()
        for key, capitals in (("terms", False), ("abbreviations", True)):
            values = entry.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise LetterResourceError(f'{where} ({name}): "{key}" must be a list of words.')
            terms += [Term(v.strip(), name, capitals) for v in values]
        terms.append(Term(name, name))
    return Lexicon(tuple(terms), body["source"].strip(), body["licence"].strip())


@lru_cache(maxsize=4)
def _lexicon_from(path: str, mtime: float) -> Lexicon:
    try:
        body = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as problem:
        raise LetterResourceError(f"{path} could not be read: {problem}") from None
    return parse_lexicon(body, Path(path).name)


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The service's condition lexicon, read again whenever the file changes."""
    path = Path(path or resource_path("letters", "conditions.json"))
    try:
        mtime = path.stat().st_mtime
    except OSError as problem:
        raise LetterResourceError(f"{path} could not be read: {problem}") from None
    return _lexicon_from(str(path), mtime)


RECORDED_LABEL = "recorded for this client: "


def recorded_condition_terms(texts: Iterable[str]) -> list[Term]:
    """Terms from conditions written in the record: each phrase, and its distinctive words."""
    terms: list[Term] = []
    for text in texts:
        for segment in _SEGMENTS.split(text or ""):
            segment = segment.strip(" .()-")
            if not segment:
                continue
            label = RECORDED_LABEL + segment
            letters = re.sub(r"[^\w]", "", segment)
            if letters.isupper() and 2 <= len(letters) <= 6:
                terms.append(Term(segment, label, capitals_only=True))  # "MS", "COPD"
                continue
            if len(letters) >= 3:
                terms.append(Term(segment, label))
            for word in re.findall(r"\w+", segment):
                if len(word) >= 5 and word.casefold() not in _GENERAL_WORDS:
                    terms.append(Term(word, label))
                elif word.isupper() and 2 <= len(word) <= 6:
                    terms.append(Term(word, label, capitals_only=True))
    return terms


# ----- what is printed -------------------------------------------------------------------------


def pdf_metadata(reference: str, service: ServiceDetails) -> dict[str, str]:
    """The PDF's document properties: they name the letter and service, never a person."""
    return {
        "title": f"Workplace adjustments letter {reference}",
        "author": service.service_name,
        "subject": "Recommended workplace adjustments",
    }


def file_name(reference: str) -> str:
    """The name a letter's PDF is saved under: its reference only."""
    return FILE_NAME_PATTERN.format(reference=reference)


def typed_fields(draft: LetterDraft) -> list[tuple[str, str]]:
    """Every field the coach typed that is printed, labelled as the builder names it."""
    fields = [
        ("the client's name", draft.client_name),
        (EMPLOYER_NAME, draft.employer_name),
        (EMPLOYER_ADDRESS, draft.employer_address),
        ("who the letter is to", draft.recipient_name),
        ("their role", draft.recipient_role),
        ("how their health affects work", draft.functional_effects),
    ]
    for number, item in enumerate(draft.adjustments, start=1):
        fields += [
            (f"the title of adjustment {number}", item.title),
            (f"the wording of adjustment {number} (\u201c{item.title.strip()}\u201d)", item.wording),
        ]
    fields += [
        ("your name in the sign-off", draft.coach_name),
        ("your role in the sign-off", draft.coach_role),
    ]
    if draft.share_condition:
        fields.append(("the condition the client chose to share", draft.condition))
    return fields


def printed_strings(text: LetterText) -> list[str]:
    """Every string the letter prints, in order."""
    out = [text.subject, text.salutation, *text.recipient_lines]
    for section in text.sections:
        out += [section.heading, *section.paragraphs, *section.after]
        for item in section.adjustments:
            out += [item.title, item.wording]
        for week in section.schedule:
            out.append(f"Week {week.week}: {week.days} days, {week.hours_per_day} hours")
    out += [*text.closing, text.sign_off, *text.signature_lines]
    return [s for s in out if s and s.strip()]


def _label_for(printed: str, fields: list[tuple[str, str]]) -> str:
    for label, value in fields:
        if value and printed.strip() and printed.strip() in value:
            return label
    return "the letter's fixed wording (resources/letters/wording.json)"


def letter_findings(
    draft: LetterDraft,
    context: DisclosureContext,
    *,
    reference: str = "WW-00000000-0000",
    service: ServiceDetails | None = None,
    wording: LetterWording | None = None,
    today: date | None = None,
) -> list[Finding]:
    """Everything the letter would disclose that it may not, with the exact words."""
    service = service or load_service()
    wording = wording or load_wording()
    fields = typed_fields(draft)
    printed = [(_label_for(s, fields), s) for s in printed_strings(letter_text(draft, service, wording))]
    printed += [(f"the PDF's {name}", value) for name, value in pdf_metadata(reference, service).items()]
    printed.append(("the PDF's file name", file_name(reference)))
    terms = list(context.lexicon.terms) + recorded_condition_terms(
        [*context.recorded_conditions, draft.condition]
    )
    findings = [f for f in find_conditions(printed, terms) if not _employers_own_name(f, context)]
    if draft.share_condition and draft.condition.strip():
        findings = [f for f in findings if not _shared_by_client(f, draft.condition, context)]
    # Identifiers: the typed fields only (the service's own phone and postcode are meant to
    # print), and in the employer's address only the client's own (its postcode is the employer's).
    typed = [
        (label, value) for label, value in fields if label not in ("the client's name", EMPLOYER_ADDRESS)
    ]
    findings += find_identifiers(typed, context.client, today)
    address = find_identifiers([(EMPLOYER_ADDRESS, draft.employer_address)], context.client, today)
    findings += [f for f in address if f.what.startswith("the client's")]
    return _unique(findings)


def _within(words: str, text: str) -> bool:
    """``words`` appear in ``text`` as whole words, as the check reads both."""
    wanted = re.escape(normalise(words).strip())
    return bool(wanted) and re.search(rf"(?<!\w){wanted}(?!\w)", normalise(text)) is not None


def _shared_by_client(finding: Finding, shared: str, context: DisclosureContext) -> bool:
    """Whether the client chose to share what ``finding`` names: its very words are in the
    condition they shared, or it names a lexicon condition the shared words name too
    ("depressive" when they shared "Depression"). Never by a recorded condition's label: all
    the terms of one recorded phrase share it, so sharing "fatigue" of "Cancer related
    fatigue" let the whole phrase (and "cancer" inside it) through."""
    if _within(finding.words, shared):
        return True
    if finding.condition.startswith(RECORDED_LABEL):
        return False
    return finding.condition in {
        f.condition for f in find_conditions([("shared", shared)], context.lexicon.terms)
    }


def _employers_own_name(finding: Finding, context: DisclosureContext) -> bool:
    return (
        finding.where in (EMPLOYER_NAME, EMPLOYER_ADDRESS)
        and _within(finding.words, context.employer)  # whole words: "MS" is not in "Adams Ltd"
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = (f.where, f.words, f.kind)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def findings_message(findings: list[Finding]) -> str:
    """One message for the coach naming every problem, in plain words."""
    conditions = [f for f in findings if f.kind == "condition"]
    identifiers = [f for f in findings if f.kind == "identifier"]
    parts = []
    if conditions:
        parts.append(
            "The letter would name a health condition the client has not chosen to share: "
            + "; ".join(f.message() for f in conditions)
            + ". Reword these, or record that the client chose to share their condition."
        )
    if identifiers:
        parts.append(
            "The letter must not identify the client beyond their name: "
            + "; ".join(f.message() for f in identifiers)
            + ". Remove these."
        )
    return " ".join(parts)


# ----- the client's agreement ------------------------------------------------------------------


def agreed_text_hash(
    draft: LetterDraft, service: ServiceDetails | None = None, wording: LetterWording | None = None
) -> str:
    """SHA-256 of exactly the words the client is shown (the preview is the same text):
    their agreement is recorded against it, so any later change clears it."""
    service = service or load_service()
    wording = wording or load_wording()
    printed = printed_strings(letter_text(draft, service, wording))
    body = json.dumps(
        [printed, draft.share_condition, draft.review_on], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()
