"""The one window: set-up or unlock first, then the workspace; it locks itself when idle."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..settings import SettingError, Settings, load_settings
from ..store import Store, is_initialised
from ..store.database import wipe_data_folder
from .about_dialog import AboutDialog
from .change_passphrase_dialog import ChangePassphraseDialog
from .database_handle import DatabaseHandle
from .forms.ui_main_window import Ui_MainWindow
from .header_bar import HeaderBar
from .idle_lock import IdleLock
from .settings_dialog import SettingsDialog
from .setup_screen import SetupScreen
from .status_area import StatusArea
from .sync_controller import SyncController
from .sync_dialogs import ConflictsDialog, RegisterDialog
from .unlock_screen import UnlockScreen
from .widgets import may_discard, size_to_current_page
from .workspace import Workspace

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(
        self,
        data_dir: Path,
        idle_minutes: float = 10,
        parent: QWidget | None = None,
        settings: Settings | None = None,
    ):
        super().__init__(parent)
        self.ui = Ui_MainWindow()  # ui/main_window.ui: the title, menus and their actions
        self.ui.setupUi(self)
        self.data_dir = Path(data_dir)
        self.settings = settings if settings is not None else load_settings()
        self.handle = DatabaseHandle(self)
        self.idle_lock = IdleLock(idle_minutes, self)
        self.idle_lock.idle.connect(lambda: self.lock(idle=True))
        self._hidden_dialogs: list[QDialog] = []
        self._focus_before_lock: QWidget | None = None

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.header = HeaderBar()
        self.header.lock_button.clicked.connect(lambda: self.lock(idle=False))
        column.addWidget(self.header)
        self.stack = QStackedWidget()
        size_to_current_page(self.stack)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.setup_screen: SetupScreen | None = None
        self.unlock_screen = UnlockScreen(self.data_dir)
        self.unlock_screen.unlocked.connect(self.open_store)
        self.workspace = Workspace(self.handle)
        self.stack.addWidget(self.unlock_screen)
        self.stack.addWidget(self.workspace)
        if not is_initialised(self.data_dir):
            self.setup_screen = SetupScreen(self.data_dir)
            self.setup_screen.finished.connect(self.open_store)
            self.stack.addWidget(self.setup_screen)
            self.stack.setCurrentWidget(self.setup_screen)
        else:
            self.stack.setCurrentWidget(self.unlock_screen)

        self.sync = SyncController(self.handle, self)
        self.status_area = StatusArea(self.statusBar(), self.sync.describe)
        self.status_area.refresh(None)
        self.statusBar().hide()
        self.handle.saved.connect(lambda _id: self.refresh_status())
        self.sync.changed.connect(self.refresh_status)
        self.sync.finished.connect(self._synced)
        self.sync.revoked.connect(self._revoked)
        self._build_actions()
        self._set_unlocked_actions(False)
        self.stack.currentWidget().setFocus()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        """A comfortable size that fits the screen: 1280x860, or 90% of a smaller screen. The
        stacked pages ask only for the current page's size (size_to_current_page), which on
        its own would open the set-up screen as small as its scroll area allows."""
        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        return QSize(min(1280, int(screen.width() * 0.9)), min(860, int(screen.height() * 0.9)))

    # ----- actions and menus ------------------------------------------------
    def _build_actions(self) -> None:
        """The menus and their actions come from ui/main_window.ui (texts, shortcuts, tips);
        here each is connected to what it does."""
        ui = self.ui
        slots = {
            "new_client_action": self.workspace.new_client,
            "find_action": self.workspace.find,
            "lock_action": lambda: self.lock(idle=False),
            "quit_action": self.close,
            "new_session_action": self.new_session,
            "consent_action": lambda: self._with_record(lambda r: r.record_consent("")),
            "fit_note_action": lambda: self._with_record(lambda r: r.add_fit_note()),
            "discharge_action": lambda: self._with_record(lambda r: r.discharge()),
            "close_record_action": self.workspace.close_current_record,
            "about_action": self.show_about,
            "assessment_action": lambda: self._open_current_then(lambda r: r.start_assessment()),
            "plan_action": lambda: self._open_current_then(lambda r: r.show_plan()),
            "sync_action": self.sync_now,
            "register_action": self.connect_to_server,
            "conflicts_action": self.show_conflicts,
            "settings_action": self.show_settings,
            "change_passphrase_action": self.change_passphrase,
        }
        for name, slot in slots.items():
            action: QAction = getattr(ui, name)
            action.triggered.connect(slot)
            self.addAction(action)  # its shortcut works while its menu is hidden (locked)
            setattr(self, name, action)
        self.menus = (ui.app_menu, ui.client_menu, ui.help_menu)
        self._needs_unlock = (
            self.new_client_action,
            self.find_action,
            self.lock_action,
            self.new_session_action,
            self.consent_action,
            self.fit_note_action,
            self.discharge_action,
            self.close_record_action,
            self.assessment_action,
            self.plan_action,
            self.sync_action,
            self.register_action,
            self.conflicts_action,
            self.change_passphrase_action,
        )

    def _set_unlocked_actions(self, unlocked: bool) -> None:
        for action in self._needs_unlock:
            action.setEnabled(unlocked)
        self.menus[1].menuAction().setVisible(unlocked)

    def _with_record(self, do) -> QDialog | None:
        record = self.workspace.current_record()
        if record is None:
            self.statusBar().showMessage("Open a client's record first.", 4000)
            return None
        return do(record)

    def new_session(self) -> QDialog | None:
        """Ctrl+Shift+S: for the open record, or the client highlighted in the caseload."""
        return self._open_current_then(lambda r: r.new_session())

    def _open_current_then(self, do):
        """Act on the open record, or first open the client highlighted in the caseload."""
        if self.workspace.current_record() is None:
            client_id = self.workspace.caseload.current_client_id()
            if client_id is None:
                self.statusBar().showMessage("Open a client's record first.", 4000)
                return None
            self.workspace.open_client(client_id)
        return self._with_record(do)

    @staticmethod
    def _is_team_lead(store: Store) -> bool:
        """The role from the server account this laptop is registered with (team_exports):
        the role typed at set-up is not proof of being a team lead."""
        from ..services.team_exports import is_team_lead

        return is_team_lead(store)

    # ----- sync and settings ------------------------------------------------
    def refresh_status(self) -> None:
        self.status_area.refresh(self.handle.store if self.handle.is_open else None)

    def sync_now(self) -> None:
        """F5. With no server yet, say so and offer to connect (a status bar note was missed)."""
        if self.sync.sync_now():
            return
        if self.handle.is_open and not self.sync.running and self.sync.state == "not_registered":
            answer = QMessageBox.question(
                self,
                "Not connected to a server",
                "This laptop is not connected to the WorkWell server yet, so there is nothing to "
                "sync: your work is saved on this laptop. Connect to the server now? You need "
                "your WorkWell username and password.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.connect_to_server()
            return
        self.statusBar().showMessage("A sync is already running.", 5000)

    def _synced(self, _outcome) -> None:
        if self.handle.is_open:  # others' changes may have arrived
            self.workspace.reload_caseload()
            self.workspace.reload_records()
        self.refresh_status()

    def connect_to_server(self) -> RegisterDialog:
        dialog = RegisterDialog(
            self.handle, self._server_address(), self.settings.is_managed("server_url"), self
        )
        dialog.registered.connect(
            lambda _r: (
                self._remember_server(dialog.url.text()),
                self._account_adopted(),
                self.sync._opened(),
                self.refresh_status(),
            )
        )
        dialog.open()
        return dialog

    def _server_address(self) -> str:
        """The policy's address (it always wins), else the one this laptop last connected to."""
        if self.settings.is_managed("server_url") or not self.handle.is_open:
            return self.settings.get("server_url")
        from ..store import replica

        return replica.get_setting(self.handle.store, "server_url") or self.settings.get("server_url")

    def _remember_server(self, url: str) -> None:
        """Connect to server is the one place the address is set; Settings shows it."""
        if self.settings.is_managed("server_url"):
            return
        try:
            self.settings.set_user("server_url", url.strip())
        except (SettingError, OSError) as problem:  # connected all the same; only the note is lost
            log.warning("server address not kept in settings: %s", problem)

    def _account_adopted(self) -> None:
        """Registering took the server account's name and role (store.identity): show them."""
        if self.handle.is_open:
            store = self.handle.store
            self.handle.coach_name, self.handle.coach_role = store.coach_name, store.coach_role
            self.header.signed_in(store.coach_name, store.coach_role)

    def show_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.handle, self)
        dialog.open()
        return dialog

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self, can_connect=self.handle.is_open)
        if dialog.exec():
            self.idle_lock.set_minutes(self.settings.idle_lock_minutes())
            if dialog.wants_connect:
                self.connect_to_server()

    def change_passphrase(self) -> ChangePassphraseDialog:
        dialog = ChangePassphraseDialog(self.handle, self)
        dialog.accepted.connect(
            lambda: self.statusBar().showMessage(
                "Your passphrase has been changed. Use the new one from now on.", 8000
            )
        )
        dialog.open()
        return dialog

    def _revoked(self, message: str) -> None:
        """IT revoked this laptop: close the database, wipe it and its key, say so."""
        self.lock(idle=False)
        wipe_data_folder(self.data_dir)
        QMessageBox.warning(self, "This laptop's access was revoked", message)
        self.close()

    def refresh(self) -> None:
        """Re-read the caseload, open records and sync status (after changes made elsewhere)."""
        if self.handle.is_open:
            self.workspace.reload_caseload()
            self.workspace.reload_records()
            self.status_area.refresh(self.handle.store)

    def show_about(self) -> None:
        AboutDialog(self.data_dir, self.handle, self).open()

    # ----- unlocking and locking ---------------------------------------------
    def open_store(self, store: Store) -> None:
        self.handle.open(store)
        self.header.signed_in(store.coach_name, store.coach_role)
        self.status_area.refresh(store)
        self.statusBar().show()
        self.workspace.reload_caseload()
        self.workspace.reload_records()
        self.workspace.show_team_summary(self._is_team_lead(store))
        self.stack.setCurrentWidget(self.workspace)
        self._set_unlocked_actions(True)
        if self.setup_screen is not None:
            self.stack.removeWidget(self.setup_screen)
            self.setup_screen.deleteLater()
            self.setup_screen = None
        # Back where the coach was: the same tabs, any half-typed dialog, the same field.
        for dialog in self._hidden_dialogs:
            dialog.show()
        if self._hidden_dialogs:
            self._hidden_dialogs[-1].activateWindow()
        self._hidden_dialogs = []
        before = self._focus_before_lock
        if before is not None and before.isVisible() and before.isEnabled():
            before.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.workspace.focus_current()
        self._focus_before_lock = None
        self.idle_lock.start()

    def lock(self, idle: bool = False) -> None:
        """Close the database (dropping its key) and cover client information."""
        if not self.handle.is_open:
            return
        self.idle_lock.stop()
        self._hidden_dialogs = [d for d in self.findChildren(QDialog) if d.isVisible()]
        focus = QApplication.focusWidget()
        mine = focus is not None and (focus.window() is self or focus.window() in self._hidden_dialogs)
        self._focus_before_lock = focus if mine else None
        for dialog in self._hidden_dialogs:
            dialog.hide()  # hidden, not closed: what was typed is kept for after unlock
        self.workspace.forget_client_data()
        self.handle.close()
        self.unlock_screen.show_locked(self.handle.coach_name, idle)
        self.stack.setCurrentWidget(self.unlock_screen)
        self._set_unlocked_actions(False)
        self.header.set_locked(True)
        self.status_area.refresh(None)
        self.unlock_screen.setFocus()
        log.info("locked (%s)", "idle" if idle else "by the coach")

    @property
    def is_locked(self) -> bool:
        return not self.handle.is_open

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        unsaved = [r for r in self.workspace.records() if r.has_unsaved_changes()]
        unsaved_dialogs = [
            d
            for d in self.findChildren(QDialog)
            if (d.isVisible() or d in self._hidden_dialogs) and getattr(d, "is_dirty", lambda: False)()
        ]
        if unsaved or unsaved_dialogs:  # asked even while locked: typing is kept across a lock
            if not may_discard(
                self, "Quit without saving?", "Some changes are not saved yet. Quit and lose them?"
            ):
                event.ignore()
                return
        self.idle_lock.stop()
        self.handle.close()
        event.accept()
