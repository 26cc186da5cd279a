"""About WorkWell: version, data folder, where the key is kept, sync state."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget

from .database_handle import DatabaseHandle
from .forms import finish
from .forms.ui_about import Ui_AboutDialog


def app_version() -> str:
    try:
        return metadata.version("workwell-desktop")
    except metadata.PackageNotFoundError:
        return "development copy"


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, handle: DatabaseHandle, parent: QWidget | None = None):
        super().__init__(parent)
        self.ui = Ui_AboutDialog()  # ui/about.ui
        self.ui.setupUi(self)
        finish(self)
        # 80 characters, but never wider than the screen (a data folder path wraps instead).
        room = self.screen().availableGeometry().width() - 40
        self.setMinimumWidth(min(self.fontMetrics().averageCharWidth() * 80, room))
        rows = [("Version", app_version()), ("Data folder", str(data_dir))]
        if handle.is_open:
            rows += [
                ("Signed in as", handle.coach_name),
                ("Database key", f"Kept in {handle.key_store_description}"),
                (
                    "Sync",
                    f"Not connected to a server; {handle.store.pending_change_count()} "
                    "changes waiting to sync",
                ),
            ]
        for name, value in rows:
            label = QLabel(value)
            label.setWordWrap(True)
            label.setAccessibleName(name)
            self.ui.facts.addRow(f"{name}:", label)
        buttons = self.ui.buttons
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
