"""The main window's doors to the app's other windows: export, triage, statistics, backups.

Each dialog lives in a module of its own; this one only adds the actions and menus that
open them, and tells the window what changed when they close.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QInputDialog, QMenu, QMessageBox, QVBoxLayout

from readinglist.core import Scope, View
from readinglist.errors import LibraryError
from readinglist.gui import undo
from readinglist.gui.actions import make_action
from readinglist.gui.ops import RELOAD
from readinglist.gui.undo import DeleteShelfCommand, RenameShelfCommand
from readinglist.layout import ENV_HOME
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from collections.abc import Callable

    from readinglist.gui.main_window import MainWindow


class WindowTools(QObject):
    """Actions that open secondary windows, installed into a main window's menus."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.shelves = Shelves(window.library)
        w = window
        self.export = make_action(
            w, "&Export…", keys=[QKeySequence("Ctrl+E")], tip="Export papers as Markdown, BibTeX, …"
        )
        self.copy_markdown = make_action(
            w, "Copy as &Markdown", keys=[QKeySequence("Ctrl+Shift+C")]
        )
        self.copy_bibtex = make_action(w, "Copy as &BibTeX", keys=[QKeySequence("Ctrl+Alt+C")])
        self.triage = make_action(
            w,
            "&Triage…",
            keys=[QKeySequence("Ctrl+Shift+T")],
            tip="One paper at a time, by keyboard",
        )
        self.add_to_shelf = make_action(w, "Add to &Shelf…", keys=[QKeySequence("Ctrl+Shift+B")])
        self.new_shelf = make_action(w, "&New Shelf…", keys=[QKeySequence("Ctrl+Shift+N")])
        self.save_search = make_action(w, "Save Search as Smart &Shelf…")
        self.statistics = make_action(w, "&Statistics", tip="Is the backlog growing?")
        self.backups = make_action(w, "&Backups…", tip="See and restore verified backups")
        self.check = make_action(w, "&Check Library…", tip="Look for damage and repair it")
        self.open_shared = make_action(w, "Open &Shared Library…", tip="A library on a server")

        self.export.triggered.connect(self.open_export)
        self.copy_markdown.triggered.connect(lambda: self.copy_selection("md"))
        self.copy_bibtex.triggered.connect(lambda: self.copy_selection("bibtex"))
        self.triage.triggered.connect(self.open_triage)
        self.add_to_shelf.triggered.connect(self.add_selection_to_shelf)
        self.new_shelf.triggered.connect(self.create_shelf)
        self.save_search.triggered.connect(self.save_search_as_shelf)
        self.statistics.triggered.connect(self.open_statistics)
        self.backups.triggered.connect(self.open_backups)
        self.check.triggered.connect(self.open_check)
        self.open_shared.triggered.connect(self.open_shared_library)
        self._install_menus()
        self.last_dialog: QDialog | None = None  # the dialog opened last (tests look at it)
        sidebar = window.sidebar
        sidebar.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        sidebar.customContextMenuRequested.connect(self._sidebar_menu)

    def _install_menus(self) -> None:
        bar = self.window.menuBar()
        menus = {m.title().replace("&", ""): m for m in bar.findChildren(QMenu)}
        file_menu = menus.get("File")
        if file_menu is not None:
            actions = file_menu.actions()
            if len(actions) > 1:
                file_menu.insertAction(actions[1], self.export)
            else:
                file_menu.addAction(self.export)
        edit = menus.get("Edit")
        if edit is not None:
            edit.addSeparator()
            edit.addActions([self.copy_markdown, self.copy_bibtex])
        paper = menus.get("Paper")
        if paper is not None:
            paper.addSeparator()
            paper.addAction(self.add_to_shelf)
        view = menus.get("View")
        if view is not None:
            view.addSeparator()
            view.addActions([self.triage, self.statistics])
        library = QMenu("&Library", bar)
        library.addActions([self.new_shelf, self.save_search])
        library.addSeparator()
        library.addActions([self.backups, self.check])
        library.addSeparator()
        library.addAction(self.open_shared)
        help_menu = menus.get("Help")
        if help_menu is not None:
            bar.insertMenu(help_menu.menuAction(), library)
        else:
            bar.addMenu(library)
        shared = self.window.library.shared
        self.backups.setEnabled(not shared)
        self.check.setEnabled(not shared)

    # -- helpers ---------------------------------------------------------------------------

    def _selected(self) -> list[int]:
        return self.window.table.action_ids()

    def _show(self, dialog: QDialog) -> None:
        self.last_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    # -- export ----------------------------------------------------------------------------

    def current_scope(self) -> Scope:
        """What "Export…" offers first: the selection, else the shelf, tag or search shown."""
        ids = self._selected()
        if len(ids) > 1:
            return Scope.papers(ids)
        source = self.window.sidebar.current_source
        if self.window.search.query:
            return Scope.search(self.window.search.query)
        if source.view in (View.SHELF, View.TAG):
            return source.base
        return Scope.library()

    def open_export(self) -> None:
        self._export_scope(self.current_scope())

    def copy_selection(self, fmt: str) -> None:
        from readinglist.gui.export_dialog import copy_as

        ids = self._selected()
        if not ids:
            self.window.statusBar().showMessage("Select papers to copy", 3000)
            return
        text = copy_as(self.window.library.papers(ids), fmt)
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage(f"Copied {len(ids)} papers as {fmt}", 3000)

    # -- triage ----------------------------------------------------------------------------

    def open_triage(self) -> None:
        """Triage the digest shown in the sidebar, else the Inbox."""
        from readinglist.gui.triage_view import TriageView

        lib = self.window.library
        source = self.window.sidebar.current_source
        digest_id = int(source.key) if source.view == View.DIGEST and source.key else None
        if digest_id is not None:
            ids = lib.paper_ids(Scope.digest(digest_id))
            title = next((d.file_name for d in lib.digests() if d.id == digest_id), "Digest")
        else:
            ids = lib.paper_ids(Scope.inbox())
            title = "Inbox"
        if not ids:
            self.window.statusBar().showMessage(f"Nothing to triage in {title}", 4000)
            return
        dialog = QDialog(self.window)
        dialog.setWindowTitle(f"Triage · {title}")
        view = TriageView(lib, self.shelves, ids, title, dialog, digest_id=digest_id)
        layout = QVBoxLayout(dialog)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(view)
        dialog.resize(self.window.size() * 0.9)

        def closed(triaged: list[int]) -> None:
            dialog.accept()
            if triaged:
                self.window.show_paper(triaged[0])

        view.closed.connect(closed)
        view.papers_changed.connect(self.window.ops.announce)
        self._show(dialog)
        view.setFocus()

    # -- shelves ---------------------------------------------------------------------------

    def create_shelf(self, *, query: str | None = None) -> str | None:
        name, ok = QInputDialog.getText(
            self.window, "New Shelf" if not query else "Save Search as Shelf", "Shelf name:"
        )
        if not ok or not name.strip():
            return None
        try:
            created = self.shelves.create(name, query=query)
        except LibraryError as err:
            QMessageBox.warning(self.window, "readinglist", str(err))
            return None
        self.window.ops.announce(created.changes)
        return created.info.name

    def save_search_as_shelf(self) -> None:
        query = self.window.search.query
        if not query:
            self.window.statusBar().showMessage("Type a search first", 3000)
            return
        self.create_shelf(query=query)

    def add_selection_to_shelf(self) -> None:
        ids = self._selected()
        if not ids:
            self.window.statusBar().showMessage("Select papers first", 3000)
            return
        names = [s.name for s in self.shelves.list() if not s.query]
        name, ok = QInputDialog.getItem(
            self.window, "Add to Shelf", f"Add {len(ids)} papers to:", names, 0, True
        )
        if not ok or not name.strip():
            return
        name = name.strip()
        if name.casefold() not in {n.casefold() for n in names}:
            try:
                self.window.ops.announce(self.shelves.create(name).changes)
            except LibraryError as err:
                QMessageBox.warning(self.window, "readinglist", str(err))
                return
        command = undo.add_to_shelf(self.window.ops, name, ids)
        self.window.undo_stack.push(command)
        if command.ok:
            self.window.statusBar().showMessage(f"Added to {name}", 3000)

    def sidebar_actions(self, source: Scope) -> list[tuple[str, Callable[[], object]]]:
        """What the sidebar's context menu offers for one entry."""
        if source.view == View.SHELF:
            name = str(source.key)
            return [
                ("Rename Shelf…", lambda: self.rename_shelf(name)),
                ("Delete Shelf…", lambda: self.delete_shelf(name)),
                ("Export Shelf…", lambda: self._export_scope(Scope.shelf(name))),
            ]
        if source.view == View.TAG:
            return [("Export Tag…", lambda: self._export_scope(source.base))]
        if source.view in (View.INBOX, View.DIGEST):
            return [("Triage…", self.open_triage)]
        if source.view == View.TRASH:
            return [("Empty Trash…", self.empty_trash)]
        return []

    def _sidebar_menu(self, pos: QPoint) -> None:
        sidebar = self.window.sidebar
        entry = self.window.sidebar_model.entry(sidebar.indexAt(pos))
        if entry is None or entry.source is None:
            return
        sidebar.select_source(entry.source)
        menu = QMenu(sidebar)
        for text, slot in self.sidebar_actions(entry.source):
            menu.addAction(text, slot)
        if menu.actions():
            menu.exec(sidebar.viewport().mapToGlobal(pos))

    def _export_scope(self, scope: Scope) -> None:
        from readinglist.gui.export_dialog import ExportDialog, export_summary

        dialog = ExportDialog(self.window.library, scope=scope, parent=self.window)
        status = self.window.statusBar()
        dialog.exported.connect(lambda result: status.showMessage(export_summary(result), 15000))
        self._show(dialog)

    def rename_shelf(self, name: str) -> None:
        new, ok = QInputDialog.getText(self.window, "Rename Shelf", "New name:", text=name)
        if ok and new.strip() and new.strip() != name:
            self.window.undo_stack.push(RenameShelfCommand(self.window.ops, name, new.strip()))

    def delete_shelf(self, name: str) -> None:
        info = self.shelves.get(name)
        answer = QMessageBox.question(
            self.window,
            "Delete Shelf",
            f"Delete the shelf {info.name!r}? Its {info.count} papers stay in the library "
            "(Undo brings the shelf back).",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.window.undo_stack.push(DeleteShelfCommand(self.window.ops, info))

    def empty_trash(self) -> None:
        n = self.window.library.count(Scope.trash())
        if not n:
            return
        answer = QMessageBox.question(
            self.window,
            "Empty Trash",
            f"Delete the {n} papers in the Trash for good, with their notes? "
            "This cannot be undone.",
        )
        if answer == QMessageBox.StandardButton.Yes and self.window.ops.run(
            self.window.library.empty_trash, size=n
        ):
            self.window.undo_stack.clear()  # undo steps may name papers that are gone

    # -- library ---------------------------------------------------------------------------

    def open_statistics(self) -> None:
        from readinglist.gui.stats_view import StatsDialog

        self._show(StatsDialog(self.window.library, self.window))

    def open_backups(self) -> None:
        from readinglist.gui.backups_dialog import BackupsDialog

        dialog = BackupsDialog(
            self.window.library.location, self.window, restore=self.window.restore_backup
        )
        self._show(dialog)

    def open_check(self) -> None:
        from readinglist.gui.check_dialog import CheckDialog

        dialog = CheckDialog(self.window.library, self.window)
        dialog.repaired.connect(lambda *_: self.window.ops.announce(RELOAD))
        self._show(dialog)

    def open_shared_library(self) -> None:
        """Open a library on a server in a window of its own (a separate process)."""
        from readinglist.gui.open_shared_dialog import OpenSharedDialog

        dialog = OpenSharedDialog(self.window)
        self.last_dialog = dialog
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        url = dialog.url()
        # The URL may hold a password: it goes through the environment (readable by this
        # user only), never on a command line that any user can read in `ps`.
        subprocess.Popen(
            [sys.executable, "-m", "readinglist", "gui"],
            env={**os.environ, ENV_HOME: url},
            start_new_session=True,
        )
