"""Who wrote a paper and where it lives, in the window: the detail pane's authors and arXiv
link, and O opening the arXiv page, else the first link, else a title search on the site the
user chose."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from readinglist.importing import Importer
from tests.conftest import FIXTURES
from tests.gui.test_main_window import press, wait_listing

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QSettings
    from pytestqt.qtbot import QtBot

    from readinglist.gui.main_window import MainWindow
    from readinglist.library import Library
    from tests.gui.conftest import WindowFactory


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the window asked the system browser to open."""
    urls: list[str] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    return urls


def _press_o_on(qtbot: QtBot, window: MainWindow, paper_id: int) -> None:
    window.show_paper(paper_id)
    qtbot.waitUntil(lambda: window.table.current_id() == paper_id)
    window.table.setFocus()
    press(window.table, "o")


def test_the_detail_pane_names_the_authors_and_links_the_arxiv_page(
    qtbot: QtBot, make_window: WindowFactory, library: Library, opened: list[str]
) -> None:
    Importer(library).import_files([FIXTURES / "formats" / "arxiv_api.atom"])
    lora = next(p for p in library.list_papers() if p.arxiv_id == "2106.09685")
    window = make_window()
    window.show_paper(lora.id)
    qtbot.waitUntil(lambda: window.detail.paper_id == lora.id)
    byline = window.detail.byline_label
    assert byline.isVisibleTo(window)
    assert "Edward J. Hu, Yelong Shen, Weizhu Chen" in byline.text()
    assert '<a href="https://arxiv.org/abs/2106.09685">arXiv:2106.09685</a>' in byline.text()
    byline.linkActivated.emit("https://arxiv.org/abs/2106.09685")
    byline.linkActivated.emit("javascript:alert(1)")
    assert opened == ["https://arxiv.org/abs/2106.09685"]


def test_o_opens_arxiv_then_the_first_link_then_a_title_search(
    qtbot: QtBot,
    make_window: WindowFactory,
    library: Library,
    papers: list[int],
    opened: list[str],
    settings: QSettings,
    tmp_path: Path,
) -> None:
    Importer(library).import_files([FIXTURES / "formats" / "hf_daily.json"])
    proxy = next(p for p in library.list_papers() if p.arxiv_id == "2403.01234")
    with_link = library.paper(papers[1])
    assert with_link.links
    assert not with_link.arxiv_id
    without = next(library.paper(i) for i in papers if not library.paper(i).links)
    window = make_window()
    wait_listing(qtbot, window)

    _press_o_on(qtbot, window, proxy.id)
    _press_o_on(qtbot, window, with_link.id)
    _press_o_on(qtbot, window, without.id)
    assert opened[:2] == ["https://arxiv.org/abs/2403.01234", with_link.links[0]]
    search = urlsplit(opened[2])
    assert (search.scheme, search.netloc) == ("https", "scholar.google.com")
    assert parse_qs(search.query)["q"] == [f'"{without.title}"']

    # The Paper menu chooses the site; the choice is a setting that outlives the window.
    (semantic,) = [a for a in window.actions_.search_sites if a.data() == "semantic"]
    semantic.trigger()
    assert semantic.isChecked()
    _press_o_on(qtbot, window, without.id)
    assert urlsplit(opened[3]).netloc == "www.semanticscholar.org"
    assert settings.value("papers/search_site") == "semantic"
    window.close()
    again = make_window()
    assert [a.data() for a in again.actions_.search_sites if a.isChecked()] == ["semantic"]
