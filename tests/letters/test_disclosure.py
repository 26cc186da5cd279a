"""Disclosure control: every way an information-governance review got a private condition or an
identifier into an issued letter (issue #14), and their siblings. Each fails on the old guard,
which only looked for an exact copy of the condition field of 3 or more characters."""

from dataclasses import replace
from datetime import date

import pytest
from letters_support import agreed, make_draft

from workwell_desktop.documents.catalogue import load_catalogue, load_service, load_wording
from workwell_desktop.documents.disclosure import (
    DisclosureContext,
    agreed_text_hash,
    letter_findings,
    load_lexicon,
    parse_lexicon,
    pdf_metadata,
    printed_strings,
)
from workwell_desktop.documents.letter_text import letter_text
from workwell_desktop.domain.disclosure import ClientIdentifiers, find_conditions, find_identifiers, normalise
from workwell_desktop.domain.letters import EmployerLetter, LetterAdjustment, LetterNotReady
from workwell_desktop.domain.records import FitNote
from workwell_desktop.services.letters import DisclosureRefused, issue_letter


def _refused(store, client_id, draft) -> str:
    with pytest.raises(DisclosureRefused) as refused:
        issue_letter(store, client_id, agreed(draft))
    assert not store.all(EmployerLetter)  # nothing was issued
    return refused.value.errors["disclosure"]


def _with_adjustment(title="More or longer breaks", wording="Breaks every ninety minutes."):
    return [LetterAdjustment("more_breaks", title, wording)]


# ----- the bypasses from the issue -------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"condition": "", "functional_effects": "Sam has severe depression and tires quickly."},
            "depression",
        ),
        ({"condition": "MS", "functional_effects": "MS makes Sam very tired by lunchtime."}, "MS"),
        (
            {
                "condition": "Type 2 diabetes",
                "adjustments": _with_adjustment(wording="Time to check blood sugar for diabetes."),
            },
            "diabetes",
        ),
        ({"condition": "Depression", "functional_effects": "Sam has depressive episodes."}, "depressive"),
        (
            {"condition": "bipolar", "functional_effects": "Sam's bi-polar makes some weeks harder."},
            "bi-polar",
        ),
        ({"condition": "", "functional_effects": "Sam has epi\u200blepsy."}, "epi\u200blepsy"),
        ({"condition": "", "functional_effects": "Sam lives with Crohn\u2019s."}, "Crohn\u2019s"),
        ({"coach_role": "Coach (cancer pathway)"}, "cancer"),
        ({"coach_name": "Alex Coach, MS nurse"}, "MS"),
        ({"adjustments": _with_adjustment(title="Time off for HIV clinic")}, "HIV"),
    ],
    ids=[
        "effects-no-condition",
        "short-abbreviation",
        "word-of-condition-in-adjustment",
        "word-form",
        "hyphenated",
        "zero-width-space",
        "curly-apostrophe",
        "coach-role",
        "coach-name",
        "adjustment-title",
    ],
)
def test_condition_the_client_kept_private_is_refused(store, consented, changes, words):
    message = _refused(store, consented.id, make_draft(share_condition=False, **changes))
    assert f"\u201c{words}\u201d" in message  # the exact words, as typed
    assert "not chosen to share" in message


@pytest.mark.parametrize(
    ("effects", "words"),
    [
        ("Sam's NHS number is 943 476 5919.", "943 476 5919"),
        ("Born 17/05/1984, so this is a late-career change.", "17/05/1984"),
        ("Sam lives at CA1 1AB and the bus is slow.", "CA1 1AB"),
        ("Call Sam on 07700 900001 before 9.", "07700 900001"),
        ("Ring 01632 960 999 for the site office.", "01632 960 999"),
        ("Sam's postcode, c a 1 1 a b, is far from work.", "c a 1 1 a b"),
        ("Email Sam at SAM.TAYLOR@example.org about shifts.", "SAM.TAYLOR@example.org"),
    ],
)
def test_identifiers_typed_into_the_letter_are_refused(store, consented, effects, words):
    message = _refused(store, consented.id, make_draft(functional_effects=effects))
    assert f"\u201c{words}\u201d" in message
    assert "must not identify the client" in message


@pytest.mark.parametrize(
    "written",
    ["17-May-1984", "1984/05/17", "17th of May 1984", "May 17, 1984", "17May1984", "17 May '84", "17.v.1984"],
)
def test_the_clients_birth_date_is_refused_however_it_is_written(written):
    """Only numeric day-first and ISO dates were matched against the client's own birth date
    (17 May 1984 here); these went through to the employer. (Roman-numeral months are not
    read: the last is the one that stays, for the residual risk.)"""
    found = find_identifiers(
        [("how their health affects work", f"Sam, born {written}, drives.")],
        ClientIdentifiers(date_of_birth="1984-05-17"),
        today=date(2026, 12, 1),
    )
    own = [f.words for f in found if f.what == "the client's date of birth"]
    assert own == ([] if written == "17.v.1984" else [written])


def test_a_postcode_in_look_alike_capitals_is_refused():
    found = find_identifiers(
        [("how their health affects work", "Sam lives at \u0421\u04101 1\u0410\u0412.")],
        ClientIdentifiers(postcode="CA1 1AB"),
    )
    assert [f.what for f in found] == ["a postcode"]


def test_the_employers_own_name_exempts_whole_words_only(store, consented):
    """The employer's name was matched as a substring: in "Adams Ltd", "MS" was its own."""
    from workwell_desktop.domain.records import Client

    store.update(Client, consented.id, employer="Adams Ltd")
    message = _refused(store, consented.id, make_draft(employer_name="Adams Ltd (MS)"))
    assert "\u201cMS\u201d" in message


def test_a_recent_date_in_words_is_not_a_birth_date():
    found = find_identifiers(
        [("how their health affects work", "Review on 3 May 2027; 12 people on 3 May 12 shifts.")],
        ClientIdentifiers(date_of_birth="1984-05-17"),
        today=date(2026, 12, 1),
    )
    assert found == []


# ----- siblings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Sam has b\u00adipolar disorder",  # soft hyphen
        "Sam has EPILEPSY",
        "Sam has \u0435pilepsy",  # Cyrillic e
        "Sam has \uff45\uff50\uff49\uff4c\uff45\uff50\uff53\uff59",  # full-width letters (NFKC folds them)
        "Sam has bi polar",
        "Sam has M.S.",
        "Sam is diabetic",
        "Sam is asthmatic",
        "Sam had chemotherapy last year",
        "Sam has Crohn\u02bcs",  # modifier-letter apostrophe
        "Sam has post\u2011traumatic stress",  # non-breaking hyphen
        "Sam has \u03f2ancer",  # Greek lunate sigma for c
        "Sam has \u04bbeart failure",  # Cyrillic shha for h
        "Sam has \u0251sthma",  # Latin alpha for a
        "Sam has de\u3164pression",  # a Hangul filler: a letter that prints as nothing
        "Sam has epi\u115flepsy",
        "Sam has d e p r e s s i o n",  # spelt out
        "Sam has P T S D",
        "Sam has ptsd",  # a long abbreviation in lower case
        "Sam's Copd",
    ],
)
def test_normalisation_catches_disguised_words(text):
    assert find_conditions([("effects", text)], load_lexicon().terms), text


@pytest.mark.parametrize(
    "text",
    [
        "Dear Ms Jones",
        "Sam fits in well with the team",
        "Meetings were cancelled",
        "hearing aids",
        "Walking aids and a d d on",
        "J R R Tolkien",
        "Sam is keen to get back to work",
        "Help to manage stress at busy times",
    ],
)
def test_everyday_words_are_not_conditions(text):
    assert not find_conditions([("effects", text)], load_lexicon().terms)


@pytest.mark.parametrize(
    "field",
    [
        "employer_name",
        "employer_address",
        "recipient_name",
        "recipient_role",
        "functional_effects",
        "coach_name",
        "coach_role",
        "adjustment_title",
        "adjustment_wording",
    ],
)
def test_the_check_runs_on_every_printed_field(store, consented, field):
    draft = make_draft(share_condition=False)
    if field == "adjustment_title":
        draft.adjustments[0] = replace(draft.adjustments[0], title="Time off for epilepsy clinic")
    elif field == "adjustment_wording":
        draft.adjustments[0] = replace(draft.adjustments[0], wording="Time off for epilepsy clinic visits.")
    else:
        setattr(draft, field, getattr(draft, field) + " epilepsy")
    assert "\u201cepilepsy\u201d" in _refused(store, consented.id, draft)


def test_whatever_the_letter_prints_is_checked():
    """By construction: the check reads letter_text, the same text the PDF prints. Plant a
    condition in every text field of the draft (and of its adjustments): wherever it prints,
    the check finds it, so a field added later is covered without changing the check."""
    from dataclasses import fields as dataclass_fields

    context = DisclosureContext(load_lexicon())
    service, wording = load_service(), load_wording()
    base = make_draft(share_condition=False, client_name="Sam Taylor", client_first_name="Sam")
    printed_fields = 0
    candidates = [
        (name, None)
        for name in (f.name for f in dataclass_fields(base))
        if isinstance(getattr(base, name), str)
    ]
    candidates += [(name, 0) for name in ("title", "wording")]
    for name, adjustment in candidates:
        draft = replace(base, adjustments=list(base.adjustments))
        if adjustment is None:
            setattr(draft, name, getattr(draft, name) + " epilepsy")
        else:
            draft.adjustments[0] = replace(draft.adjustments[0], **{name: "epilepsy clinic"})
        printed = " ".join(printed_strings(letter_text(draft, service, wording)))
        if "epilepsy" in printed:
            printed_fields += 1
            assert letter_findings(draft, context, service=service, wording=wording), name
    assert printed_fields >= 11  # names, employer, recipient, effects, adjustments, sign-off


def test_a_condition_on_the_fit_note_is_checked_even_if_not_in_the_lexicon(store, consented):
    store.add(
        FitNote(
            client_id=consented.id,
            issued_on="2026-01-05",
            valid_from="2026-01-05",
            valid_to="2026-02-05",
            status="not_fit",
            condition="Sarcoidosis",
        )
    )
    message = _refused(store, consented.id, make_draft(functional_effects="Sam's sarcoidosis tires them."))
    assert "\u201csarcoidosis\u201d" in message


def test_sharing_allows_only_the_condition_the_client_chose_to_share(store, consented):
    shared = make_draft(
        share_condition=True,
        condition="Depression",
        functional_effects="Sam has depressive episodes and tires quickly.",
    )
    assert issue_letter(store, consented.id, shared).reference  # the chosen condition may print
    other = make_draft(
        share_condition=True, condition="Back pain", functional_effects="Sam also has epilepsy."
    )
    assert "\u201cepilepsy\u201d" in _refused_after_first(store, consented.id, other)


def test_sharing_one_word_of_a_recorded_condition_does_not_let_the_rest_through(store, consented):
    """Every term of a recorded fit-note condition carried one label, and a shared condition
    exempted by label: sharing "fatigue" of "Cancer related fatigue" let the whole phrase
    (and the lexicon's "cancer" inside it) into the employer's letter."""
    from workwell_desktop.domain.records import FitNote

    store.add(
        FitNote(
            client_id=consented.id,
            issued_on="2026-01-05",
            valid_from="2026-01-05",
            valid_to="2026-02-05",
            status="not_fit",
            condition="Cancer related fatigue",
        )
    )
    for effects, words in (
        ("Sam has cancer related fatigue and tires quickly.", "cancer related fatigue"),
        ("Sam's cancer means fatigue by the afternoon.", "cancer"),
    ):
        draft = make_draft(share_condition=True, condition="Fatigue", functional_effects=effects)
        assert f"\u201c{words}\u201d" in _refused_after_first(store, consented.id, draft)
    # What the client chose to share still prints.
    shared = make_draft(share_condition=True, condition="Fatigue", functional_effects="Sam tires: fatigue.")
    assert issue_letter(store, consented.id, agreed(shared)).reference


def _refused_after_first(store, client_id, draft) -> str:
    with pytest.raises(DisclosureRefused) as refused:
        issue_letter(store, client_id, agreed(draft))
    return refused.value.errors["disclosure"]


def test_identifiers_are_refused_even_when_the_condition_is_shared(store, consented):
    draft = make_draft(share_condition=True, condition="Asthma", functional_effects="NHS 9434765919.")
    assert "NHS number" in _refused(store, consented.id, draft)


def test_the_default_letter_and_catalogue_are_clean():
    context = DisclosureContext(load_lexicon())
    catalogue = load_catalogue()
    draft = make_draft(
        adjustments=[LetterAdjustment(a.code, a.title, a.wording_for("Sam")) for a in catalogue.adjustments]
    )
    assert letter_findings(draft, context) == []


def test_pdf_metadata_and_file_name_name_no_person():
    meta = pdf_metadata("WW-20260101-ABCD", load_service())
    assert "Alex" not in " ".join(meta.values())
    assert meta["author"] == load_service().service_name


def test_changing_the_letter_after_the_client_agreed_clears_the_agreement(store, consented):
    draft = make_draft()
    changed = replace(draft, functional_effects=draft.functional_effects + " Sam prefers mornings.")
    with pytest.raises(LetterNotReady) as refused:
        issue_letter(store, consented.id, changed)  # still carries the hash of the earlier text
    assert "changed since the client agreed" in refused.value.errors["client_agreed"]
    assert agreed_text_hash(changed) != agreed_text_hash(draft)


def test_the_lexicon_says_where_it_comes_from_and_is_service_editable(tmp_path):
    lexicon = load_lexicon()
    assert "nhs.uk/conditions" in lexicon.source
    assert "Open Government Licence" in lexicon.licence
    local = parse_lexicon(
        {
            "format": 1,
            "source": "local list",
            "licence": "ours",
            "conditions": [{"name": "Sarcoidosis", "terms": ["sarcoid"]}],
        }
    )
    assert find_conditions([("e", "Sam's sarcoid")], local.terms)
    with pytest.raises(Exception, match="source"):
        parse_lexicon({"format": 1, "conditions": []})


def test_normalise_folds_what_the_issue_lists():
    assert normalise("Cro\u200bhn\u2019s bi\u2010polar \uff2d\uff33") == "crohn's bi-polar ms"


def test_the_employers_own_name_is_not_a_disclosure(store, consented):
    """A client who works for "Cancer Research UK" can still have a letter; the employer's name
    from the record is theirs already. A condition typed into the name is still refused."""
    from workwell_desktop.domain.records import Client

    store.update(Client, consented.id, employer="Cancer Research UK")
    draft = make_draft(employer_name="Cancer Research UK")
    assert issue_letter(store, consented.id, agreed(draft)).reference
    other = make_draft(employer_name="Eden Valley Bakery (re: Sam's epilepsy)")
    assert "\u201cepilepsy\u201d in the employer's name" in _refused_after_first(store, consented.id, other)
