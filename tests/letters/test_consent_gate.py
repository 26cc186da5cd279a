"""A letter is prepared and issued only while consent to share with the employer is current."""

from datetime import date

import pytest
from letters_support import make_draft, record_consent

from workwell_desktop.domain.letters import ConsentRequired, EmployerLetter
from workwell_desktop.services.letters import consent_problem, issue_letter, letter_pdf


def letters(store, client):
    return store.for_client(EmployerLetter, client.id)


def test_never_asked_is_refused_with_a_reason(store, client):
    assert "not been asked" in consent_problem(store, client.id)
    with pytest.raises(ConsentRequired, match="not been asked"):
        issue_letter(store, client.id, make_draft())
    assert letters(store, client) == []


def test_refused_consent_is_refused(store, client):
    record_consent(store, client.id, "refused")
    with pytest.raises(ConsentRequired, match="refused"):
        issue_letter(store, client.id, make_draft())


def test_given_consent_allows_a_letter(store, client):
    record_consent(store, client.id, "given")
    assert consent_problem(store, client.id) is None
    letter = issue_letter(store, client.id, make_draft())
    assert letters(store, client) == [letter]


def test_withdrawn_then_given_again(store, client):
    record_consent(store, client.id, "given")
    record_consent(store, client.id, "withdrawn")
    assert "withdrew" in consent_problem(store, client.id)
    with pytest.raises(ConsentRequired, match="withdrew"):
        issue_letter(store, client.id, make_draft())
    record_consent(store, client.id, "given")
    assert issue_letter(store, client.id, make_draft()).reference.startswith("WW-")


def test_consent_for_another_scope_does_not_count(store, client):
    from workwell_desktop.domain.records import ConsentEvent

    store.add(
        ConsentEvent(
            client_id=client.id,
            scope="share_gp",
            action="given",
            method="verbal",
            recorded_by="Alex Coach",
            recorded_at="2026-01-01T10:00:00+00:00",
        )
    )
    with pytest.raises(ConsentRequired):
        issue_letter(store, client.id, make_draft())


def test_withdrawn_between_preparing_and_issuing_is_refused(store, client, monkeypatch):
    """Consent is checked again at the moment of issue, after the PDF is made."""
    import workwell_desktop.services.letters as issuing

    record_consent(store, client.id, "given")
    assert consent_problem(store, client.id) is None  # the coach starts preparing
    real_render = issuing.render_letter

    def render_then_withdraw(*args, **kwargs):
        pdf = real_render(*args, **kwargs)
        record_consent(store, client.id, "withdrawn")  # e.g. arrived by sync meanwhile
        return pdf

    monkeypatch.setattr(issuing, "render_letter", render_then_withdraw)
    with pytest.raises(ConsentRequired, match="withdrew"):
        issue_letter(store, client.id, make_draft())
    assert letters(store, client) == []


# ----- every way out needs participation too, and export after withdrawal a lawful reason (#14) ----


def test_a_letter_is_refused_once_participation_is_withdrawn(store, client):
    record_consent(store, client.id, "given")
    record_consent(store, client.id, "withdrawn", scope="participation")  # employer consent still "given"
    assert "withdrew consent to take part" in consent_problem(store, client.id)
    with pytest.raises(ConsentRequired, match="take part"):
        issue_letter(store, client.id, make_draft())
    assert letters(store, client) == []


def test_export_after_withdrawal_needs_a_lawful_reason_and_audits_it(store, client, tmp_path):
    from workwell_desktop.services.letters import export_letter

    record_consent(store, client.id, "given")
    letter = issue_letter(store, client.id, make_draft())
    record_consent(store, client.id, "withdrawn")
    out = tmp_path / "letter.pdf"
    with pytest.raises(ConsentRequired, match="withdrew"):
        export_letter(store, letter.id, out)
    assert not out.exists()
    with pytest.raises(ConsentRequired, match="not a recorded lawful reason"):
        export_letter(store, letter.id, out, lawful_reason="the employer asked nicely")
    export_letter(store, letter.id, out, lawful_reason="subject_access")
    assert out.read_bytes() == letter_pdf(store, letter)
    [entry] = [a for a in store.audit_trail() if a["action"] == "export-letter"]
    assert entry["detail"] == f"letter={letter.id},basis=reason:subject_access,protected=no"


def test_export_after_participation_withdrawn_is_refused(store, client, tmp_path):
    from workwell_desktop.services.letters import export_letter

    record_consent(store, client.id, "given")
    letter = issue_letter(store, client.id, make_draft())
    record_consent(store, client.id, "withdrawn", scope="participation")
    with pytest.raises(ConsentRequired, match="take part"):
        export_letter(store, letter.id, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_stored_letter_that_would_disclose_is_not_exported_to_the_employer(store, client, tmp_path):
    """A letter issued by an older version (or synced in) is checked again on the way out."""
    import base64
    import json

    from letters_support import agreed

    from workwell_desktop.documents.letter import render_letter
    from workwell_desktop.services.letters import DisclosureRefused, export_letter

    record_consent(store, client.id, "given")
    draft = agreed(
        make_draft(
            functional_effects="Sam has epilepsy and tires quickly.",
            client_name="Sam Taylor",
            client_first_name="Sam",
        )
    )
    old = store.add(
        EmployerLetter(
            client_id=client.id,
            reference="WW-20260102-ABCD",
            issued_on=date.today().isoformat(),
            issued_by="Alex Coach",
            employer="Eden Valley Bakery Ltd",
            recipient="Jo Barker",
            content=json.dumps(draft.content()),
            supersedes="",
            pdf=base64.b64encode(render_letter(draft, "WW-20260102-ABCD", date.today())).decode("ascii"),
        )
    )
    with pytest.raises(DisclosureRefused, match="epilepsy"):
        export_letter(store, old.id, tmp_path / "x.pdf")
    # The client's own copy (a subject access request) is theirs to have, and is audited as
    # that: with consent current it used to pass unchecked and be audited as "consent".
    export_letter(store, old.id, tmp_path / "x.pdf", lawful_reason="subject_access")
    [entry] = [e for e in store.audit_trail() if e["action"] == "export-letter"]
    assert entry["detail"].endswith("basis=reason:subject_access,protected=no")


# ----- a referral made to a named service -------------------------------------------------------


def _referral(client, **changes):
    from workwell_desktop.domain.plans import PlanReferral

    values = dict(
        client_id=client.id,
        support_area="mental_health_pain",
        service_name="Talking Space Cumbria",
        kind="referral",
        status="made",
        made_on="2026-01-05",
    )
    values.update(changes)
    return PlanReferral(**values)


def test_a_referral_made_needs_consent_to_share_with_that_service(store, client):
    from workwell_desktop.services import plans
    from workwell_desktop.store import InvalidRecord

    with pytest.raises(InvalidRecord, match="Talking Space Cumbria"):
        plans.add_entry(store, _referral(client))
    record_consent(store, client.id, "given", scope="share_service", service_name="Another Service")
    with pytest.raises(InvalidRecord, match="not been asked"):
        plans.add_entry(store, _referral(client))
    record_consent(store, client.id, "given", scope="share_service", service_name="talking space cumbria")
    assert plans.add_entry(store, _referral(client)).status == "made"


def test_signposting_and_planned_referrals_share_nothing(store, client):
    from workwell_desktop.services import plans

    assert plans.add_entry(store, _referral(client, kind="signposting"))
    planned = plans.add_entry(store, _referral(client, status="planned", made_on=""))
    from workwell_desktop.store import InvalidRecord

    with pytest.raises(InvalidRecord, match="consent"):  # becoming "made" is the moment it is shared
        plans.change_entry(store, planned, status="made", made_on="2026-01-06")


def test_a_referral_without_consent_needs_a_recorded_reason(store, client):
    from workwell_desktop.domain.plans import PlanReferral
    from workwell_desktop.services import plans

    made = plans.add_entry(store, _referral(client, sharing_reason="safeguarding"))
    assert store.get(PlanReferral, made.id).sharing_reason == "safeguarding"
    assert _referral(client, sharing_reason="because").validate()["sharing_reason"]


def test_withdrawing_participation_stops_referrals_too(store, client):
    from workwell_desktop.services import plans
    from workwell_desktop.store import InvalidRecord

    record_consent(store, client.id, "given", scope="share_service", service_name="Talking Space Cumbria")
    record_consent(store, client.id, "withdrawn", scope="participation")
    with pytest.raises(InvalidRecord, match="take part"):
        plans.add_entry(store, _referral(client))


# ----- the same person entered twice, merged ----------------------------------------------------


def _merged_pair(store):
    """The person entered twice (a second laptop's record synced in), then merged: the kept
    client and the duplicate, each with consent to share with the employer."""
    from letters_support import add_client

    from workwell_desktop.domain.records import Client

    kept = add_client(store)
    duplicate = add_client(store, nhs_number="9990000026")
    with store.connection:  # as a sync leaves it: the store refuses to make a duplicate itself
        store.connection.execute(
            "UPDATE client SET nhs_number = ? WHERE id = ?", (kept.nhs_number, duplicate.id)
        )
    for who in (kept, duplicate):
        record_consent(store, who.id, "given")
    return kept, store.get(Client, duplicate.id)


def test_a_letter_issued_under_a_merged_duplicate_follows_the_persons_consent(store, tmp_path):
    """The export judged a letter by the consent recorded under its own client: one issued
    under the duplicate went to the employer after the person withdrew under the kept one."""
    from workwell_desktop.services.letters import export_letter, export_problem

    kept, duplicate = _merged_pair(store)
    letter = issue_letter(store, duplicate.id, make_draft())
    store.merge_clients(kept.id, duplicate.id)
    record_consent(store, kept.id, "withdrawn")
    assert "withdrew" in export_problem(store, letter.id)
    with pytest.raises(ConsentRequired, match="withdrew"):
        export_letter(store, letter.id, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_letter_under_a_merged_duplicate_is_checked_against_the_persons_fit_notes(store, tmp_path):
    from letters_support import agreed

    from workwell_desktop.domain.records import FitNote
    from workwell_desktop.services.letters import DisclosureRefused, draft_findings

    kept, duplicate = _merged_pair(store)
    store.merge_clients(kept.id, duplicate.id)
    store.add(
        FitNote(
            client_id=kept.id,
            issued_on="2026-01-05",
            valid_from="2026-01-05",
            valid_to="2026-02-05",
            status="not_fit",
            condition="Sarcoidosis",
        )
    )
    draft = agreed(make_draft(functional_effects="Sam's sarcoidosis tires them."))
    assert draft_findings(store, duplicate.id, draft)
    with pytest.raises(DisclosureRefused):
        issue_letter(store, duplicate.id, draft)
