"""About WorkWell: version, data folder, where the key is kept, sync state."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from .database_handle import DatabaseHandle
from .widgets import paragraph, title_label


def app_version() -> str:
    try:
        return metadata.version("workwell-desktop")
    except metadata.PackageNotFoundError:
        return "development copy"


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, handle: DatabaseHandle, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("About WorkWell")
        self.setAccessibleName("About WorkWell")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(title_label("WorkWell Desktop", 1.3))
        layout.addWidget(paragraph("For NHS WorkWell work and health coaches. Works offline; client "
                                   "information is kept in an encrypted database on this computer."))
        form = QFormLayout()
        rows = [("Version", app_version()), ("Data folder", str(data_dir))]
        if handle.is_open:
            rows += [("Signed in as", handle.coach_name),
                     ("Database key", f"Kept in {handle.key_store_description}"),
                     ("Sync", f"Not connected to a server; {handle.store.pending_change_count()} "
                              "changes waiting to sync")]
        for name, value in rows:
            label = QLabel(value)
            label.setWordWrap(True)
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
