"""The sidebar: Library views, Shelves, Tags and Digests, each with a count.

:func:`load_sidebar` reads everything the sidebar shows (services only, so it runs on a
worker thread); :class:`SidebarModel` mirrors it, updating counts in place and replacing
only the sections whose entries changed, so the view keeps its selection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from readinglist.core import Resolver, Scope, View
from readinglist.digest import title_key
from readinglist.gui import icons
from readinglist.gui.paper_drag import PAPER_IDS_MIME, read_drag
from readinglist.gui.sources import (
    ALL_PAPERS,
    DISMISSED,
    INBOX,
    RECENT,
    STARRED,
    TRASH,
    status_source,
)
from readinglist.records import ReadStatus, ShelfKind
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from readinglist.gui.shelf_actions import ShelfActions
    from readinglist.library import Library
    from readinglist.records import DigestInfo, ShelfInfo, TagInfo

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument
SourceRole = Qt.ItemDataRole.UserRole + 1
CountRole = Qt.ItemDataRole.UserRole + 2


class Section(IntEnum):
    LIBRARY = 0
    SHELVES = 1
    TAGS = 2
    DIGESTS = 3


SECTION_TITLES = {
    Section.LIBRARY: "Library",
    Section.SHELVES: "Shelves",
    Section.TAGS: "Tags",
    Section.DIGESTS: "Digests",
}
EMPTY_TEXT = {
    Section.SHELVES: "No shelves yet",
    Section.TAGS: "No tags yet",
    Section.DIGESTS: "No digests yet",
}

LIBRARY_ENTRIES: tuple[tuple[Scope, str, str], ...] = (
    (ALL_PAPERS, "All papers", "Every paper in the library"),
    (INBOX, "Inbox", "Imported and not yet triaged"),
    (STARRED, "Starred", "Papers you starred"),
    (status_source(ReadStatus.UNREAD), "Unread", "Papers not read yet"),
    (status_source(ReadStatus.SKIMMED), "Skimmed", "Papers you skimmed"),
    (status_source(ReadStatus.READ), "Read", "Papers you read"),
    (RECENT, "Recently imported", "Added in the last 7 days"),
    (DISMISSED, "Dismissed", "Papers you dismissed in triage; the other lists leave them out"),
    (TRASH, "Trash", "Deleted papers: restorable with their tags and notes"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One row under a section."""

    source: Scope | None  # None: a placeholder ("No shelves yet")
    label: str
    count: int | None = None
    tooltip: str = ""
    icon: str = ""  # a key for SidebarModel._icon
    color: str | None = None


@dataclass(frozen=True, slots=True)
class SidebarData:
    """Everything the sidebar shows, read in one go."""

    counts: dict[Scope, int] = field(default_factory=dict)
    shelves: list[ShelfInfo] = field(default_factory=list)
    tags: list[TagInfo] = field(default_factory=list)
    digests: list[DigestInfo] = field(default_factory=list)
    shelf_counts: dict[int, int] = field(default_factory=dict)  # by id; missing: not known yet


def load_sidebar(library: Library, *, smart_counts: bool = False) -> SidebarData:
    """Counts and lists for the sidebar (services only: safe on a worker thread).

    Every count is the scope resolver's, so it matches the list the entry shows. Smart
    shelves whose query needs the search index are counted only with ``smart_counts``
    (the window asks for them once the index is in use anyway).
    """
    resolver = Resolver(library)
    counts = {source: resolver.count(source) for source, _, _ in LIBRARY_ENTRIES}
    shelf_counts = resolver.shelf_counts(search=smart_counts)
    shelves = Shelves(library).list(count_smart=False)
    return SidebarData(counts, shelves, library.tags(), library.digests(), shelf_counts)


def entries_for(data: SidebarData) -> dict[Section, list[Entry]]:
    library = [
        Entry(source, label, data.counts.get(source), tip, f"lib:{source.to_setting()}")
        for source, label, tip in LIBRARY_ENTRIES
    ]
    shelves = [
        Entry(
            Scope(View.SHELF, s.name),
            s.name,
            data.shelf_counts.get(s.id),
            f"Smart shelf: {s.query}" if s.kind == ShelfKind.SMART else "Shelf",
            "smart" if s.kind == ShelfKind.SMART else "shelf",
        )
        for s in data.shelves
    ]
    tags = [
        Entry(Scope(View.TAG, t.name), t.name, t.count, f"Tag “{t.name}”", "tag", t.color)
        for t in data.tags
    ]
    labels = _digest_labels(data.digests)
    digests = [
        Entry(
            Scope(View.DIGEST, d.id),
            labels[d.id],
            d.paper_count,
            f"{d.file_name}: {d.entry_count} entries, imported "
            f"{d.imported_at.astimezone().strftime('%Y-%m-%d %H:%M')}",
            "digest",
        )
        for d in data.digests
    ]
    out = {
        Section.LIBRARY: library,
        Section.SHELVES: shelves,
        Section.TAGS: tags,
        Section.DIGESTS: digests,
    }
    for section, text in EMPTY_TEXT.items():
        if not out[section]:
            out[section] = [Entry(None, text)]
    return out


def manual_shelf(entry: Entry | None) -> str | None:
    """The name of the manual shelf ``entry`` shows (None: not a shelf, or a smart one)."""
    if entry is None or entry.source is None or entry.source.view != View.SHELF:
        return None
    return str(entry.source.key) if entry.icon == "shelf" else None


def _digest_labels(digests: list[DigestInfo]) -> dict[int, str]:
    """Each digest's date; digests sharing a date are numbered so they can be told apart."""
    labels = {d.id: _digest_label(d) for d in digests}
    seen: dict[str, int] = {}
    total: dict[str, int] = {}
    for label in labels.values():
        total[label] = total.get(label, 0) + 1
    for d in reversed(digests):  # oldest first gets (1)
        label = labels[d.id]
        if total[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            labels[d.id] = f"{label} ({seen[label]})"
    return labels


def _digest_label(d: DigestInfo) -> str:
    if d.date is not None:
        return f"{d.date:%b} {d.date.day}, {d.date.year}"
    return d.date_label or d.file_name


class SidebarModel(QAbstractItemModel):
    """Two levels: the four sections, and their entries (internalId = section + 1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[Section, list[Entry]] = entries_for(SidebarData())
        self._icons: dict[str, QIcon] = {}
        self.shelf_actions: ShelfActions | None = None  # set by the window: drops edit shelves

    # -- updating ----------------------------------------------------------------------------

    def apply(self, data: SidebarData) -> None:
        """Show ``data``: counts change in place; a section whose entries differ is replaced."""
        for section, new in entries_for(data).items():
            old = self._entries[section]
            parent = self.index(section, 0)
            if [e.source for e in old] == [e.source for e in new]:
                self._entries[section] = new
                if old != new:
                    self.dataChanged.emit(
                        self.index(0, 0, parent), self.index(len(new) - 1, 0, parent)
                    )
                continue
            self.beginRemoveRows(parent, 0, len(old) - 1)
            try:
                self._entries[section] = []
            finally:
                self.endRemoveRows()
            self.beginInsertRows(parent, 0, len(new) - 1)
            try:
                self._entries[section] = new
            finally:
                self.endInsertRows()

    def refresh_icons(self) -> None:
        """Repaint icons drawn from the palette (the theme changed)."""
        self._icons.clear()
        for section in Section:
            rows = len(self._entries[section])
            if rows:
                parent = self.index(section, 0)
                self.dataChanged.emit(self.index(0, 0, parent), self.index(rows - 1, 0, parent))

    def entry(self, index: ModelIndex) -> Entry | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        section = Section(index.internalId() - 1)
        rows = self._entries[section]
        return rows[index.row()] if 0 <= index.row() < len(rows) else None

    def index_of(self, source: Scope) -> QModelIndex:
        for section in Section:
            for row, entry in enumerate(self._entries[section]):
                if entry.source == source:
                    return self.index(row, 0, self.index(section, 0))
        return QModelIndex()

    def entries(self, section: Section) -> list[Entry]:
        return list(self._entries[section])

    # -- QAbstractItemModel ------------------------------------------------------------------

    # QAbstractItemModel.index override
    def index(self, row: int, column: int, parent: ModelIndex = _ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(Section) else QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()
        section = Section(parent.row())
        if row >= len(self._entries[section]):
            return QModelIndex()
        return self.createIndex(row, 0, section + 1)

    # QAbstractItemModel.parent override
    def parent(self, child: ModelIndex) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    # QAbstractItemModel.rowCount override
    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(Section)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._entries[Section(parent.row())])
        return 0

    # QAbstractItemModel.columnCount override
    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 1

    # QAbstractItemModel.flags override
    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        entry = self.entry(index)
        if entry is None or entry.source is None:
            return Qt.ItemFlag.ItemNeverHasChildren
        drop = (
            Qt.ItemFlag.ItemIsDropEnabled
            if manual_shelf(entry) is not None
            else Qt.ItemFlag.NoItemFlags
        )
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | drop
        )

    # -- drops: papers onto a manual shelf ---------------------------------------------------

    # QAbstractItemModel.mimeTypes override
    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME]

    # QAbstractItemModel.supportedDropActions override
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def _drop_target(
        self, data: QMimeData, action: Qt.DropAction, row: int, parent: ModelIndex
    ) -> str | None:
        """The shelf a drop would edit, or None when the drop makes no sense."""
        if self.shelf_actions is None or row != -1:  # onto an entry, never between
            return None
        target = manual_shelf(self.entry(parent))
        drag = read_drag(data)
        if target is None or drag is None:
            return None
        same = drag.shelf is not None and title_key(drag.shelf) == title_key(target)
        if action == Qt.DropAction.CopyAction:
            return None if same else target
        if action == Qt.DropAction.MoveAction:
            return target if drag.shelf is not None and not same else None
        return None

    # QAbstractItemModel.canDropMimeData override
    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        return self._drop_target(data, action, row, parent) is not None

    # QAbstractItemModel.dropMimeData override: Copy adds, Move (Shift) transfers
    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        target = self._drop_target(data, action, row, parent)
        drag = read_drag(data)
        if target is None or drag is None or self.shelf_actions is None:
            return False
        if action == Qt.DropAction.MoveAction and drag.shelf is not None:
            return self.shelf_actions.transfer(drag.shelf, target, drag.ids)
        return self.shelf_actions.add(target, drag.ids)

    # QAbstractItemModel.data override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._section_data(Section(index.row()), role)
        entry = self.entry(index)
        if entry is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.tooltip or None
        if role == Qt.ItemDataRole.DecorationRole and entry.source is not None:
            return self._icon(entry)
        if role == CountRole:
            return entry.count
        if role == SourceRole:
            return entry.source
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return entry.label if entry.count is None else f"{entry.label}, {entry.count}"
        if role == Qt.ItemDataRole.FontRole and entry.source is None:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and entry.source is None:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def _section_data(self, section: Section, role: int) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return SECTION_TITLES[section]
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def _icon(self, entry: Entry) -> QIcon:
        key = entry.icon if entry.icon != "tag" else f"tag:{entry.color}"
        icon = self._icons.get(key)
        if icon is None:
            icon = self._icons[key] = _make_icon(entry)
        return icon


def _make_icon(entry: Entry) -> QIcon:
    sp = QStyle.StandardPixmap
    source = entry.source
    if entry.icon == "tag":
        return icons.dot(entry.color)
    if entry.icon == "shelf":
        return icons.themed("folder", sp.SP_DirIcon)
    if entry.icon == "smart":
        return icons.themed("folder-saved-search", sp.SP_FileDialogContentsView)
    if entry.icon == "digest":
        return icons.themed("text-x-generic", sp.SP_FileIcon)
    assert source is not None
    if source.view == View.STATUS:
        fraction = {"unread": 0.0, "skimmed": 0.5, "read": 1.0}[str(source.key)]
        return icons.status(fraction)
    if source.view == View.STARRED:
        return icons.star()
    themed = {
        View.ALL: ("view-list-details", sp.SP_FileDialogListView),
        View.INBOX: ("mail-folder-inbox", sp.SP_DialogOpenButton),
        View.RECENT: ("document-open-recent", sp.SP_BrowserReload),
        View.TRASH: ("user-trash", sp.SP_TrashIcon),
        View.DISMISSED: ("mail-mark-junk", sp.SP_DialogDiscardButton),
    }
    name, fallback = themed[source.view]
    return icons.themed(name, fallback)


class CountDelegate(QStyledItemDelegate):
    """Draws an entry's count right-aligned in a muted colour, the label elided before it."""

    # QStyledItemDelegate.paint override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        count = index.data(CountRole)
        if count is None:
            super().paint(painter, option, index)
            return
        text = f"{count:,}"
        metrics = option.fontMetrics
        width = metrics.horizontalAdvance(text) + 8
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        widget = full.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The row's background (selection, hover) across the full width, count included.
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, full, painter, widget)
        opt = QStyleOptionViewItem(option)
        opt.rect = option.rect.adjusted(0, 0, -width, 0)
        super().paint(painter, opt, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        rect: QRect = option.rect
        painter.save()
        painter.setPen(palette.color(role))
        painter.drawText(
            rect.adjusted(0, 0, -6, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            text,
        )
        painter.restore()

    # QStyledItemDelegate.sizeHint override: a little air between rows
    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), option.fontMetrics.height() + 8))


class SidebarView(QTreeView):
    """The sidebar's tree; emits :attr:`source_selected` when the user picks an entry."""

    source_selected = Signal(object)  # Scope

    def __init__(self, model: SidebarModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._model = model
        self.setModel(model)
        self.setHeaderHidden(True)
        self.setItemDelegate(CountDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.setIndentation(12)
        self.setAnimated(False)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(True)
        self.setDragDropOverwriteMode(True)  # papers land on a shelf, never between two
        self.expandAll()
        self._current: Scope = ALL_PAPERS
        self._restoring = False
        sm = self.selectionModel()
        assert sm is not None
        sm.currentChanged.connect(self._current_changed)

    @property
    def current_source(self) -> Scope:
        return self._current

    def select_source(self, source: Scope) -> bool:
        """Make ``source`` the current entry (emitting source_selected); False if not listed."""
        index = self._model.index_of(source)
        if not index.isValid():
            return False
        self.setCurrentIndex(index)
        return True

    def apply(self, data: SidebarData) -> None:
        """Show fresh data, keeping the current entry (or falling back to All papers)."""
        self._restoring = True
        try:
            self._model.apply(data)
            index = self._model.index_of(self._current)
            if index.isValid():
                sm = self.selectionModel()
                assert sm is not None
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
                sm.setCurrentIndex(index, flags)
        finally:
            self._restoring = False
        if not self._model.index_of(self._current).isValid():
            # The shelf, tag or digest shown is gone (deleted elsewhere).
            self.select_source(ALL_PAPERS)

    def collapsed_sections(self) -> list[int]:
        return [s for s in Section if not self.isExpanded(self._model.index(s, 0))]

    def set_collapsed_sections(self, sections: list[int]) -> None:
        for s in Section:
            self.setExpanded(self._model.index(s, 0), s not in sections)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        entry = self._model.entry(current)
        if entry is None or entry.source is None or self._restoring:
            return
        if entry.source != self._current:
            self._current = entry.source
            self.source_selected.emit(entry.source)

    # QWidget.changeEvent override: redraw palette-drawn icons when the theme changes
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._model.refresh_icons()
        super().changeEvent(event)
