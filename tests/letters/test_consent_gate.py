"""A letter is prepared and issued only while consent to share with the employer is current."""

import pytest
from letters_support import make_draft, record_consent

from workwell_desktop.documents.issuing import consent_problem, issue_letter
from workwell_desktop.domain.letters import ConsentRequired, EmployerLetter


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

    store.add(ConsentEvent(client_id=client.id, scope="share_gp", action="given", method="verbal",
                           recorded_by="Alex Coach", recorded_at="2026-01-01T10:00:00+00:00"))
    with pytest.raises(ConsentRequired):
        issue_letter(store, client.id, make_draft())


def test_withdrawn_between_preparing_and_issuing_is_refused(store, client, monkeypatch):
    """Consent is checked again at the moment of issue, after the PDF is made."""
    import workwell_desktop.documents.issuing as issuing

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
