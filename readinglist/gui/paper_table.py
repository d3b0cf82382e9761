"""The paper table: a lazy model over paper ids, its title delegate and the view.

The model holds the ids a listing resolved to, exposes them page by page
(``canFetchMore``/``fetchMore``) and loads records only for the rows the view asks about,
a batch at a time, into a bounded cache. A 100,000-paper library therefore opens by
reading ids, not abstracts.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from readinglist.digest import title_key
from readinglist.gui import icons
from readinglist.gui.highlight import runs, term_pattern
from readinglist.gui.listing import Sort
from readinglist.gui.paper_drag import PAPER_IDS_MIME, PaperDrag, paper_mime, read_drag
from readinglist.records import ReadStatus

if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Mapping, Sequence

    from readinglist.gui.shelf_actions import ShelfActions
    from readinglist.library import Library
    from readinglist.records import PaperRecord

ModelIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root, as a default argument


class Column(IntEnum):
    STAR = 0
    TITLE = 1
    STATUS = 2
    PUBLISHED = 3
    UPVOTES = 4
    SEEN = 5
    TAGS = 6
    ADDED = 7


HEADERS = {
    Column.STAR: "★",
    Column.TITLE: "Title",
    Column.STATUS: "Status",
    Column.PUBLISHED: "Published",
    Column.UPVOTES: "Upvotes",
    Column.SEEN: "Seen in",
    Column.TAGS: "Tags",
    Column.ADDED: "Added",
}
TOOLTIPS = {
    Column.STAR: "Starred",
    Column.UPVOTES: "Upvotes in the latest digest that listed the paper",
    Column.SEEN: "In how many digests the paper appeared",
}
SORT_KEYS = {
    Column.STAR: "starred",
    Column.TITLE: "title",
    Column.STATUS: "status",
    Column.PUBLISHED: "published",
    Column.UPVOTES: "upvotes",
    Column.SEEN: "seen",
    Column.TAGS: "tags",
    Column.ADDED: "added",
}
HIDDEN_BY_DEFAULT = (Column.STATUS,)
"""Read status shows as dimmed titles (read) and in the detail pane; the column is optional."""
DESCENDING_FIRST = {Column.STAR, Column.PUBLISHED, Column.UPVOTES, Column.SEEN, Column.ADDED}
"""Columns whose first click should show the most first (stars, newest, most upvoted)."""

PAGE = 2_000
"""Rows exposed per fetchMore: the view asks for more as the user scrolls down."""
BATCH_BEFORE, BATCH_AFTER = 20, 80
"""A missing row loads this window of neighbours with it (the view paints downwards)."""
CACHE_LIMIT = 5_000
"""Records kept at most; the oldest are dropped first."""
DRAG_TEXT_LIMIT = 5_000
"""A drag's Markdown and links cover at most this many papers (the ids cover all)."""

PaperIdRole = Qt.ItemDataRole.UserRole + 1


class PaperTableModel(QAbstractTableModel):
    """Rows are paper ids; records are fetched from the library on demand, never all."""

    sort_requested = Signal(object)  # Sort | None

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._ids: list[int] = []
        self._exposed = 0
        self._rows: dict[int, int] | None = None  # id -> row, built when first needed
        self._cache: OrderedDict[int, PaperRecord | None] = OrderedDict()
        self.pattern: re.Pattern[str] | None = None
        self.sort_state: Sort | None = None
        self._tag_colors: dict[str, str] = {}
        self._dots: dict[str, QIcon] = {}
        self.shelf: str | None = None  # the manual shelf listed: rows can be reordered
        self.shelf_actions: ShelfActions | None = None  # set by the window: drops edit shelves

    # -- the ids ---------------------------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return self._ids

    def paper_id(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, paper_id: int) -> int | None:
        if self._rows is None:
            self._rows = {pid: n for n, pid in enumerate(self._ids)}
        return self._rows.get(paper_id)

    def set_ids(
        self,
        ids: Sequence[int],
        terms: Iterable[str] = (),
        records: Mapping[int, PaperRecord] | None = None,
    ) -> bool:
        """Show ``ids``; returns True when the rows were reset (selections must be restored).

        Rows that merely disappeared are removed in place, so that the view keeps its
        selection and scroll position; anything else resets the model. ``records`` read
        with the ids (fresher than any cached) fill the cache.
        """
        new = list(ids)
        for paper_id, record in (records or {}).items():
            self._cache[paper_id] = record
            self._cache.move_to_end(paper_id)
        pattern = term_pattern(terms)
        pattern_changed = (pattern.pattern if pattern else None) != (
            self.pattern.pattern if self.pattern else None
        )
        self.pattern = pattern
        if new == self._ids:
            if pattern_changed and self._exposed:
                self._emit_changed(0, self._exposed - 1, [Column.TITLE])
            return False
        if _is_subsequence(new, self._ids):
            self._remove_missing(set(new))
            if pattern_changed and self._exposed:
                self._emit_changed(0, self._exposed - 1, [Column.TITLE])
            return False
        self.beginResetModel()
        try:
            self._ids = new
            self._rows = None
            self._exposed = min(len(new), max(PAGE, self._exposed))
        finally:
            self.endResetModel()
        return True

    def _remove_missing(self, keep: set[int]) -> None:
        gone = [n for n, pid in enumerate(self._ids) if pid not in keep]
        # Contiguous runs, removed from the bottom up so the row numbers stay valid.
        for first, last in reversed(_runs(gone)):
            if first < self._exposed:
                shown_last = min(last, self._exposed - 1)
                self.beginRemoveRows(QModelIndex(), first, shown_last)
                try:
                    del self._ids[first : last + 1]
                    self._exposed -= shown_last - first + 1
                    self._rows = None
                finally:
                    self.endRemoveRows()
            else:
                del self._ids[first : last + 1]
                self._rows = None

    def expose_all(self) -> None:
        """Make every id a row (Select All must select the whole listing)."""
        while self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def expose_row_of(self, paper_id: int) -> int | None:
        """The row of ``paper_id``, exposing pages until it is shown; None if not listed."""
        row = self.row_of(paper_id)
        while row is not None and row >= self._exposed:
            self.fetchMore(QModelIndex())
        return row

    # -- records ---------------------------------------------------------------------------

    def record(self, row: int) -> PaperRecord | None:
        """The record at ``row``, loading it (and its neighbours) when not cached."""
        if not 0 <= row < len(self._ids):
            return None
        paper_id = self._ids[row]
        if paper_id in self._cache:
            self._cache.move_to_end(paper_id)
            return self._cache[paper_id]
        self._load(range(max(0, row - BATCH_BEFORE), min(self._exposed, row + BATCH_AFTER)), row)
        return self._cache.get(paper_id)

    def cached(self, paper_id: int) -> PaperRecord | None:
        return self._cache.get(paper_id)

    def _load(self, rows: range, wanted_row: int) -> None:
        want = [self._ids[r] for r in rows if self._ids[r] not in self._cache]
        if self._ids[wanted_row] not in want:
            want.append(self._ids[wanted_row])
        found = {r.id: r for r in self.library.papers(want)}
        for paper_id in want:
            # None marks a paper gone from the library since the listing was made.
            self._cache[paper_id] = found.get(paper_id)
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)

    def refresh_papers(self, ids: Iterable[int]) -> None:
        """Reload the cached records of ``ids`` and repaint their rows."""
        stale = [i for i in ids if i in self._cache]
        if not stale:
            return
        found = {r.id: r for r in self.library.papers(stale)}
        rows = []
        for paper_id in stale:
            self._cache[paper_id] = found.get(paper_id)
            row = self.row_of(paper_id)
            if row is not None and row < self._exposed:
                rows.append(row)
        for first, last in _runs(sorted(rows)):
            self._emit_changed(first, last)

    def set_tag_colors(self, colors: Mapping[str, str]) -> None:
        """Tag name -> colour, for the dot before a paper's tags."""
        if dict(colors) != self._tag_colors:
            self._tag_colors = dict(colors)
            self._dots.clear()
            if self._exposed:
                self._emit_changed(0, self._exposed - 1, [Column.TAGS])

    def _tag_dot(self, record: PaperRecord) -> QIcon | None:
        color = next((self._tag_colors[t] for t in record.tags if t in self._tag_colors), None)
        if color is None:
            return None
        dot = self._dots.get(color)
        if dot is None:
            dot = self._dots[color] = icons.dot(color)
        return dot

    def invalidate(self) -> None:
        """Forget every cached record (someone else changed the library) and repaint."""
        self._cache.clear()
        if self._exposed:
            self._emit_changed(0, self._exposed - 1)

    def _emit_changed(self, first: int, last: int, columns: Sequence[int] = ()) -> None:
        left = min(columns) if columns else 0
        right = max(columns) if columns else len(Column) - 1
        self.dataChanged.emit(self.index(first, left), self.index(last, right))

    # -- QAbstractItemModel ----------------------------------------------------------------

    # QAbstractItemModel.rowCount override
    def rowCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else self._exposed

    # QAbstractItemModel.columnCount override
    def columnCount(self, parent: ModelIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(Column)

    # QAbstractItemModel.canFetchMore override
    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._exposed < len(self._ids)

    # QAbstractItemModel.fetchMore override
    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid():
            return
        more = min(PAGE, len(self._ids) - self._exposed)
        if more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._exposed, self._exposed + more - 1)
        try:
            self._exposed += more
        finally:
            self.endInsertRows()

    # QAbstractItemModel.flags override: never loads a record
    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        drop = Qt.ItemFlag.ItemIsDropEnabled if self._reorderable() else Qt.ItemFlag.NoItemFlags
        if not index.isValid():
            return drop
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
            | Qt.ItemFlag.ItemIsDragEnabled
            | drop
        )

    # -- drag and drop -----------------------------------------------------------------------

    def _reorderable(self) -> bool:
        """Rows can be dropped in place: a manual shelf, shown in its own order."""
        return self.shelf is not None and self.shelf_actions is not None and self.sort_state is None

    # QAbstractItemModel.mimeTypes override
    def mimeTypes(self) -> list[str]:
        return [PAPER_IDS_MIME, "text/plain", "text/uri-list"]

    # QAbstractItemModel.supportedDragActions override
    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    # QAbstractItemModel.supportedDropActions override
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    # QAbstractItemModel.mimeData override
    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid() and i.row() < len(self._ids)})
        ids = [self._ids[r] for r in rows]
        found = {r.id: r for r in self.library.papers(ids[:DRAG_TEXT_LIMIT])}
        records = [found[i] for i in ids[:DRAG_TEXT_LIMIT] if i in found]
        return paper_mime(PaperDrag(tuple(ids), self.shelf), records)

    # QAbstractItemModel.canDropMimeData override: only reordering a manual shelf's rows
    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if action not in (Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return False
        drag = read_drag(data)
        return (
            drag is not None
            and self._reorderable()
            and drag.shelf is not None
            and self.shelf is not None
            and title_key(drag.shelf) == title_key(self.shelf)
        )

    # QAbstractItemModel.dropMimeData override: a drop between rows sets the manual order
    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: ModelIndex,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        drag = read_drag(data)
        assert drag is not None
        assert self.shelf is not None
        assert self.shelf_actions is not None
        if row < 0 and parent.isValid():
            row = parent.row()  # dropped on a row: it goes above it
        order = self.shelf_actions.paper_ids(self.shelf)
        places = {pid: n for n, pid in enumerate(order)}
        if 0 <= row < len(self._ids) and self._ids[row] in places:
            position = places[self._ids[row]]
        else:  # below the last row listed (a search may list only some of the shelf)
            listed = [places[i] for i in self._ids if i in places]
            position = max(listed) + 1 if listed else len(order)
        return self.shelf_actions.move(self.shelf, drag.ids, position)

    # QAbstractItemModel.data override
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._exposed:
            return None
        if role == PaperIdRole:
            return self._ids[index.row()]
        if role not in _ROLES:
            return None
        col = Column(index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN.get(col)
        record = self.record(index.row())
        if record is None:
            if role == Qt.ItemDataRole.DisplayRole and col == Column.TITLE:
                return "(no longer in the library)"
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(record, col)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._tag_dot(record) if col == Column.TAGS else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(record, col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _accessible(record, col)
        if role == Qt.ItemDataRole.FontRole and col == Column.TITLE and record.incomplete:
            font = QFont()
            font.setItalic(True)
            return font
        dimmed = col in (Column.TITLE, Column.STATUS) and record.read_status == ReadStatus.READ
        if role == Qt.ItemDataRole.ForegroundRole and dimmed:
            # Read papers step back, as read mail does.
            return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    # QAbstractItemModel.headerData override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        col = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(col, HEADERS[col])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _ALIGN.get(col)
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            first = Qt.SortOrder.DescendingOrder if col in DESCENDING_FIRST else None
            return first if first is not None else Qt.SortOrder.AscendingOrder
        return None

    # QAbstractItemModel.sort override: the order comes from the services, asynchronously
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(Column):
            sort = Sort(SORT_KEYS[Column(column)], order == Qt.SortOrder.DescendingOrder)
        else:
            sort = None
        if sort != self.sort_state:
            self.sort_state = sort
            self.sort_requested.emit(sort)


_ROLES = {
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.DecorationRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.ForegroundRole,
}
_CENTER = Qt.AlignmentFlag.AlignCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN = {Column.STAR: _CENTER, Column.UPVOTES: _RIGHT, Column.SEEN: _RIGHT}


def _display(record: PaperRecord, col: Column) -> str:
    match col:
        case Column.STAR:
            return "★" if record.starred else ""
        case Column.TITLE:
            return record.title
        case Column.STATUS:
            return record.read_status.value.capitalize()
        case Column.PUBLISHED:
            return record.published.isoformat() if record.published else ""
        case Column.UPVOTES:
            return "" if record.upvotes is None else str(record.upvotes)
        case Column.SEEN:
            return str(record.seen_count) if record.digests else ""
        case Column.TAGS:
            return ", ".join(record.tags)
        case Column.ADDED:
            return _local_date(record.added)


def _local_date(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().date().isoformat()


def _tooltip(record: PaperRecord, col: Column) -> str | None:
    match col:
        case Column.TITLE:
            extra = " (cut off in the digest)" if record.incomplete else ""
            return record.title + extra
        case Column.STAR:
            return "Starred (S)" if record.starred else "Not starred (S to star)"
        case Column.STATUS:
            return f"{record.read_status.value.capitalize()} (R to change)"
        case Column.PUBLISHED if record.published and record.year_inferred:
            return "The digest left out the year; it is the year the digest was saved"
        case Column.SEEN if record.digests:
            names = sorted({s.date_label or s.file_name for s in record.digests})
            return "Seen in " + ", ".join(names)
        case Column.TAGS if record.tags:
            return ", ".join(record.tags)
    return None


def _accessible(record: PaperRecord, col: Column) -> str:
    if col == Column.STAR:
        return "starred" if record.starred else "not starred"
    return _display(record, col)


def _is_subsequence(small: list[int], big: list[int]) -> bool:
    if len(small) >= len(big):
        return False
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers grouped into (first, last) runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


class TitleDelegate(QStyledItemDelegate):
    """Paints titles with the search's matched words marked (bold, on a tinted background)."""

    # QStyledItemDelegate.paint override
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        model = index.model()
        pattern = model.pattern if isinstance(model, PaperTableModel) else None
        if pattern is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        _paint_runs(painter, opt, rect.adjusted(3, 0, -3, 0), text, pattern)


def _paint_runs(
    painter: QPainter,
    opt: QStyleOptionViewItem,
    rect: QRect,
    text: str,
    pattern: re.Pattern[str],
) -> None:
    state = opt.state
    selected = bool(state & QStyle.StateFlag.State_Selected)
    palette: QPalette = opt.palette
    group = (
        QPalette.ColorGroup.Normal
        if state & QStyle.StateFlag.State_Active
        else QPalette.ColorGroup.Inactive
    )
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    text_color = palette.color(group, role)
    tint = QColor(palette.color(group, QPalette.ColorRole.Highlight))
    tint.setAlphaF(0.28)
    base: QFont = opt.font
    bold = QFont(base)
    bold.setBold(True)
    elided = QFontMetrics(base).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.save()
    painter.setClipRect(rect)
    x = rect.left()
    for piece, hit in runs(elided, pattern):
        font = bold if hit else base
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(piece)
        if hit and not selected:
            height = metrics.height()
            top = rect.top() + (rect.height() - height) // 2
            painter.fillRect(QRect(x - 1, top, width + 2, height), tint)
        painter.setFont(font)
        painter.setPen(text_color)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(x, rect.top(), width + 1, rect.height()), flags, piece)
        x += width
    painter.restore()


class PaperTableView(QTableView):
    """The table: rows select whole papers; Enter opens the detail pane."""

    selection_changed = Signal(list)  # selected paper ids, in row order
    current_paper_changed = Signal(object)  # int | None
    open_requested = Signal(int)

    def __init__(self, model: PaperTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperTable")
        self.setModel(model)
        self._model = model
        self.setItemDelegateForColumn(Column.TITLE, TitleDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setDropIndicatorShown(True)
        self.setDragDropOverwriteMode(False)
        self.verticalHeader().hide()
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        self._default_widths()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        for col in HIDDEN_BY_DEFAULT:
            self.setColumnHidden(col, True)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sort_indicator_changed)
        self._empty_text = ""
        self.activated.connect(self._activated)
        self._selection_model().selectionChanged.connect(self._selection_changed)
        self._selection_model().currentRowChanged.connect(self._current_changed)

    def _selection_model(self) -> QItemSelectionModel:
        sm = self.selectionModel()
        assert sm is not None
        return sm

    def _default_widths(self) -> None:
        """Narrow columns just wide enough for their header (and its sort arrow) or values."""
        fm = self.fontMetrics()
        bold = self.horizontalHeader().fontMetrics()
        arrow = 22
        samples = {
            Column.STAR: "★",
            Column.STATUS: "Skimmed",
            Column.PUBLISHED: "2024-09-10",
            Column.UPVOTES: "9,999",
            Column.SEEN: "99",
            Column.TAGS: "● continual-learning",
            Column.ADDED: "2024-09-10",
        }
        for col, sample in samples.items():
            width = max(fm.horizontalAdvance(sample), bold.horizontalAdvance(HEADERS[col]))
            self.setColumnWidth(col, width + arrow)

    def _header_menu(self, pos: QPoint) -> None:
        """Right-click on the header: choose the columns shown (the title always is)."""
        menu = QMenu(self)
        for col in Column:
            if col == Column.TITLE:
                continue
            action = menu.addAction(
                TOOLTIPS.get(col, HEADERS[col]) if col == Column.STAR else HEADERS[col]
            )
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.setColumnHidden(c, not on))
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    # QWidget.sizeHint override: room for a readable title
    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("0") * 110, 400)

    def _sort_indicator_changed(self, section: int, order: Qt.SortOrder) -> None:
        if section < 0:
            self._model.sort(-1)

    def apply_sort(self, sort: Sort | None) -> None:
        """Show ``sort`` in the header (restored from settings) without asking again."""
        header = self.horizontalHeader()
        self._model.sort_state = sort
        header.blockSignals(True)
        try:
            if sort is None:
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            else:
                col = next(c for c, k in SORT_KEYS.items() if k == sort.key)
                order = (
                    Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
                )
                header.setSortIndicator(col, order)
        finally:
            header.blockSignals(False)

    def set_empty_text(self, text: str) -> None:
        """What an empty list says (no papers yet, nothing matches...)."""
        if text != self._empty_text:
            self._empty_text = text
            self.viewport().update()

    # QAbstractScrollArea.paintEvent override: an empty list explains itself
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._model.rowCount() or not self._empty_text:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        margin = self.fontMetrics().height() * 2
        top = max(margin, self.viewport().height() // 4)
        area = self.viewport().rect().adjusted(margin, top, -margin, -margin)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, int(flags), self._empty_text)
        painter.end()

    # -- selection -------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self._selection_model().selectedRows()})
        return [self._model.paper_id(r) for r in rows]

    def current_id(self) -> int | None:
        index = self.currentIndex()
        if not index.isValid() or index.row() >= len(self._model.ids):
            return None
        return self._model.paper_id(index.row())

    def action_ids(self) -> list[int]:
        """The papers an action applies to: the selection, else the current row."""
        ids = self.selected_ids()
        if ids:
            return ids
        current = self.current_id()
        return [current] if current is not None else []

    def select_ids(self, ids: Sequence[int], *, current: int | None = None) -> None:
        """Select these papers (those listed), make ``current`` current and scroll to it."""
        rows = sorted(r for r in (self._model.expose_row_of(i) for i in ids) if r is not None)
        selection = QItemSelection()
        last = self._model.columnCount() - 1
        for first, end in _runs(rows):
            selection.select(self._model.index(first, 0), self._model.index(end, last))
        sm = self._selection_model()
        flags = QItemSelectionModel.SelectionFlag
        current_row = self._model.expose_row_of(current) if current is not None else None
        if current_row is None and rows:
            current_row = rows[0]
        if current_row is not None:
            sm.setCurrentIndex(self._model.index(current_row, 0), flags.NoUpdate)
            self.scrollTo(self._model.index(current_row, 0))
        sm.select(selection, flags.ClearAndSelect | flags.Rows)

    def show_ids(
        self,
        ids: Sequence[int],
        terms: Iterable[str] = (),
        records: Mapping[int, PaperRecord] | None = None,
    ) -> None:
        """Replace the rows, keeping the selection and current paper where they still are."""
        selected = self.selected_ids()
        current = self.current_id()
        current_row = self.currentIndex().row()
        rows = [r for r in (self._model.row_of(i) for i in selected) if r is not None]
        first_row = min(rows) if rows else current_row
        reset = self._model.set_ids(ids, terms, records)
        if reset:
            # A new list (another source, a search): what was selected stays selected if
            # it is listed; otherwise nothing is, rather than some paper at the old row.
            kept = [i for i in selected if self._model.row_of(i) is not None]
            if current is not None and self._model.row_of(current) is None:
                current = None
            if kept or current is not None:
                self.select_ids(kept, current=current)
        elif selected and not self.selected_ids() and self._model.rowCount():
            # The selected papers left the list (trashed, unstarred...): select the one that
            # took their place, as mail programs do.
            self._select_row(min(max(first_row, 0), self._model.rowCount() - 1))

    def _select_row(self, row: int) -> None:
        flags = QItemSelectionModel.SelectionFlag
        self._selection_model().setCurrentIndex(
            self._model.index(row, 0), flags.ClearAndSelect | flags.Rows
        )

    # QAbstractItemView.selectAll override: every listed paper, not just the exposed rows
    def selectAll(self) -> None:
        self._model.expose_all()
        super().selectAll()

    def _selection_changed(self, *_args: object) -> None:
        self.selection_changed.emit(self.selected_ids())

    # QWidget.keyPressEvent override: Alt+Up/Alt+Down move papers within a manual shelf
    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
        alt = event.modifiers() == Qt.KeyboardModifier.AltModifier
        if alt and event.key() in steps and self.step_in_shelf(steps[Qt.Key(event.key())]):
            event.accept()
            return
        super().keyPressEvent(event)

    def step_in_shelf(self, delta: int) -> bool:
        """Move the selected papers one place up or down in the manual shelf listed."""
        model = self._model
        ids = self.action_ids()
        if not ids or not model._reorderable():
            return False
        assert model.shelf is not None
        assert model.shelf_actions is not None
        return model.shelf_actions.step(model.shelf, ids, delta)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        valid = current.isValid() and current.row() < len(self._model.ids)
        self.current_paper_changed.emit(self._model.paper_id(current.row()) if valid else None)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self._model.paper_id(index.row()))
