"""Settings: each one with its current value, editable unless the organisation manages it.

``SettingsDialog(load_settings(), parent)``; on Save every changed setting the coach
may change is checked and saved through ``Settings.set_user``. A setting the policy
fixes is shown read-only with "Managed by your organisation" beside it, and problems
with the settings files (a broken policy file, a bad value) are listed at the top so
the coach can tell IT. Self-contained: only Qt and workwell_desktop.settings.

The server address is set in one place, Connect to server (it needs the coach's account
anyway, and the organisation's policy address always wins there): here it is shown, with
a button that goes there (``wants_connect`` is True once the dialog closes for that).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..settings import SPECS, SettingError, Settings
from .widgets import WrappingLabel, may_discard

MANAGED_TEXT = "Managed by your organisation"


def _styled(widget: QWidget, role: str) -> QWidget:
    # Roles the app's stylesheet knows (hint, error, warning ...); harmless without it.
    widget.setProperty("role", role)
    return widget


def minutes_suffix(value: int) -> str:
    return " minute" if value == 1 else " minutes"


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None, can_connect: bool = False):
        super().__init__(parent)
        self.settings = settings
        self.wants_connect = False
        self._can_connect = can_connect
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setModal(True)
        self.editors: dict[str, QWidget] = {}
        self.managed_labels: dict[str, QLabel] = {}

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        intro = QLabel("These settings apply to WorkWell on this computer, for you.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.problems = QLabel()
        _styled(self.problems, "warning")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if settings.problems:
            self.problems.setText(
                "Some settings could not be used, so the usual values apply. "
                "Tell your service IT team:\n• " + "\n• ".join(settings.problems)
            )
            self.problems.setAccessibleName("Problems with the settings files")
            self.problems.setAccessibleDescription(self.problems.text())
        else:
            self.problems.hide()
        layout.addWidget(self.problems)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for key, spec in SPECS.items():
            if not spec.user_may_set and not settings.is_managed(key):
                continue  # IT-only settings appear only when IT has set them
            editor = self._editor_for(key)
            label = QLabel(f"{spec.label}:")
            label.setBuddy(editor)
            editor.setAccessibleName(spec.label)
            editor.setToolTip(spec.help)
            block = QWidget()
            block_layout = QVBoxLayout(block)
            block_layout.setContentsMargins(0, 0, 0, 6)
            block_layout.setSpacing(3)
            if key == "server_url":
                block_layout.addLayout(self._server_row(editor))
            else:
                block_layout.addWidget(editor)
            if key == "server_url" and settings.is_managed(key):
                note = QLabel(f"<b>{MANAGED_TEXT}</b>")
                _styled(note, "section")
                note.setAccessibleName(f"{spec.label}: {MANAGED_TEXT.lower()}")
                block_layout.addWidget(note)
                self.managed_labels[key] = note
                editor.setAccessibleDescription(f"{MANAGED_TEXT}: it cannot be changed here. {spec.help}")
            elif settings.is_managed(key) and spec.lower_only:
                # Short enough not to wrap: a wrapped label in a form row was clipped.
                note = QLabel(f"<b>At most {settings.policy_limit(key)}, set by your organisation</b>")
                _styled(note, "section")
                note.setAccessibleName(
                    f"{spec.label}: {MANAGED_TEXT.lower()}, at most {settings.policy_limit(key)}"
                )
                block_layout.addWidget(note)
                self.managed_labels[key] = note
                editor.setAccessibleDescription(
                    f"{MANAGED_TEXT}: at most {settings.policy_limit(key)}. {spec.help}"
                )
            elif key == "server_url":
                editor.setAccessibleDescription(
                    f"{MANAGED_TEXT}. {spec.help}"
                    if settings.is_managed(key)
                    else f"Set it with Connect to server. {spec.help}"
                )
            elif settings.is_managed(key):
                editor.setEnabled(False)
                note = QLabel(f"<b>{MANAGED_TEXT}</b>")
                _styled(note, "section")
                note.setAccessibleName(f"{spec.label}: {MANAGED_TEXT.lower()}")
                block_layout.addWidget(note)
                self.managed_labels[key] = note
                editor.setAccessibleDescription(f"{MANAGED_TEXT}: it cannot be changed here. {spec.help}")
            else:
                editor.setAccessibleDescription(spec.help)
            help_label = _styled(WrappingLabel(spec.help), "hint")
            help_label.setAccessibleName(f"About {spec.label.lower()}")
            block_layout.addWidget(help_label)
            form.addRow(label, block)
        layout.addLayout(form)

        self.error = QLabel()
        _styled(self.error, "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save settings")
        self.save_button.setProperty("primary", True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.save_button.setEnabled(any(self.editable(key) for key in self.editors))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 84)

    def _server_row(self, editor: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1)
        self.connect_button = QPushButton("C&onnect to server\u2026")
        self.connect_button.setAccessibleName("Connect to server")
        self.connect_button.setAutoDefault(False)
        self.connect_button.setToolTip(
            "The server address is set where you sign in to it"
            if self._can_connect
            else "Unlock WorkWell first"
        )
        self.connect_button.setEnabled(self._can_connect)
        self.connect_button.clicked.connect(self._go_to_connect)
        row.addWidget(self.connect_button)
        return row

    def _go_to_connect(self) -> None:
        """Save any other change, close, and let the window open Connect to server."""
        self.wants_connect = True
        self.save()
        if not self.isVisible() or self.result() == QDialog.DialogCode.Accepted:
            return
        self.wants_connect = False  # a bad value kept the dialog open

    def _editor_for(self, key: str) -> QWidget:
        value = self.settings.get(key)
        if key == "idle_lock_minutes":
            editor = QSpinBox()
            limit = self.settings.policy_limit(key)
            editor.setRange(1, int(limit) if limit is not None else 120)
            editor.valueChanged.connect(lambda minutes: editor.setSuffix(minutes_suffix(minutes)))
            editor.setValue(int(value))
            editor.setSuffix(minutes_suffix(editor.value()))
        else:
            editor = QLineEdit(str(value))
            editor.setMaxLength(300)
            editor.setCursorPosition(0)  # show the start of a long address, not its end
            if key == "server_url":
                editor.setReadOnly(True)  # set with Connect to server: the button beside it
                editor.setPlaceholderText("Not connected: this laptop works offline only")
        self.editors[key] = editor
        return editor

    def editable(self, key: str) -> bool:
        """The coach may change it here: not fixed by policy (the idle lock may be shortened),
        and not the server address (Connect to server sets that)."""
        spec = SPECS[key]
        if key == "server_url" or not spec.user_may_set:
            return False
        return not self.settings.is_managed(key) or spec.lower_only

    def value_of(self, key: str) -> Any:
        editor = self.editors[key]
        return editor.value() if isinstance(editor, QSpinBox) else editor.text()

    def changes(self) -> dict[str, Any]:
        return {
            key: self.value_of(key)
            for key in self.editors
            if self.editable(key) and self.value_of(key) != self.settings.get(key)
        }

    def reject(self) -> None:
        """Escape or Cancel: ask first only when a changed setting would be lost."""
        if self.changes() and not may_discard(
            self, "Discard your changes?", "Close Settings without saving?"
        ):
            return
        super().reject()

    def save(self) -> None:
        """Save what changed; on a bad value say what is wrong and keep the dialog open."""
        for key, value in self.changes().items():
            try:
                self.settings.set_user(key, value)
            except (SettingError, OSError) as problem:
                self.error.setText(f"{SPECS[key].label}: {problem}")
                self.error.setAccessibleName(f"Error: {SPECS[key].label}: {problem}")
                self.error.show()
                self.editors[key].setFocus()
                return
        self.accept()
