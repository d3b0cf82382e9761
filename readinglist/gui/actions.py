"""The main window's actions and menus, with standard shortcuts where Qt has them.

Single-key shortcuts (S, T, R, N, O, Delete) belong to the paper table only, so typing
in the search field or a note never stars or deletes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack

from readinglist.urls import SEARCH_SITES

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow, QWidget

Key = QKeySequence.StandardKey


@dataclass
class Actions:
    import_digests: QAction
    paste_digest: QAction
    rebuild_index: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    find: QAction
    select_all: QAction
    trash: QAction
    restore: QAction
    star: QAction
    tag: QAction
    cycle_status: QAction
    mark_unread: QAction
    mark_skimmed: QAction
    mark_read: QAction
    edit_note: QAction
    open_link: QAction
    search_sites: list[QAction]  # where O searches for a paper without a link (exclusive)
    refresh: QAction
    toggle_sidebar: QAction
    toggle_details: QAction
    search_help: QAction
    about: QAction

    def paper_actions(self) -> list[QAction]:
        """Actions that need a selected paper."""
        return [
            self.trash,
            self.star,
            self.tag,
            self.cycle_status,
            self.mark_unread,
            self.mark_skimmed,
            self.mark_read,
            self.edit_note,
            self.open_link,
        ]


def make_action(
    parent: QWidget,
    text: str,
    *,
    keys: list[QKeySequence] | None = None,
    tip: str = "",
    name: str = "",
) -> QAction:
    action = QAction(text, parent)
    if keys:
        action.setShortcuts(keys)
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    if name:
        action.setObjectName(name)
    return action


def _std(key: QKeySequence.StandardKey) -> list[QKeySequence]:
    return QKeySequence.keyBindings(key)


def _keys(*texts: str) -> list[QKeySequence]:
    return [QKeySequence(t) for t in texts]


def build_actions(window: QMainWindow, table: QWidget, undo_stack: QUndoStack) -> Actions:
    """Create the actions; table-only shortcuts are attached to ``table``."""
    # Plain actions (not QUndoStack.createUndoAction): the window saves a note being typed
    # before undoing, and keeps their text in step with the stack.
    undo = make_action(window, "&Undo", keys=_std(Key.Undo), name="undo")
    redo_keys = _std(Key.Redo)
    if QKeySequence("Ctrl+Shift+Z") not in redo_keys:
        redo_keys.append(QKeySequence("Ctrl+Shift+Z"))
    redo = make_action(window, "&Redo", keys=redo_keys, name="redo")
    undo.setEnabled(undo_stack.canUndo())
    redo.setEnabled(undo_stack.canRedo())
    undo_stack.canUndoChanged.connect(undo.setEnabled)
    undo_stack.canRedoChanged.connect(redo.setEnabled)
    undo_stack.undoTextChanged.connect(lambda t: undo.setText(f"&Undo {t}".rstrip()))
    undo_stack.redoTextChanged.connect(lambda t: redo.setText(f"&Redo {t}".rstrip()))

    quit_action = make_action(window, "&Quit", keys=_std(Key.Quit), name="quit")
    quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    about = make_action(window, "&About readinglist", name="about")
    about.setMenuRole(QAction.MenuRole.AboutRole)

    actions = Actions(
        import_digests=make_action(
            window,
            "&Import…",
            keys=_keys("Ctrl+I"),
            tip="Import digests, arXiv feeds, Hugging Face daily papers, BibTeX, RIS or "
            "CSL-JSON files (you can also drop them on the window)",
            name="importDigests",
        ),
        paste_digest=make_action(
            window,
            "&Paste Digest",
            keys=_keys("Ctrl+Shift+V"),
            tip="Import digest text copied to the clipboard",
            name="pasteDigest",
        ),
        rebuild_index=make_action(
            window, "Rebuild Search &Index", tip="Rebuild the search index", name="rebuildIndex"
        ),
        quit=quit_action,
        undo=undo,
        redo=redo,
        find=make_action(
            window, "&Find…", keys=_std(Key.Find), tip="Search the library", name="find"
        ),
        select_all=make_action(table, "Select &All", keys=_std(Key.SelectAll), name="selectAll"),
        trash=make_action(
            table,
            "Move to &Trash",
            keys=_std(Key.Delete),
            tip="Move the selected papers to the Trash (undo brings them back)",
            name="trash",
        ),
        restore=make_action(
            window,
            "Restore from Tras&h",
            tip="Put the selected papers back in the library",
            name="restore",
        ),
        star=make_action(table, "&Star / Unstar", keys=_keys("S"), name="star"),
        tag=make_action(table, "&Tags…", keys=_keys("T"), name="tag"),
        cycle_status=make_action(
            table,
            "Next &Read Status",
            keys=_keys("R"),
            tip="Unread → Skimmed → Read",
            name="cycleStatus",
        ),
        mark_unread=make_action(window, "Mark &Unread", name="markUnread"),
        mark_skimmed=make_action(window, "Mark S&kimmed", name="markSkimmed"),
        mark_read=make_action(window, "Mark R&ead", name="markRead"),
        edit_note=make_action(table, "Edit &Note", keys=_keys("N"), name="editNote"),
        open_link=make_action(
            table,
            "&Open Paper in Browser",
            keys=_keys("O"),
            tip="Open the paper's arXiv page, else its first web link, else a search for its title",
            name="openLink",
        ),
        search_sites=_search_sites(window),
        refresh=make_action(window, "Re&fresh", keys=_std(Key.Refresh), name="refresh"),
        toggle_sidebar=make_action(window, "Show &Sidebar", name="toggleSidebar"),
        toggle_details=make_action(window, "Show &Details", name="toggleDetails"),
        search_help=make_action(window, "&Search Syntax", keys=_std(Key.HelpContents), name="help"),
        about=about,
    )
    for action in (actions.toggle_sidebar, actions.toggle_details):
        action.setCheckable(True)
        action.setChecked(True)
    for action in (
        actions.select_all,
        actions.trash,
        actions.star,
        actions.tag,
        actions.cycle_status,
        actions.edit_note,
        actions.open_link,
    ):
        # Shortcut live only while the table has focus; the menus still show the key.
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        table.addAction(action)
    for action in (
        actions.import_digests,
        actions.paste_digest,
        actions.quit,
        actions.undo,
        actions.redo,
        actions.find,
        actions.refresh,
        actions.search_help,
    ):
        window.addAction(action)
    _menus(window, actions)
    return actions


def _search_sites(window: QMainWindow) -> list[QAction]:
    group = QActionGroup(window)
    group.setExclusive(True)
    actions = []
    for site in SEARCH_SITES:
        action = make_action(
            window,
            site.label,
            tip=f"O searches {site.label} for a paper that has no arXiv id and no link",
            name=f"searchSite_{site.key}",
        )
        action.setCheckable(True)
        action.setData(site.key)
        group.addAction(action)
        actions.append(action)
    return actions


def _menus(window: QMainWindow, a: Actions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a.import_digests)
    file_menu.addSeparator()
    file_menu.addAction(a.rebuild_index)
    file_menu.addSeparator()
    file_menu.addAction(a.quit)

    edit = bar.addMenu("&Edit")
    edit.addAction(a.undo)
    edit.addAction(a.redo)
    edit.addSeparator()
    edit.addAction(a.paste_digest)
    edit.addAction(a.select_all)
    edit.addAction(a.find)
    edit.addSeparator()
    edit.addAction(a.trash)
    edit.addAction(a.restore)

    paper = bar.addMenu("&Paper")
    paper.addAction(a.star)
    paper.addAction(a.tag)
    paper.addAction(a.edit_note)
    paper.addSeparator()
    paper.addAction(a.cycle_status)
    paper.addAction(a.mark_unread)
    paper.addAction(a.mark_skimmed)
    paper.addAction(a.mark_read)
    paper.addSeparator()
    paper.addAction(a.open_link)
    sites = paper.addMenu("&Search Papers Without a Link On")
    sites.setObjectName("searchSiteMenu")
    for action in a.search_sites:
        sites.addAction(action)

    view = bar.addMenu("&View")
    view.addAction(a.toggle_sidebar)
    view.addAction(a.toggle_details)
    view.addSeparator()
    view.addAction(a.refresh)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a.search_help)
    help_menu.addAction(a.about)
