"""Triage mode: one paper at a time, large and readable, decided on with single keys.

The window hosts a :class:`TriageView` in place of the table (Ctrl+Shift+T, or from the
Inbox or a digest in the sidebar) and goes back to the table when it emits ``closed``
with the papers triaged, so that they can be shown selected.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractSlider,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from readinglist.errors import LibraryError
from readinglist.gui.detail_pane import metadata_line
from readinglist.gui.highlight import linked_html
from readinglist.gui.links import open_web_url
from readinglist.gui.tag_editor import TagLineEdit
from readinglist.records import ReadStatus, Triage
from readinglist.triage import Action, TriageSession, digest_name

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtGui import QFont, QShowEvent

    from readinglist.library import Library
    from readinglist.records import PaperRecord
    from readinglist.shelves import Shelves
    from readinglist.triage import Decision

LEGEND = (
    ("Space", "keep"),
    ("X", "not interested"),
    ("R", "skimmed"),
    ("S", "star"),
    ("1–9", "shelf"),
    ("T", "tag"),
    ("Backspace", "undo"),
    ("J/K ← →", "next/previous"),
    ("N", "skip seen before"),
    ("Esc", "back to the table"),
)

NEXT_KEYS = frozenset({Qt.Key.Key_J, Qt.Key.Key_Right, Qt.Key.Key_Down})
PREVIOUS_KEYS = frozenset({Qt.Key.Key_K, Qt.Key.Key_Left, Qt.Key.Key_Up})
SHELF_KEYS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}

DONE_WORDS = {
    Action.KEEP: "Kept",
    Action.DISMISS: "Not interested",
    Action.SKIM: "Marked skimmed",
}
TRIAGE_WORDS = {Triage.NEW: "New", Triage.KEPT: "Kept", Triage.DISMISSED: "Not interested"}

READING_WIDTH = 90
"""The paper's column is at most this many average characters of the abstract wide."""


def _scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def _short(title: str, length: int = 60) -> str:
    return title if len(title) <= length else title[: length - 1] + "…"


class TriageView(QWidget):
    """Goes through ``paper_ids`` one paper at a time; every key is one decision.

    ``title`` names what is triaged ("Inbox", a digest's name); ``digest_id`` (when a
    digest is triaged) makes "seen before" mean "in an earlier digest than this one".
    """

    closed = Signal(list)  # ids of the papers acted on in this session, first acted on first
    papers_changed = Signal(object)  # the Changes of a decision or undo (for the other views)

    def __init__(
        self,
        library: Library,
        shelves: Shelves,
        paper_ids: Sequence[int],
        title: str,
        parent: QWidget | None = None,
        *,
        digest_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("triageView")
        self.library = library
        self.session = TriageSession(library, shelves, paper_ids, digest_id=digest_id)
        self.title = title
        self.record: PaperRecord | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self.heading = QLabel(f"Triage · {title}")
        self.heading.setObjectName("triageHeading")
        self.heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("triageProgress")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("triageProgressBar")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedWidth(self.fontMetrics().horizontalAdvance("0") * 18)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.progress_label)
        top.addSpacing(8)
        top.addWidget(self.progress_bar)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_paper())
        self.stack.addWidget(self._build_done())

        self.feedback = QLabel()
        self.feedback.setObjectName("triageFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend = QLabel(
            "   ".join(
                f"<b>{html.escape(key)}</b>&nbsp;{html.escape(what)}".replace(" ", "&nbsp;")
                for key, what in LEGEND
            )
        )
        self.legend.setObjectName("triageLegend")
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.feedback)
        layout.addWidget(rule)
        layout.addWidget(self.legend)
        self._show()

    # -- building ------------------------------------------------------------------------------

    def _build_paper(self) -> QWidget:
        column = QWidget()
        column.setObjectName("triagePaper")

        self.state_label = QLabel()
        self.state_label.setObjectName("triageState")
        self.seen_badge = QLabel()
        self.seen_badge.setObjectName("triageSeenBadge")
        # palette(...) colours follow the system's light or dark palette.
        self.seen_badge.setStyleSheet(
            "QLabel { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 4px; padding: 1px 6px; }"
        )
        badges = QHBoxLayout()
        badges.setContentsMargins(0, 0, 0, 0)
        badges.addWidget(self.state_label)
        badges.addSpacing(10)
        badges.addWidget(self.seen_badge)
        badges.addStretch(1)

        self.title_label = QLabel()
        self.title_label.setObjectName("triageTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title_label.setFont(_scaled(self.title_label.font(), 1.9, bold=True))
        self.meta_label = QLabel()
        self.meta_label.setObjectName("triageMeta")
        self.meta_label.setWordWrap(True)
        self.meta_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.abstract = QTextBrowser()
        self.abstract.setObjectName("triageAbstract")
        self.abstract.setOpenLinks(False)
        self.abstract.setOpenExternalLinks(False)
        self.abstract.setFrameShape(QFrame.Shape.NoFrame)
        self.abstract.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # every key is the view's
        self.abstract.viewport().setAutoFillBackground(False)
        self.abstract.setFont(_scaled(self.abstract.font(), 1.2))
        self.abstract.document().setDocumentMargin(0)
        self.abstract.anchorClicked.connect(self._link)
        self.abstract.installEventFilter(self)  # resized: fit its height to the text again
        column.setMaximumWidth(
            QFontMetrics(self.abstract.font()).averageCharWidth() * READING_WIDTH
        )

        self.tags_label = QLabel()
        self.tags_label.setObjectName("triageTags")
        self.tags_label.setWordWrap(True)
        self.tag_edit = TagLineEdit()
        self.tag_edit.setObjectName("triageTagEdit")
        self.tag_edit.setPlaceholderText(
            "Tags to add, separated by commas (Enter adds, Esc cancels)"
        )
        self.tag_edit.committed.connect(self._tags_entered)
        self.tag_edit.installEventFilter(self)
        self.tag_edit.hide()
        self.shelves_label = QLabel()
        self.shelves_label.setObjectName("triageShelves")
        self.shelves_label.setWordWrap(True)

        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(10)
        layout.addLayout(badges)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.abstract, 1)
        layout.addWidget(self.tags_label)
        layout.addWidget(self.tag_edit)
        layout.addWidget(self.shelves_label)
        layout.addStretch(0)  # what a short abstract leaves goes below, not inside it

        self.gone_label = QLabel("This paper is no longer in the library.\n\nJ goes on.")
        self.gone_label.setObjectName("triageGone")
        self.gone_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.gone_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.paper_stack = QStackedWidget()
        self.paper_stack.addWidget(column)
        self.paper_stack.addWidget(self.gone_label)
        self.paper_stack.setMaximumWidth(column.maximumWidth())
        self.paper_stack.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        page = QWidget()
        centred = QHBoxLayout(page)
        centred.setContentsMargins(0, 0, 0, 0)
        centred.addStretch(1)
        centred.addWidget(self.paper_stack, 100)
        centred.addStretch(1)
        return page

    def _build_done(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel()
        self.done_label.setObjectName("triageDone")
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_label.setWordWrap(True)
        self.done_label.setFont(_scaled(self.done_label.font(), 1.6))
        self.done_hint = QLabel()
        self.done_hint.setObjectName("triageDoneHint")
        self.done_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_hint.setWordWrap(True)
        self.done_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(self.done_label)
        layout.addSpacing(12)
        layout.addWidget(self.done_hint)
        layout.addStretch(3)
        return page

    # -- showing -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the shelves and the paper shown again (they changed elsewhere)."""
        self.session.reload_shelves()
        self._show()

    def _show(self) -> None:
        progress = self.session.progress()
        self.progress_label.setText(progress.text)
        self.progress_bar.setRange(0, max(1, progress.total))
        self.progress_bar.setValue(progress.triaged)
        if self.session.at_end:
            self.record = None
            self._show_done()
            return
        self.stack.setCurrentIndex(0)
        self.record = self.session.current()
        if self.record is None:
            self.paper_stack.setCurrentIndex(1)
            return
        self.paper_stack.setCurrentIndex(0)
        self._show_paper(self.record)

    def _show_paper(self, record: PaperRecord) -> None:
        states = [TRIAGE_WORDS[record.triage]]
        if record.read_status is not ReadStatus.UNREAD:
            states.append(record.read_status.value.capitalize())
        if record.starred:
            states.append("★ Starred")
        self.state_label.setText(" · ".join(states))
        seen = self.session.seen_before(record.id)
        if seen:
            more = f" and {len(seen) - 1} more" if len(seen) > 1 else ""
            self.seen_badge.setText(f"Seen before in {digest_name(seen[0])}{more}")
            self.seen_badge.setToolTip("\n".join(digest_name(s) for s in seen))
        self.seen_badge.setVisible(bool(seen))
        self.title_label.setText(record.title)
        self.meta_label.setText(metadata_line(record))
        if record.abstract.strip():
            body = linked_html(record.abstract, None, "<b>")
            if record.incomplete:
                body += " <i>(the digest cut this entry off)</i>"
        else:
            body = "<i>The digest had no abstract for this paper.</i>"
        self.abstract.setHtml(f"<p style='line-height: 140%'>{body}</p>")
        self._fit_abstract()
        tags = ", ".join(record.tags) if record.tags else "none"
        self.tags_label.setText(f"<b>Tags</b> (T adds): {html.escape(tags)}")
        self.shelves_label.setText(self._shelves_html(record))

    def _fit_abstract(self) -> None:
        """As tall as its text, so that tags and shelves follow it; a long one scrolls."""
        document = self.abstract.document()
        document.setTextWidth(self.abstract.viewport().width())
        frame = 2 * self.abstract.frameWidth()
        height = math.ceil(document.size().height()) + frame + 2
        if self.abstract.maximumHeight() != height:
            self.abstract.setMaximumHeight(height)

    def _shelves_html(self, record: PaperRecord) -> str:
        keyed = self.session.shelf_keys
        if not keyed:
            return "<i>No shelves yet: shelves you create get the number keys 1–9 here.</i>"
        on = set(record.shelves)
        parts = []
        for n, shelf in enumerate(keyed, start=1):
            name = html.escape(shelf.name)
            label = f"<b>{n}</b>&nbsp;{name}"
            parts.append(f"<u>{label}&nbsp;✓</u>" if shelf.name in on else label)
        return "<b>Shelves</b>: " + " &nbsp; ".join(parts)

    def _show_done(self) -> None:
        p = self.session.progress()
        if p.finished:
            head = f"All done: {p.triaged} triaged, {p.kept} kept, {p.starred} starred"
        else:
            head = (
                f"End of the list: {p.triaged} of {p.total} triaged, "
                f"{p.kept} kept, {p.starred} starred"
            )
        self.done_label.setText(head)
        hints = ["Esc returns to the table with them selected"]
        if p.total:
            hints.insert(0, "K goes back to the last paper")
        if self.session.can_undo:
            hints.insert(0, "Backspace undoes the last decision")
        self.done_hint.setText(" · ".join(hints))
        self.stack.setCurrentIndex(1)

    def _say(self, text: str) -> None:
        self.feedback.setText(text)

    # -- keys ---------------------------------------------------------------------------------

    # QWidget.showEvent override: keys work as soon as the view is shown
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.tag_edit.isVisible():
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    # QObject.event override: our single keys beat the window's shortcuts (Esc, Backspace...)
    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._handler(event) is not None
        ):
            event.accept()
            return True
        return super().event(event)

    # QWidget.keyPressEvent override: one key, one decision
    def keyPressEvent(self, event: QKeyEvent) -> None:
        handler = self._handler(event)
        if handler is None:
            super().keyPressEvent(event)
            return
        event.accept()
        handler()

    def _handler(self, event: QKeyEvent) -> Callable[[], None] | None:
        """What a key press does here; None for keys that are not triage's."""
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        key = Qt.Key(event.key())
        if key in SHELF_KEYS:
            n = SHELF_KEYS[key]
            return lambda: self._shelf(n)
        simple: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_Space: lambda: self._decide(self.session.keep),
            Qt.Key.Key_X: lambda: self._decide(self.session.dismiss),
            Qt.Key.Key_R: lambda: self._decide(self.session.skim),
            Qt.Key.Key_S: self._star,
            Qt.Key.Key_T: self._open_tag_editor,
            Qt.Key.Key_Backspace: self._undo,
            Qt.Key.Key_N: self._skip_seen,
            Qt.Key.Key_Escape: self.close_view,
            Qt.Key.Key_PageDown: lambda: self._scroll(
                QAbstractSlider.SliderAction.SliderPageStepAdd
            ),
            Qt.Key.Key_PageUp: lambda: self._scroll(QAbstractSlider.SliderAction.SliderPageStepSub),
        }
        if key in simple:
            return simple[key]
        if key in NEXT_KEYS:
            return lambda: self._move(self.session.next)
        if key in PREVIOUS_KEYS:
            return lambda: self._move(self.session.previous)
        return None

    # -- actions -------------------------------------------------------------------------------

    def close_view(self) -> None:
        """Esc: back to the table, with the papers acted on in this session."""
        self.closed.emit(self.session.touched_ids())

    def _run(self, work: Callable[[], Decision | None]) -> Decision | None:
        """Run one session call; a refusal is said on screen, never raised."""
        try:
            decision = work()
        except LibraryError as err:
            self._say(f"Not done: {err}")
            self._show()
            return None
        if decision is not None:
            self.papers_changed.emit(self.session.last)
        self._show()
        return decision

    def _on_paper(self) -> bool:
        if self.record is None:
            self._say(
                "No paper here: K goes back, Esc returns to the table."
                if self.session.at_end
                else "This paper is no longer in the library: J goes on."
            )
            return False
        return True

    def _decide(self, decide: Callable[[], Decision]) -> None:
        if not self._on_paper():
            return
        assert self.record is not None
        title = self.record.title
        decision = self._run(decide)
        if decision is not None:
            self._say(f"{DONE_WORDS[decision.action]}: “{_short(title)}”. Backspace undoes.")

    def _star(self) -> None:
        if not self._on_paper():
            return
        decision = self._run(self.session.toggle_star)
        if decision is not None:
            self._say("Unstarred." if decision.starred else "Starred.")

    def _shelf(self, key: int) -> None:
        if not self._on_paper():
            return
        keyed = self.session.shelf_keys
        if key > len(keyed):
            self._say(
                f"No shelf on key {key}: {len(keyed)} shel{'f' if len(keyed) == 1 else 'ves'}"
                " to choose from."
            )
            return
        name = keyed[key - 1].name
        decision = self._run(lambda: self.session.add_to_shelf(key))
        if decision is not None:
            self._say(f"Added to “{name}”.")
        elif self.record is not None and name in self.record.shelves:
            self._say(f"Already on “{name}”.")

    def _open_tag_editor(self) -> None:
        if not self._on_paper():
            return
        self.tag_edit.set_known_tags([t.name for t in self.library.tags()])
        self.tag_edit.set_tags([])
        self.tag_edit.show()
        self.tag_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _close_tag_editor(self) -> None:
        self.tag_edit.set_tags([])  # so that losing focus commits nothing
        self.tag_edit.hide()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _tags_entered(self, names: list[str]) -> None:
        if not self.tag_edit.isVisible():
            return
        self._close_tag_editor()
        if not names or self.record is None:
            return
        decision = self._run(lambda: self.session.add_tags(names))
        if decision is not None:
            self._say(f"Tagged {', '.join(decision.tags)}.")

    # QObject.eventFilter override: Escape in the tag editor closes it (not triage); the
    # abstract is fitted to its text again when its width changes
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.abstract and event.type() == QEvent.Type.Resize:
            self._fit_abstract()
            return False
        if (
            watched is self.tag_edit
            and isinstance(event, QKeyEvent)
            and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
            and event.key() == Qt.Key.Key_Escape
            and not self.tag_edit.completer_.popup().isVisible()  # type: ignore[union-attr]
        ):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self._close_tag_editor()
            return True
        return super().eventFilter(watched, event)

    def _undo(self) -> None:
        decision = self.session.last_decision
        if decision is None:
            self._say("Nothing to undo.")
            return
        undone = self._run(self.session.undo)
        if undone is not None:
            self._say(f"Undone: {_undo_words(undone)}.")

    def _move(self, step: Callable[[], None]) -> None:
        step()
        self._say("")
        self._show()

    def _skip_seen(self) -> None:
        try:
            skipped = self.session.skip_seen()
        except LibraryError as err:
            self._say(f"Not done: {err}")
            return
        self._say(
            f"Skipped {skipped} paper{'s' if skipped != 1 else ''} seen before." if skipped else ""
        )
        self._show()

    def _scroll(self, action: QAbstractSlider.SliderAction) -> None:
        bar = self.abstract.verticalScrollBar()
        if bar is not None:
            bar.triggerAction(action)

    def _link(self, url: QUrl) -> None:
        if not open_web_url(url):
            self._say(f"Not opened: only web links (http, https) open from here ({url.scheme()}:).")


def _undo_words(d: Decision) -> str:
    if d.action is Action.STAR:
        return "star" if not d.starred else "unstar"
    if d.action is Action.SHELF:
        return f"added to “{d.shelf}”"
    if d.action is Action.TAG:
        return "tagged " + ", ".join(d.tags)
    return DONE_WORDS[d.action].lower()
