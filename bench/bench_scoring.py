"""Scoring throughput per instrument (scores per second). Prints figures; asserts nothing.

Run from the repository root: ``python bench/bench_scoring.py``.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

try:
    from workwell_desktop.instruments import list_instruments, load_instruments, score
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from workwell_desktop.instruments import list_instruments, load_instruments, score

ROUNDS = 3
MIN_SECONDS = 0.2


def answer_sets(instrument, count: int, rng: random.Random) -> list[list[int]]:
    choices = [item.values for item in instrument.items]
    return [[rng.choice(values) for values in choices] for _ in range(count)]


def scores_per_second(instrument_id: str, answers: list[list[int]]) -> float:
    """Best of ROUNDS timed loops, each long enough to be measurable."""
    best = 0.0
    for _ in range(ROUNDS):
        done, started = 0, time.perf_counter()
        while True:
            for one in answers:
                score(instrument_id, one)
            done += len(answers)
            elapsed = time.perf_counter() - started
            if elapsed >= MIN_SECONDS:
                break
        best = max(best, done / elapsed)
    return best


def main() -> None:
    rng = random.Random(2024)
    started = time.perf_counter()
    load_instruments()
    load_ms = (time.perf_counter() - started) * 1000
    print(f"load and check the shipped definitions: {load_ms:.1f} ms")
    print(f"{'instrument':<18}{'items':>6}{'scores/second':>16}")
    for instrument in list_instruments():
        if not instrument.scored:
            print(f"{instrument.id:<18}{len(instrument.items):>6}{'(unscored)':>16}")
            continue
        rate = scores_per_second(instrument.id, answer_sets(instrument, 1000, rng))
        print(f"{instrument.id:<18}{len(instrument.items):>6}{rate:>16,.0f}")


if __name__ == "__main__":
    main()
