"""The detail pane on its own: the metadata line, what it emits, what it refuses to open."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from readinglist.gui.detail_pane import DetailPane, metadata_line
from readinglist.records import PaperRecord, ReadStatus, Sighting, Triage

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

RECORD = PaperRecord(
    id=7,
    title="A Paper",
    abstract="Code at https://github.com/a/b. Not file:///etc/passwd.",
    starred=False,
    read_status=ReadStatus.UNREAD,
    tags=("lora",),
    shelves=(),
    published=dt.date(2024, 9, 10),
    year_inferred=False,
    upvotes=12,
    authors_count=1,
    organization=None,
    links=("https://github.com/a/b",),
    digests=(Sighting(3, "d.txt", dt.date(2024, 9, 11), "Sep 11", 4, 12),),
    note="",
    incomplete=False,
    triage=Triage.NEW,
    trashed=False,
    added=dt.datetime(2024, 9, 12, 8, 0, tzinfo=dt.UTC),
    updated=dt.datetime(2024, 9, 12, 8, 0, tzinfo=dt.UTC),
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "Published Sep 10, 2024 · 12 upvotes · 1 author · seen in 1 digest · added"),
        ({"year_inferred": True}, "Published Sep 10, 2024 (year inferred) · 12 upvotes"),
        ({"upvotes": 1, "authors_count": None}, "Published Sep 10, 2024 · 1 upvote · seen in"),
        ({"published": None, "upvotes": None, "digests": ()}, "1 author · added"),
        ({"organization": "UCAS ucas", "authors_count": None}, "12 upvotes · UCAS ucas ·"),
    ],
)
def test_metadata_line(changes: dict[str, object], expected: str) -> None:
    line = metadata_line(replace(RECORD, **changes)).replace("\u00a0", " ")  # type: ignore[arg-type]
    assert expected in line


def test_edits_become_signals(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_paper(RECORD)
    with qtbot.waitSignal(pane.star_toggled) as star:
        pane.star_button.click()
    assert star.args == [7, True]
    with qtbot.assertNotEmitted(pane.star_toggled):
        pane.show_paper(replace(RECORD, starred=True))  # a refresh is not an edit
    assert pane.star_button.text() == "★ Starred"
    with qtbot.waitSignal(pane.digest_requested) as digest:
        pane.abstract.anchorClicked.emit(QUrl("digest:3"))
    assert digest.args == [3]


def test_links_other_than_web_pages_are_refused(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_paper(RECORD)
    with qtbot.waitSignal(pane.link_refused) as refused:
        pane.abstract.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert refused.args == ["file:///etc/passwd"]
    pane.abstract.anchorClicked.emit(QUrl("https://github.com/a/b"))
    assert opened == ["https://github.com/a/b"]


def test_a_multi_selection_says_what_keys_do(qtbot: QtBot) -> None:
    pane = DetailPane()
    qtbot.addWidget(pane)
    pane.show_paper(RECORD)
    pane.show_empty(3)
    assert pane.stack.currentIndex() == 0
    assert "3 papers selected" in pane.empty_label.text()
    assert "S star" in pane.empty_label.text()
