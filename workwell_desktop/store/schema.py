"""Numbered schema migrations. Append only: a released migration is never edited.

Each is applied in one transaction together with ``PRAGMA user_version``, so a
database is always at exactly one version. Before migrating an existing database
the store copies it (still encrypted) to ``backups/``. Every released version has a
fixture database under tests/store/fixtures that the tests upgrade.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "client record, consent log, change log and audit trail",
        """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE client (
    id TEXT PRIMARY KEY,
    given_name TEXT NOT NULL, family_name TEXT NOT NULL, date_of_birth TEXT NOT NULL,
    nhs_number TEXT NOT NULL, postcode TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL,
    preferred_contact TEXT NOT NULL, preferred_language TEXT NOT NULL,
    interpreter_needed INTEGER NOT NULL, gp_practice TEXT NOT NULL, employer TEXT NOT NULL,
    work_status TEXT NOT NULL, next_review_on TEXT NOT NULL, coach TEXT NOT NULL
);
CREATE INDEX client_nhs_number ON client (nhs_number);

CREATE TABLE referral (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    route TEXT NOT NULL, received_on TEXT NOT NULL, referrer TEXT NOT NULL,
    triage_outcome TEXT NOT NULL, decline_reason TEXT NOT NULL, triage_note TEXT NOT NULL,
    triaged_on TEXT NOT NULL, first_contact_on TEXT NOT NULL
);
CREATE INDEX referral_client ON referral (client_id);

CREATE TABLE fit_note (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    issued_on TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
    status TEXT NOT NULL, options TEXT NOT NULL, functional_effects TEXT NOT NULL,
    supersedes TEXT NOT NULL
);
CREATE INDEX fit_note_client ON fit_note (client_id);

CREATE TABLE contact_session (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    held_on TEXT NOT NULL, mode TEXT NOT NULL, venue TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL, note TEXT NOT NULL, recorded_by TEXT NOT NULL,
    supersedes TEXT NOT NULL
);
CREATE INDEX contact_session_client ON contact_session (client_id);

CREATE TABLE discharge (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    discharged_on TEXT NOT NULL, reason TEXT NOT NULL, work_outcome TEXT NOT NULL,
    note TEXT NOT NULL, supersedes TEXT NOT NULL
);
CREATE INDEX discharge_client ON discharge (client_id);

CREATE TABLE consent_event (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    scope TEXT NOT NULL, service_name TEXT NOT NULL, action TEXT NOT NULL,
    method TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX consent_event_client ON consent_event (client_id);

-- The outbox: every local change, in order, until the server acknowledges it.
CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    record_type TEXT NOT NULL, record_id TEXT NOT NULL,
    op TEXT NOT NULL, payload TEXT NOT NULL, hlc TEXT NOT NULL,
    device_id TEXT NOT NULL, actor TEXT NOT NULL, created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX change_log_unsent ON change_log (sent_at, seq);

-- Who did what, when: field names only, never their values; hash-chained.
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    record_type TEXT NOT NULL, record_id TEXT NOT NULL, detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
""",
    ),
    (
        2,
        "per-field clocks, so sync can merge edits field by field",
        """
-- The hybrid-logical-clock stamp of the last change to each field of each record.
-- Sync compares an incoming change's stamp with these to keep the later edit and
-- to spot two different edits of one field (a conflict for the coach to resolve).
CREATE TABLE field_clock (
    record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL,
    hlc TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id, field)
) WITHOUT ROWID;
INSERT INTO field_clock (record_type, record_id, field, hlc)
    SELECT c.record_type, c.record_id, j.key, max(c.hlc)
    FROM change_log AS c, json_each(c.payload) AS j
    WHERE c.record_type IN ('client', 'referral')
    GROUP BY c.record_type, c.record_id, j.key;
""",
    ),
    (
        3,
        "sync: each change's client and base stamps, received changes, conflicts",
        """
ALTER TABLE change_log ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE change_log ADD COLUMN base TEXT NOT NULL DEFAULT '{}';
ALTER TABLE change_log ADD COLUMN rejected_reason TEXT;
UPDATE change_log SET client_id = record_id WHERE record_type = 'client';
UPDATE change_log SET client_id = (SELECT client_id FROM referral t WHERE t.id = change_log.record_id)
    WHERE record_type = 'referral';
UPDATE change_log SET client_id = (SELECT client_id FROM fit_note t WHERE t.id = change_log.record_id)
    WHERE record_type = 'fit_note';
UPDATE change_log SET client_id = (SELECT client_id FROM contact_session t WHERE t.id = change_log.record_id)
    WHERE record_type = 'contact_session';
UPDATE change_log SET client_id = (SELECT client_id FROM discharge t WHERE t.id = change_log.record_id)
    WHERE record_type = 'discharge';
UPDATE change_log SET client_id = (SELECT client_id FROM consent_event t WHERE t.id = change_log.record_id)
    WHERE record_type = 'consent_event';

-- Changes pulled from the server and applied here, so a repeated page is a no-op.
CREATE TABLE received_change (change_id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) WITHOUT ROWID;

-- Changes of a record type this version does not know yet (sent by a newer
-- version): kept, never dropped, and applied after an upgrade.
CREATE TABLE deferred_change (change_id TEXT PRIMARY KEY, record_type TEXT NOT NULL, body TEXT NOT NULL);

-- Two different edits of one field made without seeing each other. Both devices
-- keep the later edit (by clock) so they agree, and show the other for a person
-- to choose.
CREATE TABLE conflict (
    id TEXT PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL,
    client_id TEXT NOT NULL, field TEXT NOT NULL,
    kept_value TEXT NOT NULL, kept_hlc TEXT NOT NULL, kept_actor TEXT NOT NULL,
    other_value TEXT NOT NULL, other_hlc TEXT NOT NULL, other_actor TEXT NOT NULL,
    detected_at TEXT NOT NULL, resolved_at TEXT, resolved_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX conflict_open ON conflict (resolved_at, client_id);
""",
    ),
    (
        4,
        "employer letters: issued once, kept with the exact PDF sent",
        """
-- Immutable like sessions: a correction is a new letter naming the one it supersedes.
-- content is the agreed letter as JSON; pdf is the PDF as base64 text, because records
-- travel to other devices as JSON in the change log.
CREATE TABLE employer_letter (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    reference TEXT NOT NULL, issued_on TEXT NOT NULL, issued_by TEXT NOT NULL,
    employer TEXT NOT NULL, recipient TEXT NOT NULL, content TEXT NOT NULL,
    pdf TEXT NOT NULL, supersedes TEXT NOT NULL
);
CREATE INDEX employer_letter_client ON employer_letter (client_id);
CREATE INDEX employer_letter_reference ON employer_letter (reference);
""",
    ),
    (
        5,
        "assessments and the personalised plan, every version kept",
        """
-- Completed assessments are facts once made: a correction is a new row naming the
-- one it supersedes, with the reason. answers and flags are JSON lists; responses
-- (free-text answers by item id) and safety_action are JSON text. total has no
-- declared type on purpose: it keeps an integer total as an integer and a converted
-- score (SWEMWBS 19.25) as a real, and is NULL where a measure has no total (ONS4).
CREATE TABLE assessment (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    instrument_id TEXT NOT NULL, instrument_version TEXT NOT NULL, timepoint TEXT NOT NULL,
    completed_on TEXT NOT NULL, completed_by TEXT NOT NULL,
    answers TEXT NOT NULL, responses TEXT NOT NULL, total, raw INTEGER,
    band TEXT NOT NULL, flags TEXT NOT NULL, safety_action TEXT NOT NULL,
    supersedes TEXT NOT NULL, correction_reason TEXT NOT NULL
);
CREATE INDEX assessment_client ON assessment (client_id);

-- The plan: every change appends a version that supersedes the one shown; the
-- versions of one entry share item_id. The caseload reads the current versions, so
-- supersedes is indexed.
CREATE TABLE plan (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    item_id TEXT NOT NULL, supersedes TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    support_tier TEXT NOT NULL, next_review_on TEXT NOT NULL, last_reviewed_on TEXT NOT NULL
);
CREATE INDEX plan_client ON plan (client_id);
CREATE INDEX plan_supersedes ON plan (supersedes);

CREATE TABLE plan_goal (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    item_id TEXT NOT NULL, supersedes TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    text TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX plan_goal_client ON plan_goal (client_id);

CREATE TABLE plan_action (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    item_id TEXT NOT NULL, supersedes TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    text TEXT NOT NULL, goal_id TEXT NOT NULL, owner TEXT NOT NULL, owner_name TEXT NOT NULL,
    due_on TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX plan_action_client ON plan_action (client_id);
CREATE INDEX plan_action_supersedes ON plan_action (supersedes);
CREATE INDEX plan_action_item ON plan_action (item_id);
CREATE INDEX plan_action_open ON plan_action (status, due_on);

CREATE TABLE plan_referral (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    item_id TEXT NOT NULL, supersedes TEXT NOT NULL, recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    support_area TEXT NOT NULL, service_name TEXT NOT NULL, service_contact TEXT NOT NULL,
    kind TEXT NOT NULL, status TEXT NOT NULL, made_on TEXT NOT NULL, note TEXT NOT NULL
);
CREATE INDEX plan_referral_client ON plan_referral (client_id);

-- Progress notes and review notes: never changed; a correction supersedes.
CREATE TABLE plan_note (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    written_on TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
    recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
    supersedes TEXT NOT NULL, correction_reason TEXT NOT NULL
);
CREATE INDEX plan_note_client ON plan_note (client_id);
""",
    ),
    (
        6,
        "release 0.2: sync quarantine and causal merge; risk events; the journey; audit proof; coverage",
        """
-- Never applied, never dropped: shown to IT (log, status bar) and retried after each
-- page, so a change that arrived before what it builds on is applied once it can be.
CREATE TABLE quarantined_change (
    change_id TEXT PRIMARY KEY, record_type TEXT NOT NULL, record_id TEXT NOT NULL,
    client_id TEXT NOT NULL, reason TEXT NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL
);

-- Each field's heads: the edits of it no later edit has superseded (value as JSON).
-- More than one with different values is an open conflict (see store.causal). A field
-- with no rows yet (upgraded laptop) takes field_clock and open conflicts as its heads.
CREATE TABLE field_head (
    record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL,
    value TEXT NOT NULL, actor TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id, field, hlc)
) WITHOUT ROWID;
-- Plan versions: the other heads a new version settled (JSON list of version ids),
-- so "changed elsewhere without seeing this" is decided by what was seen, not clocks.
ALTER TABLE plan ADD COLUMN also_supersedes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plan_goal ADD COLUMN also_supersedes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plan_action ADD COLUMN also_supersedes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE plan_referral ADD COLUMN also_supersedes TEXT NOT NULL DEFAULT '[]';
-- A client dropped from this laptop (moved to another team) may come back: its changes
-- must then be applied again, this laptop's own included, so they are forgotten here.
ALTER TABLE received_change ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
CREATE INDEX received_change_client ON received_change (client_id);
CREATE TABLE dropped_client (client_id TEXT PRIMARY KEY, dropped_at TEXT NOT NULL) WITHOUT ROWID;
-- The same person entered on two laptops: both stay editable (a possible duplicate,
-- same NHS number) until a coach merges one into the other; nothing is deleted.
ALTER TABLE client ADD COLUMN merged_into TEXT NOT NULL DEFAULT '';
-- Stamps an edit superseded: one arriving late changes nothing.
CREATE TABLE field_superseded (
    record_type TEXT NOT NULL, record_id TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id, field, hlc)
) WITHOUT ROWID;

-- Risk events: every risk answer and what was done about it, kept whatever happens next.
-- Facts once made (domain/risk.py): an answer event is written the moment a risk
-- answer is given; later and action events name the answers they respond to in
-- closes (a JSON list). actions is a JSON list of safety checklist ids.
CREATE TABLE risk_event (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    kind TEXT NOT NULL, instrument_id TEXT NOT NULL, item_id TEXT NOT NULL,
    item_number INTEGER NOT NULL, answer INTEGER, flag_id TEXT NOT NULL,
    assessment_id TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
    actions TEXT NOT NULL, note TEXT NOT NULL, closes TEXT NOT NULL
);
CREATE INDEX risk_event_client ON risk_event (client_id);

-- Information governance: fit-note condition, referral sharing reason, audit proves records.
-- The condition written on a fit note: never printed, but a letter is checked against it.
ALTER TABLE fit_note ADD COLUMN condition TEXT NOT NULL DEFAULT '';
-- Why a referral was made to a named service without the client's consent to share
-- with it (a code from domain.consent.LAWFUL_REASONS); '' when consent allowed it.
ALTER TABLE plan_referral ADD COLUMN sharing_reason TEXT NOT NULL DEFAULT '';
-- Each audit entry names the record's client and carries a hash of the record version
-- it describes; the chain becomes an HMAC keyed from the database key (re-keyed on
-- first unlock by store.audit.upgrade_chain, which needs the key).
ALTER TABLE audit ADD COLUMN client_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit ADD COLUMN record_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_record ON audit (record_type, record_id, seq);

-- The client's journey: episodes, undo, follow-up outcomes, corrections and moves.
-- A discharge names the episode (referral) it ends, whether the client agreed to be
-- followed up, who recorded it, and why a correction was made. Rows from before keep
-- '' (they end the latest referral received by their date) and follow-up agreed.
ALTER TABLE discharge ADD COLUMN referral_id TEXT NOT NULL DEFAULT '';
ALTER TABLE discharge ADD COLUMN follow_up_agreed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE discharge ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE discharge ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
ALTER TABLE discharge ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';

-- Corrections of sessions, fit notes and consent events say why; moved records say
-- which way they moved ('out' of the wrong client, 'in' to the right one).
ALTER TABLE contact_session ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_session ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE contact_session ADD COLUMN moved TEXT NOT NULL DEFAULT '';
ALTER TABLE fit_note ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE fit_note ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';
ALTER TABLE fit_note ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE fit_note ADD COLUMN moved TEXT NOT NULL DEFAULT '';
ALTER TABLE consent_event ADD COLUMN supersedes TEXT NOT NULL DEFAULT '';
ALTER TABLE consent_event ADD COLUMN correction_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE consent_event ADD COLUMN corrected_at TEXT NOT NULL DEFAULT '';
ALTER TABLE consent_event ADD COLUMN moved TEXT NOT NULL DEFAULT '';

-- A discharge undone (facts once made: the discharge is kept).
CREATE TABLE discharge_undo (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    discharge_id TEXT NOT NULL, reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL
);
CREATE INDEX discharge_undo_client ON discharge_undo (client_id);

-- The outcome at the 3- and 6-month follow-ups (fields: domain.journey_records.FollowUpOutcome).
CREATE TABLE follow_up_outcome (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES client (id),
    discharge_id TEXT NOT NULL, timepoint TEXT NOT NULL, contacted_on TEXT NOT NULL,
    contact_result TEXT NOT NULL, work_status TEXT NOT NULL, work_outcome TEXT NOT NULL,
    note TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL,
    supersedes TEXT NOT NULL, correction_reason TEXT NOT NULL
);
CREATE INDEX follow_up_outcome_client ON follow_up_outcome (client_id);

-- Team reporting: the client's main health barrier.
ALTER TABLE client ADD COLUMN main_health_barrier TEXT NOT NULL DEFAULT '';
""",
    ),
    (
        7,
        "letters off the wire: an issued letter's PDF hash; pruned change payloads",
        """
-- The SHA-256 of the exact PDF issued. Letters sync without their PDF: a laptop renders
-- it again from the letter's content and trusts it only when it matches (documents.letter).
-- '' for letters issued before: they keep (and synced) the PDF itself.
ALTER TABLE employer_letter ADD COLUMN pdf_sha256 TEXT NOT NULL DEFAULT '';
-- Acknowledged changes keep their ids and stamps, not their payloads (replica.mark_sent);
-- the space comes back at the next Store.compact (VACUUM).
UPDATE change_log SET payload = '{}' WHERE sent_at IS NOT NULL;
""",
    ),
    (
        8,
        "issued letter PDFs kept apart and compressed; acknowledged changes kept as ids only",
        """
-- The exact PDF of each letter issued here (store.issued_pdfs), by its SHA-256: zstd
-- against a dictionary that is itself a PDF of this table (dictionary: its sha256; ''
-- for a dictionary). Letter rows keep pdf_sha256 and pdf ''; those saved before move
-- here at the first unlock (issued_pdfs.keep_legacy_apart, audited: it needs the key).
CREATE TABLE issued_pdf (sha256 TEXT PRIMARY KEY, dictionary TEXT NOT NULL, body BLOB NOT NULL);
INSERT INTO meta (key, value) SELECT 'letter_pdfs_to_move', '1'
    WHERE EXISTS (SELECT 1 FROM employer_letter WHERE pdf != '');
-- An acknowledged change needs only its id here (our own changes coming back are known
-- by it), as a received one does: the change log keeps only what is still to send (and
-- what the server refused), in seq order already, so its index on sent_at goes too.
INSERT OR IGNORE INTO received_change (change_id, applied_at, client_id)
    SELECT change_id, sent_at, client_id FROM change_log WHERE sent_at IS NOT NULL;
DELETE FROM change_log WHERE sent_at IS NOT NULL;
DROP INDEX change_log_unsent;
-- field_head holds every field's stamps since schema 6: field_clock is read only for a
-- field edited before then and never since, so it keeps only those.
DELETE FROM field_clock WHERE EXISTS (SELECT 1 FROM field_head AS h WHERE h.record_type =
    field_clock.record_type AND h.record_id = field_clock.record_id AND h.field = field_clock.field);
""",
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]
