"""Coverage as the laptop reads it: checked before use, oldest laptop wins, names matched."""

from datetime import UTC, datetime

from workwell_desktop.reports.coverage import load, period_end_utc
from workwell_desktop.store.coverage import save_coverage

END = period_end_utc(datetime(2026, 11, 22).date())


def device(last, waiting=0, device_id="d1"):
    return {
        "device_id": device_id,
        "registered_at": "2026-09-01T09:00:00+00:00",
        "last_sync_at": last,
        "waiting": waiting,
    }


def test_the_week_ends_at_london_midnight():
    assert END == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # GMT in November
    assert period_end_utc(datetime(2026, 7, 5).date()) == datetime(2026, 7, 5, 23, 0, tzinfo=UTC)  # BST


def test_hostile_entries_are_dropped_and_never_look_complete(team):
    save_coverage(
        team,
        [
            {
                "username": "ann",
                "display_name": "Ann Coach",
                "role": "coach",
                "devices": [device("2026-11-30T10:00:00+00:00"), device("not a time", device_id="d2")],
            },
            {"username": "x" * 500, "display_name": "Too long", "role": "coach", "devices": []},
            {"username": "eve", "display_name": "Eve", "role": "admin", "devices": []},
            "not even an object",
            {
                "username": "bob",
                "display_name": "Bob Coach",
                "role": "coach",
                "devices": [device("2026-11-30T10:00:00+00:00", waiting=True)],
            },
        ],
        "2026-11-30T10:05:00+00:00",
    )
    coverage = load(team)
    assert set(coverage.coaches) == {"ann", "bob"}
    ann = coverage.coach("ann")
    assert ann.data_as_of is None and "never synced" in ann.problem(END)  # a bad time is no time
    assert coverage.coach("bob").waiting == 0 and coverage.coach("bob").problem(END) == ""


def test_the_oldest_laptop_decides_and_typed_names_match_their_account(team):
    save_coverage(
        team,
        [
            {
                "username": "ann",
                "display_name": "Ann Coach",
                "role": "coach",
                "devices": [
                    device("2026-11-30T10:00:00+00:00"),
                    device("2026-11-20T09:00:00+00:00", waiting=4, device_id="d2"),
                ],
            }
        ],
        "2026-11-30T10:05:00+00:00",
    )
    coverage = load(team)
    ann = coverage.coach("ann")
    assert ann.data_as_of == datetime(2026, 11, 20, 9, 0, tzinfo=UTC) and ann.waiting == 4
    assert "(the oldest of their laptops)" in ann.problem(END)
    assert coverage.coach_key("ann coach") == "ann" and coverage.coach_key(" Ann Coach ") == "ann"
    assert coverage.coach_key("Someone Else") == "Someone Else"
    assert "not a server account" in coverage.coach("Someone Else").problem(END)
