"""The Plan tab: tier and reviews, goals and actions, referrals and signposting, progress
notes, and the History of every change (plan entries are append-only versions)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.episodes import is_supported
from ...domain.plans import (
    ACTION_STATUSES,
    GOAL_STATUSES,
    KIND_LABELS,
    NOTE_KINDS,
    REFERRAL_KINDS,
    REFERRAL_STATUSES,
    SUPPORT_AREAS,
    SUPPORT_TIERS,
    HistoryEntry,
    ServiceDirectory,
    VersionedItem,
)
from ...services import plans as service
from ...store import InvalidRecord
from .. import dates
from ..record_store import RecordStore
from ..record_table import Column, RecordTableModel, record_table
from ..style import ERROR_RED, SECONDARY_TEXT, SUCCESS_GREEN, set_role
from ..widgets import button, chain_tab_order, paragraph, section_card
from .dialogs import ActionDialog, GoalDialog, NoteDialog, ReferralDialog, ReviewDialog, SettingsDialog

GOALS, ACTIONS_REFERRALS, NOTES, HISTORY = range(4)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _stretch(table: QTableView, column: int) -> QTableView:
    """The client's own words get the room: this column stretches, the others keep their width."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def _status_colour(status: str) -> str | None:
    return {
        "done": SUCCESS_GREEN,
        "achieved": SUCCESS_GREEN,
        "made": SUCCESS_GREEN,
        "dropped": SECONDARY_TEXT,
    }.get(status)


def _change_value(field: str, value: str) -> str:
    if field.endswith("_on"):
        return dates.for_reading(value)
    return _one_line(value)


def history_text(entry: HistoryEntry) -> str:
    """'Status: Open → Done; Due: 2 Nov 2026 → 9 Nov 2026' (an addition lists what was set)."""
    parts = []
    for change in entry.changes:
        before, after = _change_value(change.field, change.before), _change_value(change.field, change.after)
        if entry.event in ("Added", "Written"):
            parts.append(f"{change.label}: {after}")
        elif entry.event == "Corrected":
            parts.append(f"{change.label}: {after}")
        else:
            parts.append(f"{change.label}: {before or '(none)'} \u2192 {after or '(none)'}")
    if entry.parallel:
        parts.append("(made on another laptop at the same time as the version shown; both are kept)")
    return "; ".join(parts)


class PlanTab(QWidget):
    """``PlanTab(handle, client_id)``; ``reload()`` re-reads the plan.

    ``reload_on_save=False`` when something else reloads the tab on the handle's ``saved``
    (the client record does, for every tab)."""

    changed = Signal()

    def __init__(
        self,
        source: RecordStore,
        client_id: str,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        directory: ServiceDirectory | None = None,
        reload_on_save: bool = True,
    ):
        super().__init__(parent)
        self.setAccessibleName("Plan")
        self.source, self.client_id, self._today = source, client_id, today
        self._reload_on_save = reload_on_save
        self._directory = directory
        self.view: service.PlanView | None = None
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)

        summary_card, summary_layout = section_card("Support tier and reviews")
        row = QHBoxLayout()
        facts = QVBoxLayout()
        self.tier_label = QLabel()
        self.tier_label.setWordWrap(True)
        self.tier_label.setAccessibleName("Support tier")
        self.review_label = QLabel()
        self.review_label.setWordWrap(True)
        self.review_label.setAccessibleName("Reviews")
        facts.addWidget(self.tier_label)
        facts.addWidget(self.review_label)
        row.addLayout(facts, 1)
        self.settings_button = button("Tier and next revie&w\u2026", "Change the support tier or next review")
        self.review_button = button("Record a re&view\u2026", "Record a plan review")
        for b in (self.settings_button, self.review_button):
            row.addWidget(b)
        summary_layout.addLayout(row)
        layout.addWidget(summary_card)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Parts of the plan")
        self.tabs.tabBar().setAccessibleName(self.tabs.accessibleName())  # its Tab stop
        layout.addWidget(self.tabs, 1)
        self._build_goals_page()
        self._build_referrals_page()
        self._build_notes_page()
        self._build_history_page()

        self.settings_button.clicked.connect(self.change_settings)
        self.review_button.clicked.connect(self.record_review)
        chain_tab_order([self.settings_button, self.review_button, self.tabs])
        self.reload()

    # ----- building ---------------------------------------------------------
    def _page(self, title: str) -> QVBoxLayout:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        self.tabs.addTab(page, title)
        return layout

    @staticmethod
    def _buttons(layout: QVBoxLayout, *buttons) -> None:
        row = QHBoxLayout()
        for b in buttons:
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)

    def _build_goals_page(self) -> None:
        page = self._page("G&oals and actions")
        goals_card, goals = section_card("Goals, in the client's own words")
        self.goal_model = RecordTableModel(
            (
                Column("Goal", lambda i: _one_line(i.current.text)),
                Column(
                    "Status",
                    lambda i: GOAL_STATUSES.get(i.current.status, i.current.status),
                    colour=lambda i: _status_colour(i.current.status),
                    width_chars=16,
                ),
                Column("Since", lambda i: dates.moment_for_reading(i.current.recorded_at), width_chars=20),
            ),
            self,
        )
        self.goal_table = _stretch(record_table(self.goal_model, "Goals"), 0)
        self.goal_table.activated.connect(lambda _index: self.change_goal())
        goals.addWidget(self.goal_table)
        self.add_goal_button = button("Add &goal\u2026", "Add a goal")
        self.change_goal_button = button("C&hange goal\u2026", "Change the chosen goal")
        self.add_goal_button.clicked.connect(lambda: self.add_goal())
        self.change_goal_button.clicked.connect(lambda: self.change_goal())
        self._buttons(goals, self.add_goal_button, self.change_goal_button)
        page.addWidget(goals_card, 2)

        actions_card, actions = section_card("Actions")
        self.action_model = RecordTableModel(
            (
                Column("Action", lambda i: _one_line(i.current.text)),
                Column(
                    "For goal",
                    lambda i: _one_line(self.view.goal_text(i.current.goal_id)),
                    width_chars=22,
                    preview=True,
                ),
                Column("Who", lambda i: i.current.owner_text(), width_chars=14),
                Column("Due", self._due_text, colour=self._due_colour, width_chars=20),
                Column(
                    "Status",
                    lambda i: ACTION_STATUSES.get(i.current.status, i.current.status),
                    colour=lambda i: _status_colour(i.current.status),
                    width_chars=9,
                ),
            ),
            self,
        )
        self.action_table = _stretch(record_table(self.action_model, "Actions"), 0)
        self.action_table.setAccessibleDescription(
            "Overdue actions say so in the Due column. Press Enter to change the chosen action."
        )
        self.action_table.activated.connect(lambda _index: self.change_action())
        actions.addWidget(self.action_table)
        self.overdue_label = paragraph("", role="error")
        actions.addWidget(self.overdue_label)
        self.add_action_button = button("Add &action\u2026", "Add an action")
        self.change_action_button = button("Change act&ion\u2026", "Change the chosen action")
        self.done_button = button("Mark done", "Mark the chosen action done")
        self.add_action_button.clicked.connect(lambda: self.add_action())
        self.change_action_button.clicked.connect(lambda: self.change_action())
        self.done_button.clicked.connect(self.mark_done)
        self._buttons(actions, self.add_action_button, self.change_action_button, self.done_button)
        page.addWidget(actions_card, 3)

    def _build_referrals_page(self) -> None:
        page = self._page("Referrals and sign&posting")
        self.referral_model = RecordTableModel(
            (
                Column(
                    "Support area", lambda i: SUPPORT_AREAS.get(i.current.support_area, ""), width_chars=26
                ),
                Column("Service", lambda i: i.current.service_name, width_chars=34),
                Column(
                    "Kind", lambda i: REFERRAL_KINDS.get(i.current.kind, "").split(" (")[0], width_chars=12
                ),
                Column(
                    "Status",
                    lambda i: REFERRAL_STATUSES.get(i.current.status, i.current.status),
                    colour=lambda i: _status_colour(i.current.status),
                    width_chars=14,
                ),
                Column("Made on", lambda i: dates.for_reading(i.current.made_on), width_chars=12),
                Column("Contact", lambda i: i.current.service_contact),
            ),
            self,
        )
        self.referral_table = record_table(self.referral_model, "Referrals and signposting")
        self.referral_table.activated.connect(lambda _index: self.change_referral())
        page.addWidget(self.referral_table, 1)
        self.directory_note = paragraph("", role="hint")
        page.addWidget(self.directory_note)
        self.add_referral_button = button(
            "&Add referral or signposting\u2026", "Add a referral or signposting"
        )
        self.change_referral_button = button("C&hange\u2026", "Change the chosen referral or signposting")
        self.add_referral_button.clicked.connect(lambda: self.add_referral())
        self.change_referral_button.clicked.connect(lambda: self.change_referral())
        self._buttons(page, self.add_referral_button, self.change_referral_button)

    def _build_notes_page(self) -> None:
        page = self._page("Progress &notes")
        self.note_model = RecordTableModel(
            (
                Column("Date", lambda n: dates.for_reading(n.written_on), width_chars=12),
                Column(
                    "Kind",
                    lambda n: NOTE_KINDS.get(n.kind, n.kind) + (" (corrected)" if n.supersedes else ""),
                    width_chars=22,
                ),
                Column("By", lambda n: n.recorded_by, width_chars=16),
                Column("Note", lambda n: _one_line(n.text)),
            ),
            self,
        )
        self.note_table = record_table(self.note_model, "Progress notes")
        page.addWidget(self.note_table, 1)
        self.add_note_button = button("&Add note\u2026", "Add a progress note")
        self.correct_note_button = button("Correct note\u2026", "Correct the chosen note")
        self.add_note_button.clicked.connect(lambda: self.add_note())
        self.correct_note_button.clicked.connect(lambda: self.correct_note())
        self._buttons(page, self.add_note_button, self.correct_note_button)

    def _build_history_page(self) -> None:
        page = self._page("Histor&y")
        page.addWidget(
            paragraph(
                "Every change to the plan, newest first. Nothing is overwritten: each "
                "change is kept with who made it and when.",
                role="hint",
            )
        )
        self.history_model = RecordTableModel(
            (
                Column("When", lambda h: dates.moment_for_reading(h.recorded_at), width_chars=18),
                Column("Who", lambda h: h.recorded_by, width_chars=14),
                Column(
                    "What", lambda h: f"{KIND_LABELS.get(h.kind, h.kind)} {h.event.lower()}", width_chars=20
                ),
                Column("Entry", lambda h: _one_line(h.title)[:60], width_chars=28, preview=True),
                Column("Change", history_text, colour=lambda h: ERROR_RED if h.parallel else None),
            ),
            self,
        )
        self.history_table = record_table(self.history_model, "Plan history")
        page.addWidget(self.history_table, 1)

    # ----- reading ------------------------------------------------------------
    def today(self) -> date:
        return self._today or date.today()

    @property
    def directory(self) -> ServiceDirectory:
        if self._directory is None:
            self._directory = service.load_directory()
        return self._directory

    def reload(self) -> None:
        self.view = view = service.load_plan(self.source, self.client_id, self.today())
        settings = view.settings
        tier = SUPPORT_TIERS.get(settings.support_tier, "") if settings else ""
        review = (
            dates.for_reading(view.next_review_on)
            if view.next_review_on
            else "none (support has ended)"
            if not is_supported(view.status)
            else "not set"
        )
        if view.review_overdue:
            review += " (overdue)"
        last = (
            dates.for_reading(settings.last_reviewed_on)
            if settings and settings.last_reviewed_on
            else "none yet"
        )
        self.tier_label.setText(f"Support tier: {tier or 'not chosen yet'}")
        self.review_label.setText(f"Next review: {review}  \u00b7  Last review: {last}")
        set_role(self.review_label, "error" if view.review_overdue else "")
        self.review_label.setAccessibleDescription(
            "The next review is overdue." if view.review_overdue else ""
        )
        self.goal_model.set_rows(view.goals)
        self.action_model.set_rows(sorted(view.actions, key=self._action_order))
        overdue = len(view.overdue_actions)
        plural = "s" if overdue != 1 else ""
        self.overdue_label.setText(f"{overdue} overdue action{plural}." if overdue else "")
        self.overdue_label.setVisible(bool(overdue))
        self.referral_model.set_rows(view.referrals)
        self.note_model.set_rows(view.notes)
        self.history_model.set_rows(view.history)
        self.tabs.setTabText(HISTORY, f"Histor&y ({len(view.history)})")
        try:
            directory = self.directory
            self.directory_note.setText(
                f"Services come from the local directory ({len(directory.services)} services"
                + (", example data: the service replaces it)" if directory.example_data else ")")
            )
        except ValueError as broken:
            self.directory_note.setText(f"The services directory could not be read: {broken}")
        for b in (self.change_goal_button,):
            b.setEnabled(bool(view.goals))
        self.change_action_button.setEnabled(bool(view.actions))
        self.done_button.setEnabled(any(i.current.status == "open" for i in view.actions))
        self.change_referral_button.setEnabled(bool(view.referrals))
        self.correct_note_button.setEnabled(bool(view.notes))

    def _action_order(self, item: VersionedItem) -> tuple:
        action = item.current
        return ({"open": 0, "done": 1, "dropped": 2}.get(action.status, 3), action.due_on or "9999")

    def _due_text(self, item: VersionedItem) -> str:
        text = dates.for_reading(item.current.due_on)
        return f"{text} (overdue)" if item.current.is_overdue(self.today()) else text

    def _due_colour(self, item: VersionedItem) -> str | None:
        return ERROR_RED if item.current.is_overdue(self.today()) else None

    @staticmethod
    def _chosen(table, model) -> VersionedItem | None:
        index = table.currentIndex()
        return model.row_object(index.row()) if index.isValid() else None

    # ----- changing -------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        dialog.accepted.connect(self._after_save)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _after_save(self) -> None:
        if self._reload_on_save:
            self.reload()
        self.changed.emit()

    def _goal_texts(self) -> dict[str, str]:
        return {
            g.item_id: _one_line(g.current.text) for g in self.view.goals if g.current.status != "dropped"
        }

    def add_goal(self) -> QDialog:
        return self._open(GoalDialog(self.source, self.client_id, parent=self.window()))

    def change_goal(self) -> QDialog | None:
        item = self._chosen(self.goal_table, self.goal_model)
        if item is None:
            return None
        return self._open(GoalDialog(self.source, self.client_id, item.current, self.window()))

    def add_action(self) -> QDialog:
        return self._open(ActionDialog(self.source, self.client_id, self._goal_texts(), parent=self.window()))

    def change_action(self) -> QDialog | None:
        item = self._chosen(self.action_table, self.action_model)
        if item is None:
            return None
        return self._open(
            ActionDialog(self.source, self.client_id, self._goal_texts(), item.current, self.window())
        )

    def mark_done(self) -> None:
        item = self._chosen(self.action_table, self.action_model)
        if item is None or item.current.status != "open":
            return
        try:
            service.change_entry(self.source, item.current, status="done")
        except InvalidRecord as refused:
            self.overdue_label.setText("Not saved. " + " ".join(refused.errors.values()))
            self.overdue_label.show()
            return
        self._after_save()

    def add_referral(self) -> QDialog:
        return self._open(ReferralDialog(self.source, self.client_id, self.directory, parent=self.window()))

    def change_referral(self) -> QDialog | None:
        item = self._chosen(self.referral_table, self.referral_model)
        if item is None:
            return None
        return self._open(
            ReferralDialog(self.source, self.client_id, self.directory, item.current, self.window())
        )

    def change_settings(self) -> QDialog:
        return self._open(
            SettingsDialog(
                self.source,
                self.client_id,
                self.view.settings,
                self.window(),
                next_review_on=self.view.next_review_on,
            )
        )

    def record_review(self) -> QDialog:
        return self._open(ReviewDialog(self.source, self.client_id, self.view.settings, self.window()))

    def add_note(self) -> QDialog:
        return self._open(NoteDialog(self.source, self.client_id, self.window()))

    def correct_note(self) -> QDialog | None:
        index = self.note_table.currentIndex()
        if not index.isValid():
            return None
        return self._open(
            NoteDialog(
                self.source, self.client_id, self.window(), correcting=self.note_model.row_object(index.row())
            )
        )
