"""The service's fixed lists, in its own words (see shared/PRODUCT.md).

Each list maps a stable code (stored, synced, exported) to the label a coach reads.
Codes never change once released; labels may be reworded.
"""

REFERRAL_ROUTES = {
    "gp": "GP / primary care",
    "self": "Self-referral",
    "employer": "Employer",
    "jobcentre": "Jobcentre Plus",
    "vcse": "Voluntary and community organisation",
    "occupational_health": "Occupational health",
    "other_health": "Other health professional",
}

TRIAGE_OUTCOMES = {
    "pending": "Awaiting triage",
    "accepted": "Accepted",
    "declined": "Declined",
}

# Reasons fed back to the referrer: services report many inappropriate referrals.
DECLINE_REASONS = {
    "under_16": "Under 16",
    "out_of_area": "Not living in or registered with a GP in the area",
    "no_right_to_work": "No right to work in the UK",
    "complex_needs": "Complex health needs: needs a more specialist service",
    "long_term_unemployed": "Long-term unemployed: another service fits better",
    "not_health_related": "Work difficulty not related to health",
    "declined_by_client": "Client did not want support",
    "no_contact": "Could not make contact",
    "duplicate": "Duplicate referral",
    "other": "Other (see note)",
}

CONTACT_METHODS = {
    "phone": "Phone call",
    "sms": "Text message (SMS)",
    "email": "Email",
    "letter": "Letter",
}

WORK_STATUSES = {
    "in_work": "In work",
    "in_work_off_sick": "In work, off sick",
    "out_of_work": "Out of work",
    "self_employed": "Self-employed",
}

# The client's main health barrier to work, in the groups the programme reports (the pilot:
# 48% named mental illness). "" means not recorded yet; it is asked at the first
# appointment, so a referral can be saved without it.
HEALTH_BARRIERS = {
    "mental_health": "Mental health",
    "musculoskeletal": "Musculoskeletal",
    "long_term_condition": "Other long-term condition",
    "other": "Other health barrier",
    "not_disclosed": "Client preferred not to say",
}

SESSION_MODES = {
    "in_person": "In person",
    "phone": "Phone",
    "video": "Video",
}

FIT_NOTE_STATUSES = {
    "not_fit": "Not fit for work",
    "may_be_fit": "May be fit for work",
}

# The four options a fit note offers when someone "may be fit for work".
FIT_NOTE_OPTIONS = {
    "phased_return": "A phased return to work",
    "altered_hours": "Altered hours",
    "amended_duties": "Amended duties",
    "workplace_adaptations": "Workplace adaptations",
}

DISCHARGE_REASONS = {
    "completed": "Support completed",
    "disengaged": "Disengaged / lost contact",
    "client_withdrew": "Client withdrew",
    "moved_away": "Moved out of area",
    "referred_on": "Referred to a more suitable service",
    "other": "Other",
}

WORK_OUTCOMES = {
    "stayed_in_work": "Stayed in work",
    "returned_to_work": "Returned to work",
    "new_work": "Started new work",
    "not_in_work": "Not in work",
    "unknown": "Not known",
}

CONSENT_SCOPES = {
    "participation": "Taking part in WorkWell",
    "share_gp": "Sharing information with their GP",
    "share_employer": "Sharing information with their employer",
    "share_service": "Sharing information with a named service",
    "contact_sms": "Contact by text message (SMS)",
    "contact_email": "Contact by email",
}

CONSENT_ACTIONS = {
    "given": "Given",
    "refused": "Refused",
    "withdrawn": "Withdrawn",
}

CONSENT_METHODS = {
    "verbal": "Verbal",
    "written": "Written",
    "digital": "Digital",
}

COACH_ROLES = {
    "coach": "Work and health coach",
    "team_lead": "Team lead",
}
