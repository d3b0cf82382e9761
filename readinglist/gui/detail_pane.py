"""The detail pane: one paper's title, metadata, abstract, tags, star, status, note, similar."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from readinglist.gui.highlight import linked_html, term_pattern
from readinglist.gui.links import open_web_url
from readinglist.gui.notes_editor import NotesEditor
from readinglist.gui.tag_editor import TagLineEdit
from readinglist.records import ReadStatus
from readinglist.urls import arxiv_page

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

SIMILAR_DELAY_MS = 300
"""Similar papers are looked up once the selection rests this long (arrowing stays fast)."""


@dataclass(frozen=True, slots=True)
class SimilarItem:
    id: int
    title: str
    shared_terms: tuple[str, ...]


class DetailPane(QWidget):
    """Shows the current paper and turns the user's edits into signals for the window."""

    star_toggled = Signal(int, bool)
    status_chosen = Signal(int, object)  # ReadStatus
    tags_committed = Signal(int, list, list)  # paper id, before, after
    digest_requested = Signal(int)
    paper_requested = Signal(int)
    similar_wanted = Signal(int)
    link_refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.record: PaperRecord | None = None
        self._terms: tuple[str, ...] = ()
        self._updating = False

        self.stack = QStackedWidget()
        self.empty_label = QLabel()
        self.empty_label.setObjectName("detailEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setMargin(24)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self._build_details())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(SIMILAR_DELAY_MS)
        self._similar_timer.timeout.connect(self._want_similar)
        self.show_empty(0)

    def _build_details(self) -> QWidget:
        page = QWidget()
        self.title_label = QLabel()
        self.title_label.setObjectName("detailTitle")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # a title is never markup
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title_label.setFont(font)
        self.byline_label = QLabel()
        self.byline_label.setObjectName("detailAuthors")
        self.byline_label.setWordWrap(True)
        self.byline_label.setTextFormat(Qt.TextFormat.RichText)
        self.byline_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.byline_label.linkActivated.connect(lambda url: self._link(QUrl(url)))
        self.meta_label = QLabel()
        self.meta_label.setObjectName("detailMeta")
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setWordWrap(True)
        self.meta_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.meta_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = QLabel()
        self.banner.setObjectName("detailBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()

        self.star_button = QToolButton()
        self.star_button.setObjectName("starButton")
        self.star_button.setCheckable(True)
        self.star_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.star_button.toggled.connect(self._star_clicked)
        self.status_box = QComboBox()
        self.status_box.setObjectName("statusBox")
        for status in ReadStatus:
            self.status_box.addItem(status.value.capitalize(), status)
        self.status_box.setToolTip("Read status (R in the table cycles it)")
        self.status_box.activated.connect(self._status_chosen)
        self.tag_edit = TagLineEdit()
        self.tag_edit.setObjectName("tagEdit")
        self.tag_edit.committed.connect(self._tags_committed)
        tag_label = QLabel("&Tags:")
        tag_label.setBuddy(self.tag_edit)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.star_button)
        controls.addWidget(self.status_box)
        controls.addSpacing(8)
        controls.addWidget(tag_label)
        controls.addWidget(self.tag_edit, 1)

        self.abstract = QTextBrowser()
        self.abstract.setObjectName("abstractView")
        self.abstract.setOpenLinks(False)
        self.abstract.setFrameShape(QFrame.Shape.NoFrame)
        self.abstract.document().setDocumentMargin(6)
        self.abstract.anchorClicked.connect(self._link)

        self.notes = NotesEditor()
        self.notes.link_refused.connect(self.link_refused)

        similar = QWidget()
        similar_layout = QVBoxLayout(similar)
        similar_layout.setContentsMargins(0, 0, 0, 0)
        similar_layout.addWidget(QLabel("<b>Similar papers</b>"))
        self.similar_list = QListWidget()
        self.similar_list.setObjectName("similarList")
        self.similar_list.setWordWrap(False)
        self.similar_list.setUniformItemSizes(True)
        self.similar_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.similar_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.similar_list.itemActivated.connect(self._similar_activated)
        self.similar_list.itemClicked.connect(self._similar_activated)
        similar_layout.addWidget(self.similar_list)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("detailSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.abstract)
        self.splitter.addWidget(self.notes)
        self.splitter.addWidget(similar)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title_label)
        layout.addWidget(self.byline_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.banner)
        layout.addLayout(controls)
        layout.addWidget(self.splitter, 1)
        return page

    # -- showing -----------------------------------------------------------------------------

    @property
    def paper_id(self) -> int | None:
        return self.record.id if self.record is not None else None

    def show_empty(self, selected: int) -> None:
        """No paper (0 selected), or a multi-selection: say what can be done."""
        self.notes.show_note(None, "")
        self.record = None
        if selected > 1:
            self.empty_label.setText(
                f"{selected:,} papers selected\n\n"
                "S star · T tag · R change status · Delete move to the Trash"
            )
        else:
            self.empty_label.setText("Select a paper to read its abstract and notes")
        self.stack.setCurrentIndex(0)

    def show_paper(
        self, record: PaperRecord, terms: Sequence[str] = (), *, force_note: bool = False
    ) -> None:
        """Show ``record``; a refresh of the same paper keeps the note being typed."""
        new_paper = self.record is None or self.record.id != record.id
        self.record = record
        self._terms = tuple(terms)
        self._updating = True
        try:
            self.title_label.setText(record.title)
            self.byline_label.setText(byline_html(record))
            self.byline_label.setToolTip(", ".join(record.authors))
            self.byline_label.setVisible(bool(record.authors or record.arxiv_id))
            self.meta_label.setText(metadata_line(record))
            self._show_banner(record)
            self.star_button.setChecked(record.starred)
            self._star_text(record.starred)
            self.status_box.setCurrentIndex(list(ReadStatus).index(record.read_status))
            if new_paper or not self.tag_edit.hasFocus():
                self.tag_edit.set_tags(record.tags)
            self._render_abstract()
        finally:
            self._updating = False
        self.notes.show_note(record.id, record.note, version=record.note_version, force=force_note)
        self.stack.setCurrentIndex(1)
        if new_paper:
            self.similar_list.clear()
            self._similar_timer.start()

    def set_terms(self, terms: Sequence[str]) -> None:
        if tuple(terms) != self._terms:
            self._terms = tuple(terms)
            if self.record is not None:
                self._render_abstract()

    def set_known_tags(self, names: Sequence[str]) -> None:
        self.tag_edit.set_known_tags(names)

    def show_similar(self, paper_id: int, items: Sequence[SimilarItem]) -> None:
        if paper_id != self.paper_id:
            return  # the answer for a paper no longer shown
        self.similar_list.clear()
        for item in items:
            row = QListWidgetItem(item.title)
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            tip = item.title
            if item.shared_terms:
                tip += "\nShared words: " + ", ".join(item.shared_terms[:8])
            row.setToolTip(tip)
            self.similar_list.addItem(row)
        if not items:
            row = QListWidgetItem("No similar papers found")
            row.setFlags(Qt.ItemFlag.NoItemFlags)
            self.similar_list.addItem(row)

    def _show_banner(self, record: PaperRecord) -> None:
        notes = []
        if record.trashed:
            notes.append("In the Trash: restore it with Edit ▸ Restore from Trash.")
        if record.incomplete:
            notes.append("The digest cut this entry off: the abstract may be incomplete.")
        self.banner.setText(" ".join(notes))
        self.banner.setVisible(bool(notes))

    def _star_text(self, starred: bool) -> None:
        self.star_button.setText("★ Starred" if starred else "☆ Star")
        self.star_button.setToolTip("Unstar (S)" if starred else "Star (S)")

    def _render_abstract(self) -> None:
        record = self.record
        assert record is not None
        palette = self.palette()
        tint = _mix(
            palette.color(QPalette.ColorRole.Highlight), palette.color(QPalette.ColorRole.Base)
        )
        mark = f'<span style="background-color:{tint.name()}; font-weight:600">'
        pattern = term_pattern(self._terms)
        parts = [f"<p>{linked_html(record.abstract, pattern, mark)}</p>"]
        if not record.abstract.strip():
            parts = ["<p><i>The digest had no abstract for this paper.</i></p>"]
        seen = []
        for s in record.digests:
            label = html.escape(s.date_label or s.file_name)
            year = f", {s.date.year}" if s.date and s.date_label else ""
            seen.append(f'<a href="digest:{s.digest_id}">{label}{year}</a> (#{s.position + 1})')
        if seen:
            parts.append("<p><b>Seen in</b> " + " · ".join(seen) + "</p>")
        self.abstract.setHtml("".join(parts))

    # -- the user's edits --------------------------------------------------------------------

    def _star_clicked(self, on: bool) -> None:
        self._star_text(on)
        if not self._updating and self.record is not None:
            self.star_toggled.emit(self.record.id, on)

    def _status_chosen(self, row: int) -> None:
        status = self.status_box.itemData(row)
        if self.record is not None and status != self.record.read_status:
            self.status_chosen.emit(self.record.id, status)

    def _tags_committed(self, tags: list[str]) -> None:
        if self.record is not None:
            self.tags_committed.emit(self.record.id, list(self.record.tags), tags)

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "digest":
            digest_id = url.path()
            if digest_id.isdigit():
                self.digest_requested.emit(int(digest_id))
            return
        if not open_web_url(url):
            self.link_refused.emit(url.toString())

    def _similar_activated(self, item: QListWidgetItem) -> None:
        paper_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(paper_id, int):
            self.paper_requested.emit(paper_id)

    def _want_similar(self) -> None:
        if self.paper_id is not None:
            self.similar_wanted.emit(self.paper_id)


def _mix(a: QColor, b: QColor, share: float = 0.35) -> QColor:
    """``share`` of ``a`` over ``b``: a tint that reads on light and dark palettes alike."""
    return QColor.fromRgbF(
        a.redF() * share + b.redF() * (1 - share),
        a.greenF() * share + b.greenF() * (1 - share),
        a.blueF() * share + b.blueF() * (1 - share),
    )


SHOWN_AUTHORS = 12
"""A consortium paper lists hundreds: the pane names the first ones (all in the tooltip)."""


def byline_html(record: PaperRecord) -> str:
    """ "Ada Lovelace, Alan Turing · arXiv:2403.01234" with the arXiv id linked to its page."""
    parts = []
    if record.authors:
        names = list(record.authors[:SHOWN_AUTHORS])
        more = len(record.authors) - len(names)
        text = ", ".join(names) + (f" and {more:,} more" if more else "")
        parts.append(html.escape(text))
    if record.arxiv_id:
        url = html.escape(arxiv_page(record.arxiv_id), quote=True)
        parts.append(f'<a href="{url}">arXiv:{html.escape(record.arxiv_id)}</a>')
    return " · ".join(parts)


def metadata_line(record: PaperRecord) -> str:
    """ "Published Sep 10, 2024 · 12 upvotes · 7 authors · seen in 2 digests · added …"."""
    parts = []
    if record.published is not None:
        day = f"{record.published:%b} {record.published.day}"
        year = f"{record.published.year}{' (year inferred)' if record.year_inferred else ''}"
        parts.append(f"Published {day}, {year}")
    if record.upvotes is not None:
        parts.append(f"{record.upvotes:,} upvote{'s' if record.upvotes != 1 else ''}")
    if record.authors_count is not None:
        n = record.authors_count
        parts.append(f"{n} author{'s' if n != 1 else ''}")
    if record.organization:
        parts.append(record.organization)
    seen = record.seen_count
    if seen:
        parts.append(f"seen in {seen} digest{'s' if seen != 1 else ''}")
    added = record.added.astimezone() if record.added.tzinfo else record.added
    parts.append(f"added {added:%Y-%m-%d}")
    # Lines break between the items, never inside one ("added / 2026-…").
    return " · ".join(p.replace(" ", "\u00a0") for p in parts)
