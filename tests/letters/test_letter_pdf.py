"""What the PDF says: the agreed adjustments and schedule, nothing undisclosed, and a sound layout."""

import io
from datetime import date

import pytest
from letters_support import NHS_NUMBER, add_client, agreed, flat, make_draft, pdf_pages, record_consent
from pypdf import PdfReader

from workwell_desktop.documents.catalogue import load_catalogue
from workwell_desktop.documents.letter import protect_pdf, render_letter
from workwell_desktop.domain.letters import LetterAdjustment, LetterNotReady, hours_text
from workwell_desktop.services.letters import issue_letter, letter_pdf

CONDITION = "fibromyalgia"


def test_pdf_holds_the_edited_wording_and_the_schedule(store, consented):
    draft = make_draft()
    draft.adjustments[1] = LetterAdjustment(
        "more_breaks", "More or longer breaks", "A ten-minute break every ninety minutes, away from the oven."
    )
    letter = issue_letter(store, consented.id, agreed(draft))
    text = flat(" ".join(pdf_pages(letter_pdf(store, letter))))
    for item in draft.adjustments:
        assert flat(item.title) in text
        assert flat(item.wording) in text
    assert "Suggested phased return" in text
    assert "Week Days per week Hours per day Total hours" in text
    for week in draft.phased_return:
        row = f"{week.week} {week.days} {hours_text(week.hours_per_day)} {hours_text(week.total_hours)}"
        assert row in text
    assert letter.reference in text
    assert "Workplace adjustments for Sam Taylor" in text
    assert "gov.uk/access-to-work" in text and "0800 121 7479" in text
    assert "Private and confidential" in text
    assert "Alex Coach" in text and "Work and health coach" in text


def _all_text_and_metadata(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    meta = " ".join(str(v) for v in (reader.metadata or {}).values())
    return " ".join(pdf_pages(pdf)) + " " + meta


def test_undisclosed_condition_appears_nowhere(store, consented):
    draft = make_draft(share_condition=False, condition=CONDITION)
    letter = issue_letter(store, consented.id, draft)
    assert CONDITION not in _all_text_and_metadata(letter_pdf(store, letter)).casefold()
    assert CONDITION not in letter.content.casefold()  # not kept in the record either
    assert letter.draft().condition == ""


def test_disclosed_condition_is_printed_but_not_in_the_metadata(store, consented):
    letter = issue_letter(store, consented.id, make_draft(share_condition=True, condition=CONDITION))
    pages = " ".join(pdf_pages(letter_pdf(store, letter)))
    assert "chosen to tell you about their health condition: fibromyalgia" in flat(pages)
    meta = " ".join(str(v) for v in PdfReader(io.BytesIO(letter_pdf(store, letter))).metadata.values())
    assert CONDITION not in meta.casefold()
    assert letter.draft().condition == CONDITION


def test_condition_typed_into_always_printed_wording_is_caught(store, consented):
    draft = make_draft(
        share_condition=False,
        condition=CONDITION,
        functional_effects="Her fibromyalgia flares up in the cold.",
    )
    with pytest.raises(LetterNotReady) as refused:
        issue_letter(store, consented.id, draft)
    assert "not chosen to share" in refused.value.errors["disclosure"]
    assert "\u201cfibromyalgia\u201d in how their health affects work" in refused.value.errors["disclosure"]


def test_never_the_nhs_number_or_date_of_birth(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    everything = _all_text_and_metadata(letter_pdf(store, letter))
    for identifier in (NHS_NUMBER, "943 476 5919", "1984-05-17", "17 May 1984", "17/05/1984", "CA1 1AB"):
        assert identifier not in everything
    assert NHS_NUMBER not in letter.content


def long_letter_draft():
    catalogue = load_catalogue()
    name = "Maximiliana-Łucja"
    return make_draft(
        codes=[a.code for a in catalogue.adjustments],
        weeks_preset="12-week phased return",
        client_first_name=name,
        adjustments=[LetterAdjustment(a.code, a.title, a.wording_for(name)) for a in catalogue.adjustments],
        employer_name="The Very Long Named Cumbrian Community Interest Company for Rural Bakeries Ltd",
        recipient_role="Head of People, Wellbeing, Occupational Health and Organisational Development",
    )


def test_long_letter_lays_out_across_pages(store):
    client = add_client(
        store, "Maximiliana-Łucja", "Fitzgerald-Wiśniewska-Ó Dálaigh-Montgomery-Smythe of Bowness-on-Solway"
    )
    record_consent(store, client.id, "given")
    letter = issue_letter(store, client.id, agreed(long_letter_draft(), client.full_name, client.given_name))
    pages = pdf_pages(letter_pdf(store, letter))
    total = len(pages)
    assert total >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
        assert letter.reference in page  # every page names the letter
    text = flat(" ".join(pages))
    assert "Fitzgerald-Wiśniewska-Ó Dálaigh-Montgomery-Smythe of Bowness-on-Solway" in text
    assert len(load_catalogue().adjustments) == 14
    for item in load_catalogue().adjustments:
        assert flat(item.title) in text
    assert "12 5 7 35" in text  # the last week of the schedule
    schedule_pages = [p for p in pages if "Days per week" in p]
    assert schedule_pages
    assert "Yours sincerely" in pages[-1]


def test_a_schedule_split_across_pages_repeats_its_header():
    """Push the schedule down the page until the table splits; the header must repeat."""
    draft = long_letter_draft()
    draft.client_name = "Maximiliana-Łucja Fitzgerald"
    for extra in range(0, 60):
        draft.functional_effects = "Needs regular rests. " * 12 + "\n\nMore detail. " * extra
        pages = pdf_pages(render_letter(draft, "WW-20260101-ABCD", date(2026, 1, 1)))
        with_header = [i for i, page in enumerate(pages) if "Days per week" in page]
        if len(with_header) == 2:
            first, second = (flat(pages[i]) for i in with_header)
            assert with_header[1] == with_header[0] + 1
            assert "Week Days per week Hours per day Total hours" in first
            assert "Week Days per week Hours per day Total hours" in second
            assert "Suggested phased return" not in second  # a continuation, not a new start
            assert "12 5 7 35" in second
            return
    pytest.fail("the schedule never split across two pages")


def test_password_protected_pdf_needs_the_password(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    locked = protect_pdf(letter_pdf(store, letter), "tea-and-biscuits")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    assert not reader.decrypt("wrong password")
    reader = PdfReader(io.BytesIO(locked))
    assert reader.decrypt("tea-and-biscuits")
    assert letter.reference in reader.pages[0].extract_text()


def test_metadata_names_the_letter(store, consented):
    letter = issue_letter(store, consented.id, make_draft())
    meta = PdfReader(io.BytesIO(letter_pdf(store, letter))).metadata
    assert meta.title == f"Workplace adjustments letter {letter.reference}"
    # The service, never the coach: a coach's name or role could itself say too much.
    assert meta.author == "North Cumbria WorkWell Service"
    assert meta.subject == "Recommended workplace adjustments"
    assert "Sam" not in str(dict(meta))


def test_names_with_markup_characters_print_as_typed(store, consented):
    draft = make_draft(employer_name="Bell & Sons <Carlisle>", recipient_name="Siobhán O'Neill")
    text = flat(" ".join(pdf_pages(letter_pdf(store, issue_letter(store, consented.id, draft)))))
    assert "Bell & Sons <Carlisle>" in text
    assert "Dear Siobhán O'Neill," in text


def test_body_text_is_at_least_11_point():
    from workwell_desktop.documents.letter import _styles

    for name, style in _styles().items():
        if name not in ("sender",):
            assert style.fontSize >= 11, name
