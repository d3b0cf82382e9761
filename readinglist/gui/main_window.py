"""The main window: wires the sidebar, table, detail pane and search to the services.

The window owns no truth: every edit goes through :class:`~readinglist.gui.ops.Ops` (as an
undoable command), and each resulting :class:`~readinglist.gui.ops.Change` makes the views
reload what it touched. Lists and counts are read in the background; only the first list,
at start-up, is read before the window paints.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShortcut,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QStyle,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from readinglist import __version__
from readinglist.core import SORT_KEYS, Changes, Scope, View
from readinglist.errors import EditConflict, LibraryError
from readinglist.gui import icons
from readinglist.gui.actions import build_actions
from readinglist.gui.detail_pane import DetailPane, SimilarItem
from readinglist.gui.latest import LatestRunner
from readinglist.gui.links import open_web_url
from readinglist.gui.listing import Listing, ListingRequest, Sort, resolve
from readinglist.gui.ops import RELOAD, Ops, Update
from readinglist.gui.paper_table import PaperTableModel, PaperTableView
from readinglist.gui.search_bar import SearchField, SearchInfo
from readinglist.gui.shelf_actions import ShelfActions
from readinglist.gui.sidebar import SidebarData, SidebarModel, SidebarView, load_sidebar
from readinglist.gui.sources import ALL_PAPERS, RECENT, TRASH
from readinglist.gui.tag_editor import TagDialog
from readinglist.gui.tasks import TaskRunner
from readinglist.gui.undo import (
    AddTagsCommand,
    NoteCommand,
    RestoreCommand,
    SetTagsCommand,
    StarCommand,
    StatusCommand,
    TrashCommand,
    same_tags,
)
from readinglist.gui.watcher import ChangeWatcher
from readinglist.gui.window_tools import WindowTools
from readinglist.importing import NOTE_SEPARATOR
from readinglist.records import ReadStatus
from readinglist.shelves import Shelves
from readinglist.urls import paper_page, search_site

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from readinglist.core import Progress
    from readinglist.gui.import_dialog import ImportDialog
    from readinglist.gui.tasks import CancelCheck, ProgressReport
    from readinglist.library import Library
    from readinglist.maintenance.backup import RestoreResult
    from readinglist.maintenance.lock import InstanceLock

SIMILAR_LIMIT = 8
SEARCH_SITE_SETTING = "papers/search_site"


class MainWindow(QMainWindow):
    """One library's window. ``settings`` holds only the window's looks, never user data."""

    listing_applied = Signal()  # the table shows a fresh listing (tests and benchmarks wait)
    sidebar_applied = Signal()

    def __init__(
        self,
        library: Library,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        poll_ms: int | None = None,
        instance_lock: InstanceLock | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.library = library
        self.settings = settings
        # The library's one instance lock (taken by gui.app for a local library): held while
        # the window is open, so `readinglist backup restore` refuses, and kept across a
        # restore made from the window.
        self.instance_lock = instance_lock
        self._poll_kwargs: dict[str, Any] = {} if poll_ms is None else {"poll_ms": poll_ms}
        self.setWindowTitle(f"readinglist — {library.display_location}")
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)

        self.ops = Ops(library, self)
        self.ops.window = self
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.tasks = TaskRunner(self)

        self._source: Scope = ALL_PAPERS
        self._listing: Listing | None = None
        self._pending_select: list[int] = []
        self._tag_names: list[str] = []
        self._index_ready = False
        self._closing = False

        self._lists = LatestRunner(self.tasks, self._listing_job, self)
        self._lists.ready.connect(self._listing_ready)
        self._lists.failed.connect(self._show_error)
        self._counts = LatestRunner(self.tasks, self._sidebar_job, self)
        self._counts.ready.connect(self._sidebar_ready)
        self._counts.failed.connect(self._show_error)
        self._errors = 0  # how many edits failed, to tell the note editor
        self._conflicts = 0  # how many note saves met a newer save by someone else

        self._build_widgets()
        self.actions_ = build_actions(self, self.table, self.undo_stack)
        self._connect()
        self.tools = WindowTools(self)
        self._restore_settings()

        self.watcher = self._watch(library)

        # The first list is read before the window paints; counts follow in the background.
        self._listing_ready(resolve(library, self._request()))
        self._counts.request()
        self._update_actions()

    # -- building ----------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.sidebar_model = SidebarModel(self)
        self.sidebar = SidebarView(self.sidebar_model)
        self.table_model = PaperTableModel(self.library, self)
        self.table = PaperTableView(self.table_model)
        self.detail = DetailPane()
        self.search = SearchField()
        self.search_info = SearchInfo()

        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(0)
        middle_layout.addWidget(self.search_info)
        middle_layout.addWidget(self.table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setCollapsible(1, False)
        digit = self.fontMetrics().horizontalAdvance("0")
        # The sidebar fits its longest fixed entry with a count; the rest goes to the list.
        side = self.fontMetrics().horizontalAdvance("Recently imported 100,000") + 64
        self.splitter.setSizes([side, 110 * digit, 62 * digit])
        self.setCentralWidget(self.splitter)

        toolbar = QToolBar("Search")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setFloatable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar = toolbar
        self.addToolBar(toolbar)

        status = self.statusBar()
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busyBar")
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setMaximumHeight(self.fontMetrics().height())
        self.busy_bar.hide()
        status.addWidget(self.count_label, 1)
        status.addPermanentWidget(self.busy_bar)

    def _connect(self) -> None:
        a = self.actions_
        self.toolbar.addAction(a.import_digests)
        a.import_digests.setIcon(
            icons.themed("document-import", QStyle.StandardPixmap.SP_DialogOpenButton)
        )
        self.toolbar.addSeparator()
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred
        )
        self.toolbar.addWidget(spacer)
        self.search.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        self.toolbar.addWidget(self.search)

        self.sidebar.source_selected.connect(self._source_selected)
        self.table_model.sort_requested.connect(self._sort_requested)
        self.table.selection_changed.connect(self._selection_changed)
        self.table.current_paper_changed.connect(lambda _id: self._show_current())
        self.table.open_requested.connect(self._open_detail)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._table_menu)
        self.search.query_changed.connect(self._query_changed)
        self.search.leave_requested.connect(self.table.setFocus)
        self.search_info.suggestion_clicked.connect(self.search.set_query)

        self.detail.star_toggled.connect(
            lambda pid, on: self._push(StarCommand(self.ops, [pid], on))
        )
        self.detail.status_chosen.connect(
            lambda pid, st: self._push(StatusCommand(self.ops, [pid], st))
        )
        self.detail.tags_committed.connect(self._tags_edited)
        self.detail.notes.save_requested.connect(self._note_saved)
        self.detail.digest_requested.connect(
            lambda d: self.sidebar.select_source(Scope(View.DIGEST, d))
        )
        self.detail.paper_requested.connect(self.show_paper)
        self.detail.similar_wanted.connect(self._find_similar)
        self.detail.link_refused.connect(
            lambda url: self.statusBar().showMessage(
                f"Not opened (only web links open): {url}", 5000
            )
        )
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.detail)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self._back_to_table)

        self.ops.changed.connect(self._changed)
        self.ops.error.connect(self._show_error)
        self.ops.note_saved.connect(self.detail.notes.saved)
        self.ops.note_conflict.connect(self._note_conflict)
        self.ops.warning.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.shelf_actions = ShelfActions(self.ops, self._push)
        self.sidebar_model.shelf_actions = self.table_model.shelf_actions = self.shelf_actions

        a.import_digests.triggered.connect(self.import_digests)
        a.paste_digest.triggered.connect(self.paste_digest)
        a.rebuild_index.triggered.connect(self.rebuild_index)
        a.quit.triggered.connect(self.close)
        a.undo.triggered.connect(self.undo)
        a.redo.triggered.connect(self.redo)
        a.find.triggered.connect(self.focus_search)
        a.select_all.triggered.connect(self.table.selectAll)
        a.trash.triggered.connect(self.trash_selected)
        a.restore.triggered.connect(self.restore_selected)
        a.star.triggered.connect(self.toggle_star)
        a.tag.triggered.connect(self.tag_selected)
        a.cycle_status.triggered.connect(self.cycle_status)
        a.mark_unread.triggered.connect(lambda: self.set_status(ReadStatus.UNREAD))
        a.mark_skimmed.triggered.connect(lambda: self.set_status(ReadStatus.SKIMMED))
        a.mark_read.triggered.connect(lambda: self.set_status(ReadStatus.READ))
        a.edit_note.triggered.connect(self.edit_note)
        a.open_link.triggered.connect(self.open_link)
        sites = a.search_sites[0].actionGroup()
        assert sites is not None
        sites.triggered.connect(lambda action: self.set_search_site(str(action.data())))
        a.refresh.triggered.connect(lambda: self._changed(RELOAD))
        a.toggle_sidebar.toggled.connect(self.sidebar.setVisible)
        a.toggle_details.toggled.connect(self.detail.setVisible)
        a.search_help.triggered.connect(self.show_search_help)
        a.about.triggered.connect(self.show_about)

    # -- settings (looks only) ---------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        for key, widget in (
            ("window/splitter", self.splitter),
            ("detail/splitter", self.detail.splitter),
        ):
            state = s.value(key)
            if isinstance(state, QByteArray) and not state.isEmpty():
                widget.restoreState(state)
        header_state = s.value("table/header")
        if isinstance(header_state, QByteArray) and not header_state.isEmpty():
            self.table.horizontalHeader().restoreState(header_state)
        self.table.apply_sort(_sort_from_setting(str(s.value("table/sort", "") or "")))
        collapsed = s.value("sidebar/collapsed", [])
        # An INI file gives back a one-item list as a plain string.
        items = collapsed if isinstance(collapsed, list) else [collapsed]
        self.sidebar.set_collapsed_sections([int(str(c)) for c in items if str(c).isdigit()])
        for key, action in (
            ("window/sidebar", self.actions_.toggle_sidebar),
            ("window/details", self.actions_.toggle_details),
        ):
            action.setChecked(str(s.value(key, "true")).lower() != "false")
        site = self.search_site()
        for action in self.actions_.search_sites:
            action.setChecked(action.data() == site)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("detail/splitter", self.detail.splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("table/sort", _sort_to_setting(self.table_model.sort_state))
        s.setValue("sidebar/collapsed", [str(c) for c in self.sidebar.collapsed_sections()])
        s.setValue("window/sidebar", self.actions_.toggle_sidebar.isChecked())
        s.setValue("window/details", self.actions_.toggle_details.isChecked())
        s.sync()

    # -- listing -----------------------------------------------------------------------------

    def _request(self) -> ListingRequest:
        return ListingRequest(self._source, self.search.query, self.table_model.sort_state)

    def _listing_job(self) -> Callable[[], Listing]:
        library, request, rows = self.library, self._request(), self._visible_rows()
        return lambda: resolve(library, request, preload=rows)

    def _visible_rows(self) -> int:
        """About a screenful of rows, to read along with the list."""
        height = self.table.viewport().height() or 800
        return height // max(self.table.verticalHeader().defaultSectionSize(), 1) + 2

    def refresh_listing(self) -> None:
        """Re-read the list in the background (keeps the selection)."""
        self._lists.request()

    def _listing_ready(self, result: object) -> None:
        if not isinstance(result, Listing) or self._closing:
            return
        if result.request != self._request():
            self._lists.request()  # the user moved on while it was read
            return
        self._listing = result
        self.table.show_ids(result.ids, result.terms, result.records)
        shown = self.detail.paper_id
        if shown is not None and self.table_model.row_of(shown) is None:
            self._show_current()  # the paper left the list (a search, a delete): not shown
        self.table.set_empty_text(self._empty_text(result))
        self.detail.set_terms(result.terms)
        self.search_info.show_outcome(result.outcome)
        if self._pending_select:
            wanted = [i for i in self._pending_select if self.table_model.row_of(i) is not None]
            self._pending_select = []
            if wanted:
                self.table.select_ids(wanted)
        self._update_count()
        self._update_actions()
        self.listing_applied.emit()

    def _empty_text(self, listing: Listing) -> str:
        query = listing.request.query
        if query:
            where = "" if listing.request.source == ALL_PAPERS else " here"
            return f"No papers{where} match “{query}”.\nTry fewer or other words."
        kind = listing.request.source.view
        if kind == View.ALL:
            return (
                "No papers yet.\n\nImport digests, feeds or reference files with "
                "File ▸ Import… (Ctrl+I), drop them here, or paste a digest with Ctrl+Shift+V."
            )
        return {
            View.INBOX: "The Inbox is empty: no paper waits to be triaged.",
            View.STARRED: "No starred papers yet: press S on a paper to star it.",
            View.TRASH: "The Trash is empty.",
            View.RECENT: "Nothing imported in the last 7 days.",
        }.get(kind, "No papers here.")

    def _update_count(self) -> None:
        listing = self._listing
        if listing is None:
            return
        n = len(listing.ids)
        text = f"{n:,} paper{'s' if n != 1 else ''}"
        if listing.request.query:
            text += f" match “{listing.request.query}”"
            if listing.capped and listing.outcome is not None:
                text += f" (the best {n:,} of {listing.outcome.total:,} shown)"
        selected = len(self.table.selected_ids())
        if selected > 1:
            text += f" · {selected:,} selected"
        self.count_label.setText(text)

    def _source_selected(self, source: Scope) -> None:
        self._source = source
        shelf = str(source.key) if source.view == View.SHELF else None
        manual = shelf is not None and self.shelf_actions.is_manual(shelf)
        self.table_model.shelf = shelf if manual else None
        self.refresh_listing()

    def _sort_requested(self, _sort: Sort | None) -> None:
        self.refresh_listing()

    def _query_changed(self, _text: str) -> None:
        self.refresh_listing()

    # -- sidebar -----------------------------------------------------------------------------

    def _sidebar_job(self) -> Callable[[], SidebarData]:
        library, smart = self.library, self._index_ready
        return lambda: load_sidebar(library, smart_counts=smart)

    def _sidebar_ready(self, data: object) -> None:
        if not isinstance(data, SidebarData) or self._closing:
            return
        self.sidebar.apply(data)
        self._tag_names = [t.name for t in data.tags]
        self.detail.set_known_tags(self._tag_names)
        self.table_model.set_tag_colors({t.name: t.color for t in data.tags if t.color})
        self.sidebar_applied.emit()

    # -- the current paper -------------------------------------------------------------------

    def _selection_changed(self, _ids: list[int]) -> None:
        self._show_current()
        self._update_count()
        self._update_actions()

    def _show_current(self, *, force_note: bool = False) -> None:
        selected = self.table.selected_ids()
        current = self.table.current_id()
        if len(selected) > 1 or current is None or (selected and current not in selected):
            self.detail.show_empty(len(selected))
            return
        try:
            record = self.library.paper(current)
        except LibraryError:
            self.detail.show_empty(0)
            return
        terms = self._listing.terms if self._listing is not None else ()
        self.detail.show_paper(record, terms, force_note=force_note)

    def _open_detail(self, _paper_id: int) -> None:
        if not self.actions_.toggle_details.isChecked():
            self.actions_.toggle_details.setChecked(True)
        sizes = self.splitter.sizes()
        if sizes[2] == 0:
            digit = self.fontMetrics().horizontalAdvance("0")
            self.splitter.setSizes([sizes[0], max(sizes[1] - 60 * digit, 40 * digit), 60 * digit])
        self.detail.abstract.setFocus()

    def _back_to_table(self) -> None:
        self.detail.notes.flush()
        self.table.setFocus()

    def show_paper(self, paper_id: int) -> None:
        """Select ``paper_id``, switching to All papers (and clearing the search) if needed."""
        if self.table_model.row_of(paper_id) is not None:
            self.table.select_ids([paper_id], current=paper_id)
            return
        self._pending_select = [paper_id]
        if self.search.query:
            self.search.set_query("")
        if self._source != ALL_PAPERS and not self.sidebar.select_source(ALL_PAPERS):
            self._source = ALL_PAPERS
        self.refresh_listing()

    def _table_menu(self, pos: QPoint) -> None:
        a = self.actions_
        if not self.table.action_ids():
            return
        menu = QMenu(self)
        for action in (a.star, a.tag, a.edit_note):
            menu.addAction(action)
        status = menu.addMenu("Read Status")
        for action in (a.cycle_status, a.mark_unread, a.mark_skimmed, a.mark_read):
            status.addAction(action)
        menu.addAction(a.open_link)
        menu.addSeparator()
        menu.addAction(a.restore if self._source == TRASH else a.trash)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- edits -------------------------------------------------------------------------------

    def _push(self, command: QUndoCommand) -> None:
        if not isinstance(command, NoteCommand):
            # The note being typed is saved first: undo steps keep the order they happened
            # in, and a big edit's progress dialog taking the focus cannot save in between.
            self.detail.notes.flush()
        self.undo_stack.push(command)

    def _ids_or_hint(self) -> list[int]:
        ids = self.table.action_ids()
        if not ids:
            self.statusBar().showMessage("Select a paper first", 3000)
        return ids

    def toggle_star(self) -> None:
        ids = self._ids_or_hint()
        if not ids:
            return
        current = self.table.current_id()
        lead = current if current in ids else ids[0]
        record = self.table_model.cached(lead) or self.library.paper(lead)
        self._push(StarCommand(self.ops, ids, not record.starred))

    def cycle_status(self) -> None:
        ids = self._ids_or_hint()
        if not ids:
            return
        current = self.table.current_id()
        lead = current if current in ids else ids[0]
        record = self.table_model.cached(lead) or self.library.paper(lead)
        self._push(StatusCommand(self.ops, ids, record.read_status.next()))

    def set_status(self, status: ReadStatus) -> None:
        ids = self._ids_or_hint()
        if ids:
            self._push(StatusCommand(self.ops, ids, status))

    def tag_selected(self) -> None:
        ids = self._ids_or_hint()
        if not ids:
            return
        record = self.library.paper(ids[0]) if len(ids) == 1 else None
        dialog = TagDialog(
            self._tag_names,
            count=len(ids),
            current=record.tags if record else (),
            title=record.title if record else "",
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tag_dialog = dialog

        def done() -> None:
            tags = dialog.tags()
            if record is not None:
                if not same_tags(tags, record.tags):
                    self._push(SetTagsCommand(self.ops, record.id, record.tags, tags))
            elif tags:
                self._push(AddTagsCommand(self.ops, ids, tags))

        dialog.accepted.connect(done)
        dialog.open()

    def _tags_edited(self, paper_id: int, before: list[str], after: list[str]) -> None:
        if not same_tags(before, after):
            self._push(SetTagsCommand(self.ops, paper_id, before, after))

    def _note_saved(self, paper_id: int, before: str, after: str, version: int) -> None:
        errors, conflicts = self._errors, self._conflicts
        # (A merged command is deleted by the stack: never touch it after the push.)
        self._push(NoteCommand(self.ops, paper_id, before, after, version))
        if self._errors != errors or self._conflicts != conflicts:
            self.detail.notes.saved_failed(before)

    def _note_conflict(self, paper_id: int, mine: str, conflict: object) -> None:
        """Someone saved this note since the editor loaded it: ask (after the failed save has
        left the undo stack), keeping both texts by default."""
        self._conflicts += 1
        assert isinstance(conflict, EditConflict)
        QTimer.singleShot(0, lambda: self._resolve_note_conflict(paper_id, mine, conflict))

    def _resolve_note_conflict(self, paper_id: int, mine: str, conflict: EditConflict) -> None:
        from readinglist.gui import note_conflict

        choice = note_conflict.resolve_conflict(self, conflict, mine)
        if choice is note_conflict.ConflictChoice.KEEP_EDITING:
            return
        try:
            theirs = self.library.paper(paper_id)
        except LibraryError as err:
            self._show_error(str(err))
            return
        if choice is note_conflict.ConflictChoice.KEEP_BOTH:
            text = theirs.note.rstrip() + NOTE_SEPARATOR + mine.strip()
        elif choice is note_conflict.ConflictChoice.OVERWRITE:
            text = mine
        else:  # their version stays; mine went to the clipboard
            text = theirs.note
        if text != theirs.note:
            self._push(NoteCommand(self.ops, paper_id, theirs.note, text, theirs.note_version))
        if self.detail.paper_id == paper_id:
            self._show_current(force_note=True)

    def trash_selected(self) -> None:
        ids = self._ids_or_hint()
        if not ids:
            return
        if self._source == TRASH:
            self.statusBar().showMessage(
                "Already in the Trash: Edit ▸ Restore from Trash puts papers back", 5000
            )
            return
        shelf = self.table_model.shelf
        if shelf is not None and self._source == Scope(View.SHELF, shelf):
            self.shelf_actions.remove(shelf, ids)  # Delete on a shelf: off the shelf only
            return
        self._push(TrashCommand(self.ops, ids))

    def restore_selected(self) -> None:
        ids = self._ids_or_hint()
        if ids:
            self._push(RestoreCommand(self.ops, ids))

    def edit_note(self) -> None:
        if self.detail.paper_id is None:
            self.statusBar().showMessage("Select one paper to write its note", 3000)
            return
        self._open_detail(self.detail.paper_id)
        self.detail.notes.edit()

    def open_link(self) -> None:
        """O: the paper's page (arXiv, else its first link, else a search for its title)."""
        ids = self._ids_or_hint()
        if not ids:
            return
        record = self.library.paper(ids[0])
        url = paper_page(record.title, record.links, record.arxiv_id, self.search_site())
        if not open_web_url(QUrl(url)):
            self.statusBar().showMessage(f"Could not open {url}", 5000)

    def search_site(self) -> str:
        """Where O searches for a paper without an arXiv id or a link (a setting)."""
        return search_site(str(self.settings.value(SEARCH_SITE_SETTING, "") or "")).key

    def set_search_site(self, key: str) -> None:
        self.settings.setValue(SEARCH_SITE_SETTING, search_site(key).key)
        for action in self.actions_.search_sites:
            action.setChecked(action.data() == key)

    def undo(self) -> None:
        self.detail.notes.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.detail.notes.flush()
        self.undo_stack.redo()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- reacting to changes -----------------------------------------------------------------

    def _changed(self, update: Update) -> None:
        """Refresh what ``update`` touched: its rows, the list, the counts, the detail pane."""
        changes = update.changes
        if update.reload:
            self.table_model.invalidate()
        else:
            self.table_model.refresh_papers(changes.papers)
        current = self.detail.paper_id
        touched = current is not None and (update.reload or current in changes.papers)
        if touched and not update.from_editor:
            self._show_current(force_note=not update.external)
        if update.reload or not changes.empty:
            self.refresh_listing()
            self._counts.request()
        self._update_actions()

    def _changed_elsewhere(self, update: Update) -> None:
        self.ops.announce(update)

    def _watch(self, library: Library) -> ChangeWatcher:
        watcher = ChangeWatcher(library, self, **self._poll_kwargs)
        watcher.changed_elsewhere.connect(self._changed_elsewhere)
        return watcher

    # -- restoring a backup: close the library, restore, open it again -------------------------

    def restore_backup(self, backup: Path) -> RestoreResult:
        """Restore ``backup`` over this window's library and go on with the restored one.

        The library is closed first (no connection writes into the replaced file), the
        restore runs under the instance lock this window holds, and the library is opened
        again whatever happened, so every later edit lands in the library on disk.
        """
        from readinglist.library import Library
        from readinglist.maintenance import backup as backups

        location = self.library.location
        self.detail.notes.flush()
        self.watcher.stop()
        self.tasks.shutdown(5000)
        self.library.close()
        try:
            return backups.restore_backup(location, backup, lock=self.instance_lock)
        finally:
            self._adopt(Library.open(location, sync_index=False, daily_backup=False))

    def release(self) -> None:
        """Close the library (the one in use: a restore reopens it) and let its lock go."""
        self.library.close()
        if self.instance_lock is not None:
            self.instance_lock.release()

    def _adopt(self, library: Library) -> None:
        """Go on with ``library`` (reopened after a restore): every view reads it afresh."""
        self.library = library
        self.ops.library = library
        self.table_model.library = library
        self.tools.shelves = Shelves(library)
        self.watcher.deleteLater()
        self.watcher = self._watch(library)
        self.undo_stack.clear()  # its steps name papers of the library that was replaced
        self._index_ready = False
        self.ops.announce(RELOAD)
        self.start_background_work()

    def _show_error(self, message: str) -> None:
        self._errors += 1
        self.statusBar().showMessage(message, 8000)
        QMessageBox.warning(self, "readinglist", message)

    def _update_actions(self) -> None:
        has = bool(self.table.action_ids())
        for action in self.actions_.paper_actions():
            action.setEnabled(has)
        self.actions_.restore.setEnabled(has and self._source == TRASH)
        self.actions_.trash.setEnabled(has and self._source != TRASH)
        on_shelf = self.table_model.shelf is not None
        self.actions_.trash.setText("Remove from Shel&f" if on_shelf else "Move to &Trash")

    # -- similar papers ----------------------------------------------------------------------

    def _find_similar(self, paper_id: int) -> None:
        library = self.library

        def work(_progress: ProgressReport, _cancelled: CancelCheck) -> list[SimilarItem]:
            similar = getattr(library, "similar", None)  # arrives with the search work
            if similar is None:
                return []
            found = similar(paper_id, limit=SIMILAR_LIMIT)
            titles = {r.id: r.title for r in library.papers([s.id for s in found])}
            return [
                SimilarItem(s.id, titles[s.id], tuple(s.shared_terms))
                for s in found
                if s.id in titles
            ]

        handle = self.tasks.run(work)
        handle.finished.connect(lambda items: self.detail.show_similar(paper_id, items))

    # -- importing ---------------------------------------------------------------------------

    def import_digests(self) -> None:
        """File > Import…: a native multi-file dialog, then the import dialog."""
        from readinglist.gui.import_dialog import FILE_FILTER

        start = str(self.settings.value("import/last_folder", "") or "") or str(Path.home())
        paths, _filter = QFileDialog.getOpenFileNames(self, "Import", start, FILE_FILTER)
        if paths:
            self.settings.setValue("import/last_folder", str(Path(paths[0]).parent))
            self.open_import([Path(p) for p in paths])

    def paste_digest(self) -> None:
        clipboard = QGuiApplication.clipboard()
        text = clipboard.text() if clipboard is not None else ""
        if not text.strip():
            self.statusBar().showMessage("The clipboard holds no text to import", 4000)
            return
        self.open_import([], text=text)

    def open_import(self, paths: Sequence[Path], *, text: str | None = None) -> ImportDialog:
        from readinglist.gui.import_dialog import ImportDialog

        dialog = ImportDialog(self.library, paths, text=text, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        folder = str(self.settings.value("import/last_folder", "") or "")
        if folder:
            dialog.start_folder = Path(folder)
        dialog.imported.connect(self._imported)
        dialog.show_papers.connect(self._show_imported)
        dialog.finished.connect(lambda _r: self._remember_folder(dialog.last_folder))
        self.import_dialog = dialog
        dialog.open()
        return dialog

    def _remember_folder(self, folder: Path | None) -> None:
        if folder is not None:
            self.settings.setValue("import/last_folder", str(folder))

    def _imported(self, changes: Changes | None) -> None:
        self.ops.announce(RELOAD if changes is None else Update(changes))

    def _show_imported(self, ids: list[int]) -> None:
        self._pending_select = list(ids)
        if self.search.query:
            self.search.set_query("")
        if not self.sidebar.select_source(RECENT):
            self.refresh_listing()

    # QWidget.dragEnterEvent override: digest files dragged from a file manager
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from readinglist.gui.import_dialog import digest_paths_from_mime

        mime = event.mimeData()
        if mime is not None and digest_paths_from_mime(mime):
            event.acceptProposedAction()
        else:
            event.ignore()

    # QWidget.dropEvent override
    def dropEvent(self, event: QDropEvent) -> None:
        from readinglist.gui.import_dialog import digest_paths_from_mime

        mime = event.mimeData()
        paths = digest_paths_from_mime(mime) if mime is not None else []
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        # After the drop returns: a modal dialog inside a drop handler stalls the source.
        QTimer.singleShot(0, lambda: self.open_import(paths))

    # -- background index work ---------------------------------------------------------------

    def start_background_work(self) -> None:
        """Index sync, then the daily backup, off the GUI thread (called once shown)."""
        from readinglist.maintenance import onopen

        library = self.library

        def job(progress: Progress) -> int:
            written = library.sync_index(progress)
            onopen.daily(library)  # at most once a day; logs (never raises) a failure
            return written

        self._run_index_job(job, "Updating the search index…")

    def rebuild_index(self) -> None:
        self._run_index_job(self.library.reindex, "Rebuilding the search index…")

    def _run_index_job(self, job: Callable[[Progress], int], message: str) -> None:
        def work(progress: ProgressReport, _cancelled: CancelCheck) -> int:
            return int(job(lambda done, total: progress(done, total, message)))

        self.busy_bar.setRange(0, 0)
        self.busy_bar.show()
        self.busy_bar.setToolTip(message)
        handle = self.tasks.run(work)
        handle.progress.connect(self._index_progress)
        handle.finished.connect(self._index_done)
        handle.failed.connect(self._index_failed)

    def _index_progress(self, done: int, total: int, message: str) -> None:
        self.busy_bar.setRange(0, max(total, 0))
        self.busy_bar.setValue(done)
        self.statusBar().showMessage(message)

    def _index_done(self, _written: object) -> None:
        self.busy_bar.hide()
        self.statusBar().clearMessage()
        self._index_ready = True
        self._counts.request()  # smart shelves can now be counted
        if self.search.query:
            self.refresh_listing()

    def _index_failed(self, message: str) -> None:
        self.busy_bar.hide()
        self.statusBar().showMessage(f"The search index could not be updated: {message}", 10000)

    # -- help --------------------------------------------------------------------------------

    def show_search_help(self) -> None:
        from readinglist import querylang

        doc = querylang.__doc__ or ""
        start = doc.find("Grammar by example")
        text = doc[start:] if start >= 0 else doc
        box = QMessageBox(self)
        box.setWindowTitle("Search Syntax")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<pre>{html.escape(text.strip())}</pre>")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About readinglist",
            f"<b>readinglist {__version__}</b><p>Keep the papers that matter from your daily "
            f"digests.</p><p>Library: {html.escape(str(self.library.location))}</p>",
        )

    # -- closing -----------------------------------------------------------------------------

    # QWidget.closeEvent override: save the note being typed, the looks, stop background work
    def closeEvent(self, event: QCloseEvent) -> None:
        self.detail.notes.flush()
        self.save_settings()
        self._closing = True
        self.watcher.stop()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.close()  # an import in progress stops after its current file
        self.tasks.shutdown(2000)
        super().closeEvent(event)


def _sort_to_setting(sort: Sort | None) -> str:
    return "" if sort is None else f"{sort.key}:{'desc' if sort.descending else 'asc'}"


def _sort_from_setting(text: str) -> Sort | None:
    key, _, direction = text.partition(":")
    if key not in SORT_KEYS:
        return None
    return Sort(key, direction == "desc")
