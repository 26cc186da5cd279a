"""Open the safety prompt and the assessment's result page at one screen size and text
scale, and report everything a person could not read or reach. Run in its own process
(the text scale, QT_SCALE_FACTOR, is fixed when Qt starts):

    python tests/care/safety_layout_probe.py 1366 768 1.5 [--screenshot DIR] [--real]

Prints one JSON object: {"problems": [...], "sizes": {...}}. Without --real it uses the
offscreen platform with a screen of that size; with --real it uses $DISPLAY (Xvfb with
a window manager) and --screenshot saves the whole screen with each dialog open.

What counts as a problem (issue #13):
- a label shorter than its text needs at the width it was given (cut off);
- two labels, or a label and a tick box, overlapping;
- a button outside the dialog, outside the screen's available area, or overlapped by
  the scrolled content;
- a dialog larger than the screen's available area.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _widgets_rects(dialog):
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QCheckBox, QLabel, QPushButton

    labels, boxes, buttons = [], [], []
    for widget in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton):
        if not widget.isVisibleTo(dialog) or not widget.text():
            continue
        top_left = widget.mapTo(dialog, QPoint(0, 0))
        rect = QRect(top_left, widget.size())
        if isinstance(widget, QLabel):
            labels.append((widget, rect))
        elif isinstance(widget, QCheckBox):
            boxes.append((widget, rect))
        elif isinstance(widget, QPushButton):
            buttons.append((widget, rect))
    return labels, boxes, buttons


def check_dialog(dialog, name: str) -> list[str]:
    """Everything cut off, overlapping or out of reach in ``dialog`` as shown now."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QApplication, QScrollArea

    QApplication.processEvents()
    problems = []
    area = (dialog.screen() or QApplication.primaryScreen()).availableGeometry()
    if dialog.width() > area.width() or dialog.height() > area.height():
        problems.append(
            f"{name}: {dialog.width()}x{dialog.height()} is larger than the screen "
            f"{area.width()}x{area.height()}"
        )
    labels, boxes, buttons = _widgets_rects(dialog)
    for label, _rect in labels:
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                problems.append(
                    f"{name}: label {label.text()[:40]!r} is {label.height()}px high but needs "
                    f"{needed}px at width {label.width()}"
                )
        elif label.sizeHint().width() > label.width() + 1:
            problems.append(
                f"{name}: label {label.text()[:40]!r} is cut off ({label.width()}px wide, "
                f"needs {label.sizeHint().width()}px)"
            )
    texts = labels + boxes
    for i, (a, ra) in enumerate(texts):
        for b, rb in texts[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if ra.intersects(rb) and ra.intersected(rb).height() > 1:
                problems.append(f"{name}: {a.text()[:30]!r} overlaps {b.text()[:30]!r}")
    scrolls = [s for s in dialog.findChildren(QScrollArea) if s.isVisibleTo(dialog)]
    inside = QRect(QPoint(0, 0), dialog.size())
    for button, rect in buttons:
        if any(s.isAncestorOf(button) for s in scrolls):
            continue  # a button in the scrolled content scrolls into view like the rest
        if not inside.contains(rect):
            problems.append(f"{name}: button {button.text()!r} is outside the dialog")
        on_screen = QRect(dialog.mapToGlobal(rect.topLeft()), rect.size())
        if not area.contains(on_screen):
            problems.append(f"{name}: button {button.text()!r} is off the screen at {on_screen.getRect()}")
        for scroll in scrolls:
            scroll_rect = QRect(scroll.mapTo(dialog, QPoint(0, 0)), scroll.size())
            if scroll_rect.intersects(rect):
                problems.append(f"{name}: button {button.text()!r} is overlapped by the scrolled content")
    return problems


def _screenshot(directory: Path, name: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(["import", "-window", "root", str(directory / f"{name}.png")], check=False)


def probe(width: int, height: int, scale: float, screenshot: Path | None, real: bool) -> dict:
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    os.environ.setdefault("WORKWELL_KEY_STORE", "file")
    scratch = Path(tempfile.mkdtemp(prefix="safety-probe-"))
    os.environ["WORKWELL_SETTINGS_FILE"] = str(scratch / "settings.json")
    os.environ["WORKWELL_POLICY_FILE"] = str(scratch / "policy.json")
    args = [sys.argv[0]]
    if not real:
        config = scratch / "screen.json"
        config.write_text(
            json.dumps(
                {
                    "screens": [
                        {
                            "name": "probe",
                            "x": 0,
                            "y": 0,
                            "width": width,
                            "height": height,
                            "logicalDpi": 96,
                            "logicalBaseDpi": 96,
                            "dpr": 1,
                        }
                    ]
                }
            )
        )
        args += ["-platform", f"offscreen:configfile={config}"]
    from PySide6.QtWidgets import QApplication

    app = QApplication(args)
    from workwell_desktop.domain.records import Client, Referral
    from workwell_desktop.gui.assessments import AssessmentRunner
    from workwell_desktop.gui.style import apply as apply_style
    from workwell_desktop.instruments import get_instrument
    from workwell_desktop.store import Store

    apply_style(app)
    store = Store.create(scratch / "d", "correct horse battery staple", "Alex Coach")
    person = Client(
        given_name="Jane",
        family_name="Example",
        date_of_birth="1984-06-02",
        nhs_number="9990000018",
        postcode="CA3 8QE",
        phone="07700900123",
    )
    store.add_together(
        [
            person,
            Referral(
                client_id=person.id,
                route="gp",
                received_on="2026-09-01",
                triage_outcome="accepted",
                triaged_on="2026-09-02",
                first_contact_on="2026-09-07",
            ),
        ]
    )
    problems, sizes = [], {}
    tag = f"{width}x{height}-{scale}x"

    runner = AssessmentRunner(store, person.id, "phq9", "baseline")
    runner.show()
    app.processEvents()
    for value in (2, 2, 2, 1, 2, 2, 2, 2):
        runner.answer(value)
        runner.next_item()
    runner.answer(3)  # item 9: the safety prompt opens
    prompt = runner.safety_prompt
    for _ in range(5):
        app.processEvents()
    sizes["prompt"] = [prompt.width(), prompt.height()]
    problems += check_dialog(prompt, f"safety prompt at {tag}")
    if screenshot:
        _screenshot(screenshot, f"safety-prompt-{tag}")
        prompt.scroll.verticalScrollBar().setValue(prompt.scroll.verticalScrollBar().maximum())
        app.processEvents()
        _screenshot(screenshot, f"safety-prompt-{tag}-scrolled")
    prompt.checks["asked_immediate_risk"].setChecked(True)
    prompt.note.setPlainText("Asked about the thoughts; no plans; agreed a safety plan with the GP.")
    prompt.record()
    runner.next_item()  # to the result page
    for _ in range(5):
        app.processEvents()
    sizes["result"] = [runner.width(), runner.height()]
    problems += check_dialog(runner, f"result page at {tag}")
    if screenshot:
        _screenshot(screenshot, f"result-page-{tag}")
    runner.save()

    # The initial assessment's result page: 28 answers, some long, listed in full.
    initial = get_instrument("workwell_initial")
    long_runner = AssessmentRunner(store, person.id, "workwell_initial", "baseline")
    long_runner.show()
    for position, item in enumerate(initial.items):
        if item.response == "text":
            long_runner.texts[item.id] = "In the client's own words, a full answer of a sentence or two. " * 2
        else:
            long_runner.answers[position] = min(item.values)
    long_runner.show_item(len(initial.items) - 1)
    long_runner.next_item()
    for _ in range(5):
        app.processEvents()
    sizes["initial result"] = [long_runner.width(), long_runner.height()]
    problems += check_dialog(long_runner, f"initial assessment result at {tag}")
    if screenshot:
        _screenshot(screenshot, f"initial-result-{tag}")
    long_runner.done(0)
    store.close()
    return {"problems": problems, "sizes": sizes}


if __name__ == "__main__":
    arguments = sys.argv[1:]
    shots = None
    if "--screenshot" in arguments:
        at = arguments.index("--screenshot")
        shots = Path(arguments[at + 1])
        del arguments[at : at + 2]
    real = "--real" in arguments
    arguments = [a for a in arguments if a != "--real"]
    w, h, s = int(arguments[0]), int(arguments[1]), float(arguments[2])
    print(json.dumps(probe(w, h, s, shots, real)))
