"""Assessments and plans: a store with one client, and offscreen renders saved to renders/."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from workwell_desktop.domain.records import Client, Referral  # noqa: E402
from workwell_desktop.paths import resource_path  # noqa: E402

RENDERS = Path(__file__).resolve().parents[2] / "renders"


@pytest.fixture
def client(store):
    person = Client(
        given_name="Jane",
        family_name="Example",
        date_of_birth="1984-06-02",
        nhs_number="9990000018",
        postcode="CA3 8QE",
        phone="07700900123",
    )
    referral = Referral(
        client_id=person.id,
        route="gp",
        received_on="2026-09-01",
        triage_outcome="accepted",
        triaged_on="2026-09-02",
        first_contact_on="2026-09-07",
    )
    store.add_together([person, referral])
    return store.get(Client, person.id)


@pytest.fixture
def render():
    """``render(widget, name, width, height)`` saves renders/<name>.png (see save_render)."""
    return save_render


def save_render(widget, name: str, width: int | None = None, height: int | None = None) -> Path:
    """Save an offscreen render, styled as in the app, to renders/<name>.png."""
    widget.setStyleSheet(resource_path("style", "workwell.qss").read_text(encoding="utf-8"))
    hint = widget.sizeHint()
    widget.resize(width or max(hint.width(), 200), height or max(hint.height(), 200))
    widget.show()
    # Let the layouts settle (they activate on the next event loop pass), then never
    # render smaller than the widget needs.
    QApplication.processEvents()
    widget.resize(widget.size().expandedTo(widget.minimumSizeHint()))
    QApplication.processEvents()
    RENDERS.mkdir(exist_ok=True)
    path = RENDERS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def track():
    """Like qtbot.addWidget for dialogs that delete themselves when closed (WA_DeleteOnClose):
    closes at teardown only the ones still alive."""
    import shiboken6

    widgets = []
    yield widgets.append
    for widget in widgets:
        if shiboken6.isValid(widget):
            widget.close()
