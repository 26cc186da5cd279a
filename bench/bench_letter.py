"""How long an employer letter takes to render as a PDF (typical and long).

Run: .venv/bin/python bench/bench_letter.py [--runs N]
Prints the median and 95th percentile in milliseconds against the target: under
200 ms, so issuing a letter never makes the coach wait. Also the disclosure check
(documents.disclosure.letter_findings over the whole printed letter), which the builder
runs as the coach types: target under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, timedelta

from workwell_desktop.documents.catalogue import load_catalogue
from workwell_desktop.documents.letter import render_letter
from workwell_desktop.domain.letters import LetterAdjustment, LetterDraft

TARGET_MS = 200.0
CHECK_TARGET_MS = 100.0


def _draft(long: bool) -> LetterDraft:
    catalogue = load_catalogue()
    first = "Maximiliana-Łucja" if long else "Sam"
    codes = (
        [a.code for a in catalogue.adjustments]
        if long
        else ["phased_return", "more_breaks", "flexible_hours", "access_to_work"]
    )
    preset = catalogue.presets[-1] if long else catalogue.presets[1]
    return LetterDraft(
        client_name=f"{first} Fitzgerald-Wiśniewska-Montgomery" if long else "Sam Taylor",
        client_first_name=first,
        employer_name="Eden Valley Bakery Ltd",
        employer_address="Unit 4, Kingstown Industrial Estate\nCarlisle\nCA3 0AA",
        recipient_name="Jo Barker",
        recipient_role="Operations Manager",
        functional_effects="Tires quickly and finds it hard to concentrate for long periods.",
        adjustments=[
            LetterAdjustment(c, catalogue.get(c).title, catalogue.get(c).wording_for(first)) for c in codes
        ],
        phased_return=list(preset.weeks),
        review_on=(date.today() + timedelta(days=42)).isoformat(),
        coach_name="Alex Coach",
        coach_role="Work and health coach",
        client_agreed=True,
        agreed_recorded_by="Alex Coach",
        agreed_at="2026-01-01T10:00:00+00:00",
    )


def measure(long: bool, runs: int) -> tuple[float, float, int]:
    draft = _draft(long)
    render_letter(draft, "WW-20260101-ABCD", date.today())  # fonts and resources load once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_letter(draft, "WW-20260101-ABCD", date.today())
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(pdf)


def measure_check(long: bool, runs: int) -> tuple[float, float]:
    from workwell_desktop.documents.disclosure import DisclosureContext, letter_findings, load_lexicon

    draft, context = _draft(long), DisclosureContext(load_lexicon(), ["Type 2 diabetes, lower back pain"])
    letter_findings(draft, context)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        letter_findings(draft, context)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    print(f"employer letter render, {runs} runs each (target: under {TARGET_MS:.0f} ms)")
    cases = (("typical (4 adjustments, 4 weeks)", False), ("long (14 adjustments, 12 weeks)", True))
    for label, long in cases:
        median, p95, size = measure(long, runs)
        verdict = "ok" if p95 < TARGET_MS else "OVER TARGET"
        print(
            f"  {label:<34} median {median:6.1f} ms   p95 {p95:6.1f} ms   {size / 1024:5.1f} KB   {verdict}"
        )
    print(f"disclosure check of the printed letter (target: under {CHECK_TARGET_MS:.0f} ms)")
    for label, long in cases:
        median, p95 = measure_check(long, runs)
        verdict = "ok" if p95 < CHECK_TARGET_MS else "OVER TARGET"
        print(f"  {label:<34} median {median:6.1f} ms   p95 {p95:6.1f} ms   {verdict}")


if __name__ == "__main__":
    main()
