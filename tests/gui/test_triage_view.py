"""Triage mode driven by key presses, with the database checked after each one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from readinglist.gui.triage_view import TriageView
from readinglist.importing import Importer
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from readinglist.library import Library


@pytest.fixture
def shelves(library: Library) -> Shelves:
    shelves = Shelves(library)
    shelves.create("To read")
    shelves.create("Later")
    return shelves


def open_view(qtbot: QtBot, library: Library, shelves: Shelves, ids: list[int]) -> TriageView:
    view = TriageView(library, shelves, ids, "Inbox")
    qtbot.addWidget(view)
    view.resize(1000, 700)
    with qtbot.waitExposed(view):
        view.show()
    return view


def key(view: TriageView, k: Qt.Key) -> None:
    """One key press as the user makes it (QTest: qtbot's keyClick, typed)."""
    QTest.keyClick(view, k)


def test_triage_end_to_end_by_keys(
    qtbot: QtBot, library: Library, shelves: Shelves, papers: list[int]
) -> None:
    view = open_view(qtbot, library, shelves, papers)
    p = library.paper
    assert view.title_label.text() == p(papers[0]).title
    assert view.progress_label.text() == "1 of 5, 0 kept"
    assert "<b>1</b>&nbsp;To read" in view.shelves_label.text()

    key(view, Qt.Key.Key_S)
    assert p(papers[0]).starred
    assert "★ Starred" in view.state_label.text()
    key(view, Qt.Key.Key_1)
    assert shelves.paper_ids("To read") == [papers[0]]
    key(view, Qt.Key.Key_1)  # already there: harmless
    assert shelves.paper_ids("To read") == [papers[0]]
    assert "Already on" in view.feedback.text()
    key(view, Qt.Key.Key_9)  # no ninth shelf: said, nothing done
    assert "No shelf on key 9" in view.feedback.text()
    with qtbot.waitSignal(view.papers_changed) as changed:
        key(view, Qt.Key.Key_Space)
    assert changed.args[0].papers == {papers[0]}
    assert (p(papers[0]).triage, p(papers[0]).read_status) == (Triage.KEPT, ReadStatus.UNREAD)
    assert view.title_label.text() == p(papers[1]).title
    assert view.progress_label.text() == "2 of 5, 1 kept"

    key(view, Qt.Key.Key_X)
    assert p(papers[1]).triage is Triage.DISMISSED
    key(view, Qt.Key.Key_R)
    assert (p(papers[2]).triage, p(papers[2]).read_status) == (Triage.KEPT, ReadStatus.SKIMMED)
    assert view.progress_label.text() == "4 of 5, 2 kept"

    key(view, Qt.Key.Key_Backspace)  # undoes the skim, shows that paper again
    assert (p(papers[2]).triage, p(papers[2]).read_status) == (Triage.NEW, ReadStatus.UNREAD)
    assert view.session.current_id == papers[2]
    assert view.progress_label.text() == "3 of 5, 1 kept"

    for k, expected in [
        (Qt.Key.Key_K, 1),
        (Qt.Key.Key_J, 2),
        (Qt.Key.Key_Left, 1),
        (Qt.Key.Key_Right, 2),
        (Qt.Key.Key_Up, 1),
        (Qt.Key.Key_Down, 2),
    ]:
        key(view, k)
        assert view.session.current_id == papers[expected], k
        assert view.title_label.text() == p(papers[expected]).title

    key(view, Qt.Key.Key_T)
    assert view.tag_edit.isVisible()
    assert view.tag_edit.hasFocus()
    QTest.keyClicks(view.tag_edit, "robotics, ml")
    QTest.keyClick(view.tag_edit, Qt.Key.Key_Return)
    assert p(papers[2]).tags == ("ml", "robotics")
    assert not view.tag_edit.isVisible()
    assert "ml, robotics" in view.tags_label.text()
    key(view, Qt.Key.Key_S)  # keys are the view's again once the editor closed
    assert p(papers[2]).starred

    with qtbot.waitSignal(view.closed) as closed:
        key(view, Qt.Key.Key_Escape)
    assert closed.args == [[papers[0], papers[1], papers[2]]]


def test_all_done_screen(
    qtbot: QtBot, library: Library, shelves: Shelves, papers: list[int]
) -> None:
    view = open_view(qtbot, library, shelves, papers)
    key(view, Qt.Key.Key_S)
    for k in (Qt.Key.Key_Space, Qt.Key.Key_Space, Qt.Key.Key_X, Qt.Key.Key_R, Qt.Key.Key_Space):
        key(view, k)
    assert view.stack.currentIndex() == 1
    assert view.done_label.text() == "All done: 5 triaged, 4 kept, 1 starred"
    assert [p.triage for p in library.papers(papers)] == [
        Triage.KEPT,
        Triage.KEPT,
        Triage.DISMISSED,
        Triage.KEPT,
        Triage.KEPT,
    ]
    key(view, Qt.Key.Key_Space)  # nothing left to decide on: nothing happens
    assert "No paper here" in view.feedback.text()
    key(view, Qt.Key.Key_Backspace)
    assert view.stack.currentIndex() == 0
    assert library.paper(papers[4]).triage is Triage.NEW


def test_escape_in_the_tag_editor_cancels_it_and_stays(
    qtbot: QtBot, library: Library, shelves: Shelves, papers: list[int]
) -> None:
    library.add_tags([papers[3]], ["existing"])
    view = open_view(qtbot, library, shelves, papers)
    key(view, Qt.Key.Key_T)
    model = view.tag_edit.completer_.model()
    assert model is not None
    assert model.index(0, 0).data() == "existing"  # completes the library's tags
    QTest.keyClicks(view.tag_edit, "unwanted")
    with qtbot.assertNotEmitted(view.closed):
        QTest.keyClick(view.tag_edit, Qt.Key.Key_Escape)
    assert not view.tag_edit.isVisible()
    assert library.paper(papers[0]).tags == ()
    assert [t.name for t in library.tags()] == ["existing"]
    assert not view.session.can_undo


def test_keys_beat_the_windows_shortcuts(
    qtbot: QtBot, library: Library, shelves: Shelves, papers: list[int]
) -> None:
    """Hosted in the main window, Backspace and Esc are triage's, not a window action's."""
    host = QWidget()
    qtbot.addWidget(host)
    fired: list[str] = []
    for text in ("Backspace", "Esc", "S"):
        action = QAction(text, host)
        action.setShortcut(QKeySequence(text))
        action.triggered.connect(lambda _=False, t=text: fired.append(t))
        host.addAction(action)
    view = TriageView(library, shelves, papers, "Inbox", host)
    QVBoxLayout(host).addWidget(view)
    with qtbot.waitExposed(host):
        host.show()
    host.activateWindow()
    view.setFocus()
    key(view, Qt.Key.Key_S)
    key(view, Qt.Key.Key_Backspace)
    with qtbot.waitSignal(view.closed):
        key(view, Qt.Key.Key_Escape)
    assert fired == []
    assert not library.paper(papers[0]).starred  # starred, then undone


def test_keys_with_ctrl_are_left_alone(
    qtbot: QtBot, library: Library, shelves: Shelves, papers: list[int]
) -> None:
    view = open_view(qtbot, library, shelves, papers)
    QTest.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(view, Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier)
    assert not library.paper(papers[0]).starred
    assert library.paper(papers[0]).triage is Triage.NEW


def test_seen_before_badge_and_skip(qtbot: QtBot, library: Library, shelves: Shelves) -> None:
    importer = Importer(library)
    importer.import_text(digest_text(("Old news", ABSTRACT), label="Mar 1"), "first.txt")
    importer.import_text(
        digest_text(("Old news", ABSTRACT), ("Fresh", ABSTRACT + " Fresh."), label="Mar 2"),
        "second.txt",
    )
    second = next(d.id for d in library.digests() if d.file_name == "second.txt")
    ids = {r.title: r.id for r in library.list_papers()}
    view = TriageView(library, shelves, [ids["Old news"], ids["Fresh"]], "Mar 2", digest_id=second)
    qtbot.addWidget(view)
    view.show()
    assert view.seen_badge.isVisible()
    assert "Seen before in Mar 1" in view.seen_badge.text()
    assert "first.txt" in view.seen_badge.text()
    key(view, Qt.Key.Key_N)
    assert view.session.current_id == ids["Fresh"]
    assert not view.seen_badge.isVisible()


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://example.org/lora", True),
        ("http://example.org/x", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("smb://server/share", False),
        ("data:text/html,hi", False),
    ],
)
def test_only_web_links_open(
    qtbot: QtBot,
    library: Library,
    shelves: Shelves,
    papers: list[int],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    opened: bool,
) -> None:
    calls: list[str] = []

    def open_url(u: QUrl) -> bool:
        calls.append(u.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    view = open_view(qtbot, library, shelves, papers)
    key(view, Qt.Key.Key_J)  # the LoRA paper: an https link and a file: path
    page = view.abstract.toHtml()
    assert 'href="https://example.org/lora"' in page
    assert 'href="file:' not in page  # only web addresses become links at all
    view.abstract.anchorClicked.emit(QUrl(url))
    assert calls == ([url] if opened else [])
    if not opened:
        assert "Not opened" in view.feedback.text()
