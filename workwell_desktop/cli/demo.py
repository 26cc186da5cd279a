"""Synthetic demo caseloads: invented people, NHS numbers from the 999 synthetic range.

Nothing here is real. Names are drawn at random from lists of common UK given and
family names (mixed freely), NHS numbers start 999 (a range never issued to a
person) with a valid Modulus 11 check digit, postcodes are North Cumbria shaped
(CA1-CA28), phone numbers are in Ofcom's 07700 900xxx drama range and email
addresses use the reserved example.* domains.

``--history`` makes a caseload shaped like a year of real work (per client: a referral,
2-4 consent events, 6-11 sessions with 200-400 character notes, 2-4 assessments, a plan
with goals and actions, a fit note and one issued employer letter), so the benchmarks
measure what a coach's laptop really holds. Its records are made by the package's own
functions (``build_assessment`` scores, ``issue_letter`` checks consent and renders),
and each is validated by the store like any coach's work.

The generator is separate from the saving, so the benchmarks can feed the same
records to more than one database. With the same seed, on the same day, it makes
the same people (dates are relative to today: nothing can be recorded in the
future). Record ids are always fresh random UUIDs, never seeded: two laptops that
load the same seed must not make records with the same ids.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

import nhs_number

from ..domain.letters import LetterAdjustment, LetterDraft
from ..domain.plans import PlanAction, PlanGoal, PlanSettings
from ..domain.records import Client, ConsentEvent, ContactSession, Discharge, FitNote, Record, Referral

GIVEN_NAMES = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Grace",
    "Freya",
    "Lily",
    "Emily",
    "Sophie",
    "Chloe",
    "Hannah",
    "Rebecca",
    "Sarah",
    "Claire",
    "Joanne",
    "Karen",
    "Helen",
    "Gemma",
    "Leanne",
    "Siân",
    "Niamh",
    "Aisha",
    "Fatima",
    "Priya",
    "Zofia",
    "Agnieszka",
    "Ioana",
    "Amara",
    "Mei",
    "Oliver",
    "George",
    "Harry",
    "Jack",
    "Noah",
    "Thomas",
    "James",
    "William",
    "Daniel",
    "Matthew",
    "David",
    "Paul",
    "Mark",
    "Stephen",
    "Andrew",
    "Gary",
    "Craig",
    "Scott",
    "Liam",
    "Connor",
    "Rhys",
    "Callum",
    "Mohammed",
    "Imran",
    "Arjun",
    "Tomasz",
    "Piotr",
    "Andrei",
    "Kwame",
    "Wei",
)
FAMILY_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Graham",
    "Armstrong",
    "Bell",
    "Irving",
    "Nixon",
    "Routledge",
    "Robson",
    "Elliott",
    "Dixon",
    "Hetherington",
    "Musgrave",
    "Carruthers",
    "Little",
    "Pattinson",
    "Atkinson",
    "Bowman",
    "Tweddle",
    "Stubbs",
    "O'Neill",
    "McAllister",
    "Campbell",
    "Kerr",
    "Patel",
    "Khan",
    "Hussain",
    "Begum",
    "Ahmed",
    "Singh",
    "Kaur",
    "Nowak",
    "Kowalska",
    "Wiśniewski",
    "Popescu",
    "Okafor",
    "Mensah",
    "Chen",
    "Nguyen",
    "Murphy",
    "Kelly",
    "Byrne",
)
# (district, weight): Carlisle's districts are busiest.
_CA_DISTRICTS = [(d, 6 if d <= 3 else 3 if d in (11, 14, 28) else 1) for d in range(1, 29)]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_ROUTES = {
    "gp": 35,
    "self": 25,
    "employer": 12,
    "jobcentre": 10,
    "vcse": 8,
    "occupational_health": 5,
    "other_health": 5,
}
_REFERRERS = {
    "gp": ("GP", "Practice nurse", "First contact physiotherapist", "Social prescribing link worker"),
    "self": ("Self",),
    "employer": ("Line manager", "HR adviser", "Business owner"),
    "jobcentre": ("Jobcentre Plus work coach", "Disability employment adviser"),
    "vcse": ("Citizens Advice adviser", "Community hub volunteer", "Carers support worker"),
    "occupational_health": ("Occupational health nurse", "Occupational health physician"),
    "other_health": ("Physiotherapist", "Talking therapies practitioner", "Pharmacist"),
}
_WORK_STATUSES = {"in_work": 30, "in_work_off_sick": 25, "out_of_work": 35, "self_employed": 10}
_CONTACT = {"phone": 50, "sms": 25, "email": 15, "letter": 10}
_LANGUAGES = ("Polish", "Romanian", "Urdu", "Arabic", "Lithuanian", "Bengali", "British Sign Language")
_PRACTICES = (
    "Fellside Surgery",
    "Riverside Medical Practice",
    "Eden Bank Health Centre",
    "Solway Coast Surgery",
    "Castle Street Practice",
    "Moorland View Surgery",
    "Harbourside Medical Centre",
    "Lakeland Gate Practice",
)
_EMPLOYERS = (
    "Borderlands Haulage Ltd",
    "Solway Dairies",
    "Fellview Care Home",
    "Caldew Engineering",
    "Eden Valley Hotels",
    "North Lakes Retail Park",
    "Irthing Joinery",
    "Cumbrian Coast Logistics",
    "Edenside School",
    "Petteril Print Works",
    "Sark Bridge Garage",
    "Hadrian Foods",
)
_DECLINE_REASONS = {
    "out_of_area": 20,
    "complex_needs": 20,
    "long_term_unemployed": 15,
    "not_health_related": 15,
    "declined_by_client": 15,
    "no_contact": 10,
    "duplicate": 3,
    "under_16": 1,
    "no_right_to_work": 1,
}
_VENUES = ("GP practice", "Community hub", "Library", "Family hub", "Café", "Jobcentre", "Workplace")
_SESSION_NOTES = (
    "Reviewed goals and agreed next steps.",
    "Talked through sleep and pacing.",
    "Discussed a phased return plan.",
    "Signposted to money advice.",
    "Agreed to contact line manager together.",
    "Completed review measures.",
    "Explored options for flexible hours.",
    "Checked progress with physiotherapy.",
)
_SERVICES = ("Physiotherapy", "Talking Therapies", "Citizens Advice", "Weight management service")
# Work outcome at discharge, by work status at referral.
_WORK_OUTCOMES = {
    "in_work": {"stayed_in_work": 70, "not_in_work": 20, "unknown": 10},
    "self_employed": {"stayed_in_work": 70, "not_in_work": 20, "unknown": 10},
    "in_work_off_sick": {"returned_to_work": 55, "not_in_work": 30, "unknown": 15},
    "out_of_work": {"new_work": 35, "not_in_work": 50, "unknown": 15},
}
_DISCHARGE_REASONS = {
    "completed": 60,
    "disengaged": 15,
    "client_withdrew": 7,
    "moved_away": 3,
    "referred_on": 10,
    "other": 5,
}


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _at(rng: random.Random, day: date) -> str:
    return f"{day.isoformat()}T{rng.randint(9, 16):02d}:{rng.choice((0, 15, 30, 45)):02d}:00+00:00"


def synthetic_nhs_number(rng: random.Random, taken: set[str]) -> str:
    """A unique NHS number from the 999 synthetic range with a valid check digit."""
    while True:
        first9 = f"999{rng.randrange(1_000_000):06d}"
        check = nhs_number.calculate_checksum(first9)
        if check is None or check == 10:  # no valid number with these nine digits
            continue
        number = f"{first9}{check}"
        if number not in taken:
            taken.add(number)
            return number


def synthetic_postcode(rng: random.Random) -> str:
    district = rng.choices([d for d, _ in _CA_DISTRICTS], weights=[w for _, w in _CA_DISTRICTS])[0]
    unit = "".join(rng.choice(_INWARD_LETTERS) for _ in range(2))
    return f"CA{district} {rng.randint(0, 9)}{unit}"


class _Person:
    """One synthetic client's whole story, as records in the order they are saved."""

    def __init__(self, rng: random.Random, today: date, coach: str, taken: set[str]):
        self.rng, self.today, self.coach = rng, today, coach
        self.records: list[Record] = []
        given, family = rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES)
        work_status = _pick(rng, _WORK_STATUSES)
        contact = _pick(rng, _CONTACT)
        has_phone = contact in ("phone", "sms") or rng.random() < 0.7
        has_email = contact == "email" or rng.random() < 0.25
        slug = f"{given}.{family}".lower().replace("'", "")
        language = "English" if rng.random() < 0.9 else rng.choice(_LANGUAGES)
        self.client = Client(
            given_name=given,
            family_name=family,
            date_of_birth=(today - timedelta(days=rng.randint(18 * 366, 66 * 365 + 360))).isoformat(),
            nhs_number=synthetic_nhs_number(rng, taken),
            postcode=synthetic_postcode(rng),
            phone=f"07700 900{rng.randrange(1000):03d}" if has_phone else "",
            email=f"{slug}{rng.randint(1, 99)}@example.{rng.choice(('com', 'org'))}" if has_email else "",
            preferred_contact=contact,
            preferred_language=language,
            interpreter_needed=language != "English" and rng.random() < 0.6,
            gp_practice=rng.choice(_PRACTICES),
            employer=rng.choice(_EMPLOYERS) if work_status.startswith("in_work") else "",
            work_status=work_status,
        )
        self.client_id = self.client.id
        self.received = today - timedelta(days=rng.randint(0, 120))
        self.route = _pick(rng, _ROUTES)

    def story(self) -> list[Record]:
        rng, waited = self.rng, (self.today - self.received).days
        referral = Referral(
            client_id=self.client_id,
            route=self.route,
            received_on=self.received.isoformat(),
            referrer=rng.choice(_REFERRERS[self.route]),
        )
        self._fit_notes()
        roll = rng.random()
        if waited < 2 or roll < (0.6 if waited < 10 else 0.04):
            pass  # awaiting triage
        elif roll < 0.16:
            reason = _pick(rng, _DECLINE_REASONS)
            triaged = _day_between(rng, self.received, min(self.today, self.received + timedelta(days=5)))
            referral.triage_outcome, referral.decline_reason = "declined", reason
            referral.triaged_on = triaged.isoformat()
        else:
            triaged = min(self.today, self.received + timedelta(days=rng.randint(0, 6)))
            referral.triage_outcome, referral.triaged_on = "accepted", triaged.isoformat()
            if (self.today - triaged).days >= 2 and rng.random() < 0.9:
                first = min(self.today, triaged + timedelta(days=rng.randint(1, 21)))
                referral.first_contact_on = first.isoformat()
                self._support(first)
        return [self.client, referral, *self.records]

    def _fit_notes(self) -> None:
        rng = self.rng
        chance = {"in_work_off_sick": 0.7, "out_of_work": 0.3}.get(self.client.work_status, 0.05)
        if rng.random() >= chance:
            return
        issued = self.received - timedelta(days=rng.randint(0, 30))
        ends = issued + timedelta(days=rng.choice((14, 28, 56)))
        may_be_fit = rng.random() < 0.4
        self.records.append(
            FitNote(
                client_id=self.client_id,
                issued_on=issued.isoformat(),
                valid_from=issued.isoformat(),
                valid_to=ends.isoformat(),
                status="may_be_fit" if may_be_fit else "not_fit",
                options=tuple(
                    sorted(
                        rng.sample(
                            ("phased_return", "altered_hours", "amended_duties", "workplace_adaptations"),
                            rng.randint(1, 2),
                        )
                    )
                )
                if may_be_fit
                else (),
                functional_effects="Can manage short shifts; avoid heavy lifting." if may_be_fit else "",
            )
        )

    def _consent(self, scope: str, action: str, day: date, service: str = "") -> None:
        self.records.append(
            ConsentEvent(
                client_id=self.client_id,
                scope=scope,
                service_name=service,
                action=action,
                method=_pick(self.rng, {"verbal": 60, "written": 25, "digital": 15}),
                recorded_by=self.coach,
                recorded_at=_at(self.rng, day),
            )
        )

    def _support(self, first: date) -> None:
        rng, client = self.rng, self.client
        self._consent("participation", "given", first)
        if rng.random() < 0.7:
            self._consent("share_gp", "given", first)
        employer_consent = client.employer and rng.random() < 0.5
        if employer_consent:
            self._consent("share_employer", "given" if rng.random() < 0.85 else "refused", first)
        if client.preferred_contact == "sms":
            self._consent("contact_sms", "given", first)
        if client.email and rng.random() < 0.8:
            self._consent("contact_email", "given", first)
        if rng.random() < 0.15:
            self._consent("share_service", "given", first, rng.choice(_SERVICES))
        held, sessions = first, []
        while held <= self.today and len(sessions) < 8:
            sessions.append(held)
            held += timedelta(days=rng.randint(7, 21))
        discharged = None
        if (self.today - first).days >= 56 and rng.random() < 0.5:
            sessions = sessions[: max(1, len(sessions) - rng.randint(0, 2))]
            discharged = min(self.today, sessions[-1] + timedelta(days=rng.randint(0, 14)))
        for held in sessions:
            mode = _pick(rng, {"in_person": 50, "phone": 35, "video": 15})
            minutes = (20, 30, 45, 60, 75, 90) if mode == "in_person" else (15, 20, 30, 45)
            self.records.append(
                ContactSession(
                    client_id=self.client_id,
                    held_on=held.isoformat(),
                    mode=mode,
                    venue=rng.choice(_VENUES) if mode == "in_person" else "",
                    duration_minutes=rng.choice(minutes),
                    note=rng.choice(_SESSION_NOTES),
                    recorded_by=self.coach,
                )
            )
        if employer_consent and discharged is None and rng.random() < 0.1:
            self._consent("share_employer", "withdrawn", _day_between(rng, sessions[-1], self.today))
        if discharged:
            reason = _pick(rng, _DISCHARGE_REASONS)
            if reason == "client_withdrew":
                self._consent("participation", "withdrawn", discharged)
            outcome = _pick(rng, _WORK_OUTCOMES[client.work_status])
            self.records.append(
                Discharge(
                    client_id=self.client_id,
                    discharged_on=discharged.isoformat(),
                    reason=reason,
                    work_outcome=outcome,
                )
            )
        else:
            review = sessions[-1] + timedelta(days=rng.randint(14, 35))
            self.client.next_review_on = review.isoformat()


def demo_clients(
    count: int, seed: int | None, coach: str, taken: set[str] | None = None, today: date | None = None
) -> Iterator[list[Record]]:
    """``count`` synthetic clients, each as [client, referral, fit notes, consent, sessions, discharge].

    ``taken`` holds NHS numbers already in use (it is updated); every number made is new.
    """
    rng = random.Random(seed)
    taken = set() if taken is None else taken
    today = today or date.today()
    for _ in range(count):
        yield _Person(rng, today, coach, taken).story()


# --history: a year of work per client, shaped like a real caseload.
_NOTE_PHRASES = (
    "Reviewed the goals agreed last time and what has happened since.",
    "Talked through sleep, pacing and how the week has gone at home.",
    "Discussed a phased return and what the first fortnight could look like.",
    "Signposted to money advice and agreed to check back next session.",
    "Agreed to contact the line manager together before the next review.",
    "Completed the review measures and talked about the change since baseline.",
    "Explored options for flexible hours and a quieter place to work.",
    "Checked progress with physiotherapy exercises; managing most days.",
    "Client feels more confident about talking to work about adjustments.",
    "Planned small steps for the coming week and wrote them into the plan.",
    "Looked at travel to work and whether an earlier start would help.",
    "Went through the fit note options and what the employer has offered.",
)
_GOALS = (
    "I want to get back to my job by the spring.",
    "I want to sleep better and feel less tired.",
    "I want to manage my hours so I can keep working.",
    "I want to find work that suits me.",
)
_ACTIONS = (
    "Call the line manager about a return date",
    "Try the sleep routine for two weeks",
    "Book the physiotherapy follow-up",
    "Look at two job adverts together",
    "Ask HR about flexible hours",
)
# Scored instruments with no risk item, plus PHQ-9 with its item 9 answered 0: demo data
# never raises a safety prompt nobody will answer.
_MEASURES = ("phq9", "gad7", "wsas", "ons4")
_LETTER_ADJUSTMENTS = ("phased_return", "more_breaks", "flexible_hours")


def _note(rng: random.Random) -> str:
    """A session note of 200 to 400 characters."""
    phrases = list(_NOTE_PHRASES)
    rng.shuffle(phrases)
    words = ""
    for phrase in phrases:
        if len(words) >= 200:
            break
        if len(words) + len(phrase) + 1 > 400:
            continue
        words = f"{words} {phrase}".strip()
    return words


def _answers(instrument_id: str, rng: random.Random) -> list[int]:
    from ..instruments import get_instrument

    items = get_instrument(instrument_id).items
    answers = [rng.choice(item.values) for item in items]
    if instrument_id == "phq9":
        answers[-1] = 0  # item 9 (risk): see _MEASURES
    return answers


class _History(_Person):
    """A client in support for weeks to a year, with every kind of record a coach keeps."""

    def __init__(self, rng: random.Random, today: date, coach: str, taken: set[str]):
        super().__init__(rng, today, coach, taken)
        if not self.client.employer:  # every one gets an employer letter
            self.client.work_status = rng.choice(("in_work", "in_work_off_sick"))
            self.client.employer = rng.choice(_EMPLOYERS)
        self.received = today - timedelta(days=rng.randint(90, 360))
        self.letter_draft: LetterDraft | None = None
        self.letter_on = today

    def story(self) -> list[Record]:
        from ..services.assessments import build_assessment

        rng, client_id = self.rng, self.client_id
        triaged = self.received + timedelta(days=rng.randint(0, 6))
        first = triaged + timedelta(days=rng.randint(1, 14))
        referral = Referral(
            client_id=client_id,
            route=self.route,
            received_on=self.received.isoformat(),
            referrer=rng.choice(_REFERRERS[self.route]),
            triage_outcome="accepted",
            triaged_on=triaged.isoformat(),
            first_contact_on=first.isoformat(),
        )
        self._consent("participation", "given", first)
        self._consent("share_employer", "given", first)
        for scope in rng.sample(("share_gp", "contact_sms", "contact_email"), rng.randint(0, 2)):
            self._consent(scope, "given", first)
        span = (self.today - first).days
        held = sorted({first + timedelta(days=d) for d in rng.sample(range(span + 1), rng.randint(6, 11))})
        for day in held:
            mode = _pick(rng, {"in_person": 50, "phone": 35, "video": 15})
            self.records.append(
                ContactSession(
                    client_id=client_id,
                    held_on=day.isoformat(),
                    mode=mode,
                    venue=rng.choice(_VENUES) if mode == "in_person" else "",
                    duration_minutes=rng.choice((30, 45, 60)),
                    note=_note(rng),
                    recorded_by=self.coach,
                )
            )
        measures = rng.sample(_MEASURES, rng.randint(2, 4))
        for index, instrument_id in enumerate(measures):
            day = held[0] if index < len(measures) - 1 else held[-1]
            record, _ = build_assessment(
                client_id,
                instrument_id,
                _answers(instrument_id, rng),
                timepoint="baseline" if day == held[0] else "review",
                completed_on=day.isoformat(),
                completed_by=self.coach,
            )
            self.records.append(record)
        issued = held[0] - timedelta(days=rng.randint(0, 20))
        self.records.append(
            FitNote(
                client_id=client_id,
                issued_on=issued.isoformat(),
                valid_from=issued.isoformat(),
                valid_to=(issued + timedelta(days=28)).isoformat(),
                status="may_be_fit",
                options=("phased_return",),
                functional_effects="Can manage short shifts for now.",
            )
        )
        self._plan(held)
        self.letter_on = held[-1]
        self.letter_draft = self._letter(held[-1])
        return [self.client, referral, *self.records]

    def _plan(self, held: list[date]) -> None:
        rng, client_id = self.rng, self.client_id
        at = _at(rng, held[0])
        next_review = held[-1] + timedelta(days=rng.randint(14, 35))
        tier = rng.choice(("universal", "targeted"))
        self.records.append(
            PlanSettings(
                client_id=client_id,
                support_tier=tier,
                next_review_on=next_review.isoformat(),
                last_reviewed_on=held[-1].isoformat(),
                recorded_by=self.coach,
                recorded_at=at,
            )
        )
        for text in rng.sample(_GOALS, 2):
            goal = PlanGoal(client_id=client_id, text=text, recorded_by=self.coach, recorded_at=at)
            self.records.append(goal)
            for action in rng.sample(_ACTIONS, rng.randint(1, 2)):
                due = held[0] + timedelta(days=rng.randint(7, 42))
                self.records.append(
                    PlanAction(
                        client_id=client_id,
                        text=action,
                        goal_id=goal.item_id,
                        due_on=due.isoformat(),
                        status="done" if due < held[-1] else "open",
                        recorded_by=self.coach,
                        recorded_at=at,
                    )
                )

    def _letter(self, on: date) -> LetterDraft:
        from ..documents.catalogue import load_catalogue
        from ..documents.disclosure import agreed_text_hash

        catalogue = load_catalogue()
        client = self.client
        preset = next(p for p in catalogue.presets if p.weeks)
        draft = LetterDraft(
            client_name=client.full_name,
            client_first_name=client.given_name,
            employer_name=client.employer,
            employer_address="Unit 4, Kingstown Industrial Estate\nCarlisle",
            recipient_name="Jo Barker",
            recipient_role="Line manager",
            functional_effects=f"{client.given_name} tires quickly and needs regular short breaks.",
            adjustments=[
                LetterAdjustment(
                    code, catalogue.get(code).title, catalogue.get(code).wording_for(client.given_name)
                )
                for code in _LETTER_ADJUSTMENTS
            ],
            phased_return=list(preset.weeks),
            review_on=(on + timedelta(days=42)).isoformat(),
            coach_name=self.coach,
            coach_role="Work and health coach",
            client_agreed=True,
            agreed_recorded_by=self.coach,
            agreed_at=_at(self.rng, on),
        )
        draft.agreed_text_hash = agreed_text_hash(draft)
        return draft


def add_demo_caseload(
    store,
    count: int,
    seed: int | None,
    history: bool = False,
    taken: set[str] | None = None,
    today: date | None = None,
) -> Counter:
    """Save ``count`` synthetic clients in ``store`` (each in one transaction); the
    record counts by type. ``history``: a year of work each, with an issued letter."""
    from ..services.letters import issue_letter

    counts: Counter = Counter()
    if not history:
        for batch in demo_clients(count, seed, store.coach_name, taken, today):
            store.add_together(batch)
            counts.update(record.record_type for record in batch)
        return counts
    rng, today = random.Random(seed), today or date.today()
    taken = set() if taken is None else taken
    for _ in range(count):
        person = _History(rng, today, store.coach_name, taken)
        batch = person.story()
        store.add_together(batch)
        counts.update(record.record_type for record in batch)
        issue_letter(store, person.client_id, person.letter_draft, today=person.letter_on)
        counts["employer_letter"] += 1
    return counts
