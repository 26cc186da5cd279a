"""Stamps sort as they happened, however many fall in one millisecond."""

from __future__ import annotations

from workwell_desktop.domain.clock import MAX_AHEAD_MS, format_stamp, is_stamp, next_stamp, stamp_problem


def test_a_full_counter_carries_into_the_milliseconds_so_order_holds():
    last = format_stamp(1_700_000_000_000, 999_999, "a")
    after = next_stamp(last, "a", now_millis=1_700_000_000_000)
    assert is_stamp(after) and after > last
    assert after == format_stamp(1_700_000_000_001, 0, "a")
    # A long run of stamps in one millisecond stays ordered as strings.
    stamps, stamp = [], None
    for _ in range(2_000):
        stamp = next_stamp(
            stamp, "a", now_millis=1_700_000_000_000, seen=format_stamp(1_700_000_000_000, 999_000, "b")
        )
        stamps.append(stamp)
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps) and all(map(is_stamp, stamps))


def test_stamps_from_far_ahead_or_malformed_are_refused():
    now = 1_700_000_000_000
    assert stamp_problem(format_stamp(now + MAX_AHEAD_MS, 5, "a"), now) == ""
    assert "ahead" in stamp_problem(format_stamp(now + MAX_AHEAD_MS + 1, 0, "a"), now)
    assert "ahead" in stamp_problem("999999999999999-000000-a", now)
    for bad in ("", "1-2-3", f"{now:015d}-1000000-a", f"{now:015d}-000000-", f"{now:015d}-000000-a-b"):
        assert "invalid" in stamp_problem(bad, now), bad
