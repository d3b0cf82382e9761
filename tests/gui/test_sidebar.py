"""The sidebar: qtmodeltester, counts that match the views, sections kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from readinglist.core import Scope, View
from readinglist.gui.sidebar import (
    Section,
    SidebarData,
    SidebarModel,
    SidebarView,
    entries_for,
    load_sidebar,
)
from readinglist.gui.sources import DISMISSED, INBOX, STARRED
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from readinglist.library import Library
    from tests.gui.conftest import WindowFactory


def labels(model: SidebarModel, section: Section) -> list[str]:
    return [e.label for e in model.entries(section)]


def test_model_passes_qtmodeltester(
    qtmodeltester: ModelTester, library: Library, papers: list[int]
) -> None:
    library.add_tags(papers[:2], ["lora"])
    library.set_tag_color("lora", "#cc3333")
    Shelves(library).create("To read")
    Shelves(library).create("Adapters", query="lora OR adapter")
    model = SidebarModel()
    # Checked empty (placeholders), then it keeps watching every change that follows.
    qtmodeltester.check(model, force_py=True)  # type: ignore[no-untyped-call]
    model.apply(load_sidebar(library))
    library.add_tags([papers[3]], ["peft"])
    library.set_starred(papers[:1], True)
    model.apply(load_sidebar(library))
    assert labels(model, Section.TAGS) == ["lora", "peft"]


def test_counts_match_the_lists(library: Library, papers: list[int]) -> None:
    library.set_starred(papers[:2], True)
    library.set_status([papers[0]], ReadStatus.READ)
    library.trash([papers[4]])
    library.set_triage([papers[3]], Triage.DISMISSED)
    library.add_tags(papers[2:5], ["lora"])
    Shelves(library).create("Queue")
    Shelves(library).add("Queue", papers[2:5])
    Shelves(library).create("Adapters", query="tag:lora")
    data = load_sidebar(library, smart_counts=True)
    # Every count is what the entry's list shows: the one resolver answers both.
    for source, count in data.counts.items():
        assert count == len(library.paper_ids(source)), source
    for shelf in data.shelves:
        assert data.shelf_counts[shelf.id] == len(library.paper_ids(Scope.shelf(shelf.name)))
    for tag in data.tags:
        assert tag.count == len(library.paper_ids(Scope.tag(tag.name)))
    for digest in data.digests:
        assert digest.paper_count == len(library.paper_ids(Scope.digest(digest.id)))
    assert data.counts[STARRED] == 2
    assert data.counts[INBOX] == 3  # one trashed, one dismissed
    assert data.counts[DISMISSED] == 1


def test_sections_list_shelves_tags_and_digests(library: Library, papers: list[int]) -> None:
    library.add_tags(papers[:3], ["lora"])
    library.set_tag_color("lora", "#3366cc")
    Shelves(library).create("To read")
    Shelves(library).add("To read", papers[:2])
    Shelves(library).create("Adapters", query="lora")
    entries = entries_for(load_sidebar(library))
    shelves = {e.label: e for e in entries[Section.SHELVES]}
    assert shelves["To read"].count == 2
    assert shelves["To read"].icon == "shelf"
    assert shelves["Adapters"].icon == "smart"  # a different icon for smart shelves
    (tag,) = entries[Section.TAGS]
    assert (tag.label, tag.count, tag.color) == ("lora", 3, "#3366cc")
    (digest,) = entries[Section.DIGESTS]
    assert digest.count == 5
    assert digest.source == Scope(View.DIGEST, library.digests()[0].id)


def test_empty_sections_say_so() -> None:
    entries = entries_for(SidebarData())
    for section in (Section.SHELVES, Section.TAGS, Section.DIGESTS):
        (placeholder,) = entries[section]
        assert placeholder.source is None
        assert placeholder.label


def test_counts_update_in_place_and_the_selection_stays(
    qtbot: QtBot, library: Library, papers: list[int]
) -> None:
    model = SidebarModel()
    view = SidebarView(model)
    qtbot.addWidget(view)
    library.add_tags(papers[:1], ["lora"])
    view.apply(load_sidebar(library))
    assert view.select_source(Scope(View.TAG, "lora"))
    library.add_tags(papers[1:3], ["lora"])
    with qtbot.assertNotEmitted(model.modelReset), qtbot.assertNotEmitted(view.source_selected):
        view.apply(load_sidebar(library))
    assert view.current_source == Scope(View.TAG, "lora")
    assert model.entries(Section.TAGS)[0].count == 3


def test_a_vanished_tag_falls_back_to_all_papers(
    qtbot: QtBot, library: Library, papers: list[int]
) -> None:
    model = SidebarModel()
    view = SidebarView(model)
    qtbot.addWidget(view)
    library.add_tags(papers[:1], ["gone soon"])
    view.apply(load_sidebar(library))
    view.select_source(Scope(View.TAG, "gone soon"))
    library.delete_tag("gone soon")
    with qtbot.waitSignal(view.source_selected) as blocker:
        view.apply(load_sidebar(library))
    assert blocker.args == [Scope(View.ALL)]


def test_picking_an_entry_filters_the_table(
    qtbot: QtBot, make_window: WindowFactory, library: Library, papers: list[int]
) -> None:
    library.add_tags(papers[1:3], ["lora"])
    window = make_window()
    assert labels(window.sidebar_model, Section.TAGS) == ["lora"]
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        window.sidebar.select_source(Scope(View.TAG, "lora"))
    assert sorted(window.table_model.ids) == papers[1:3]
    digest = library.digests()[0]
    with qtbot.waitSignal(window.listing_applied, timeout=10_000):
        window.sidebar.select_source(Scope(View.DIGEST, digest.id))
    assert sorted(window.table_model.ids) == papers
