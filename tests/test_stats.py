"""The statistics service and ``readinglist stats``: each figure against known numbers."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from readinglist import stats
from readinglist.cli.main import cli
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves
from readinglist.store.models import Digest, Paper
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from pathlib import Path

    from readinglist.library import Library

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 26, 12, 0, tzinfo=UTC)  # a Wednesday; its week starts Mar 24

TITLES = {
    "p1": "Quiet Adapters for Vision Transformers",
    "p2": "Sparse Attention at Scale",
    "p3": "Reward Models Need More Data",
    "p4": "Benchmarks for Turkish Instruction Following",
    "p5": "Low-Rank Adapters Revisited",
    "p6": "World Models That Plan Ahead",
    "p7": "Document Agents Read Tables",
}
# When each paper was added and (for the ones whose status changed) last edited.
ADDED = {
    "p1": dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC),
    "p2": dt.datetime(2025, 3, 3, 11, 0, tzinfo=UTC),
    "p3": dt.datetime(2025, 3, 5, 12, 0, tzinfo=UTC),  # 21 days before NOW
    "p4": dt.datetime(2025, 3, 6, 12, 0, tzinfo=UTC),  # 20 days
    "p5": dt.datetime(2025, 3, 12, 12, 0, tzinfo=UTC),  # 14 days
    "p6": dt.datetime(2025, 3, 12, 13, 0, tzinfo=UTC),
    "p7": dt.datetime(2025, 3, 20, 9, 0, tzinfo=UTC),
}
UPDATED = {
    "p1": dt.datetime(2025, 3, 18, 8, 0, tzinfo=UTC),  # read in the week of Mar 17
    "p2": dt.datetime(2025, 3, 4, 8, 0, tzinfo=UTC),  # skimmed in the week it was added
}


def _digest(tmp_path: Path, name: str, label: str, *keys: str) -> Path:
    path = tmp_path / name
    path.write_text(
        digest_text(*((TITLES[k], f"{TITLES[k]}. {ABSTRACT}") for k in keys), label=label),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def known(library: Library, tmp_path: Path) -> dict[str, int]:
    """Three digests, seven papers; statuses, tags, shelves and dates all known."""
    files = [
        _digest(tmp_path, "a.txt", "Mar 3", "p1", "p2", "p3", "p4"),
        _digest(tmp_path, "b.txt", "Mar 10", "p3", "p4", "p5", "p6"),
        _digest(tmp_path, "c.txt", "Mar 17", "p4", "p7"),
    ]
    result = Importer(library).import_files(files)
    assert not result.failed
    by_title = {r.title: r.id for r in library.papers(library.paper_ids())}
    ids = {k: by_title[t] for k, t in TITLES.items()}
    library.set_status([ids["p1"]], ReadStatus.READ)
    library.set_status([ids["p2"]], ReadStatus.SKIMMED)
    library.set_triage([ids["p6"]], Triage.DISMISSED)
    library.add_tags([ids["p1"], ids["p2"], ids["p3"]], ["lora"])
    library.add_tags([ids["p3"]], ["peft"])
    library.add_tags([ids["p7"]], ["trashed-only"])
    library.trash([ids["p7"]])
    shelves = Shelves(library)
    shelves.create("To read")
    shelves.add("To read", [ids["p3"], ids["p5"], ids["p1"]])
    shelves.create("Adapters", query="title:adapters")
    shelves.create("Empty")
    # Dates last: every edit above moved updated_at to the real clock.
    with library.write() as tx:
        for key, paper_id in ids.items():
            paper = tx.session.get(Paper, paper_id)
            assert paper is not None
            paper.added_at = ADDED[key]
            paper.updated_at = UPDATED.get(key, ADDED[key])
        imported = {
            "a.txt": dt.datetime(2025, 3, 3, 9, 0, tzinfo=UTC),
            "b.txt": dt.datetime(2025, 3, 12, 9, 0, tzinfo=UTC),
            "c.txt": dt.datetime(2025, 3, 20, 9, 0, tzinfo=UTC),
        }
        for digest in tx.session.scalars(select(Digest)):
            digest.imported_at = imported[digest.file_name]
    return ids


def test_counts_by_status_and_state(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    assert s.papers == 6
    assert s.by_status == {"unread": 4, "skimmed": 1, "read": 1}
    assert s.dismissed == 1
    assert s.trashed == 1


def test_digests_count_new_papers_where_first_seen(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    rows = [(d.file_name, d.entries, d.papers, d.new_papers) for d in s.digests]
    assert rows == [("a.txt", 4, 4, 4), ("b.txt", 4, 4, 2), ("c.txt", 2, 2, 1)]


def test_weeks_added_and_backlog(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    table = [(w.week.isoformat(), w.added, w.unread, w.skimmed, w.read) for w in s.weeks]
    assert table == [
        # p1-p4 added; p2 skimmed that week; p6 (dismissed) and p7 (trash) never in backlog
        ("2025-03-03", 4, 3, 1, 0),
        ("2025-03-10", 2, 4, 1, 0),  # p5 added (p6 too, but dismissed)
        ("2025-03-17", 1, 3, 1, 1),  # p1 read; p7 added (counted as added, though trashed)
        ("2025-03-24", 0, 3, 1, 1),  # this week: nothing new
    ]
    assert s.backlog == 3
    assert s.backlog_change(1) == 0
    assert s.backlog_change(2) == -1
    assert s.backlog_change(4) == 3


def test_weeks_follow_the_time_zone(library: Library, known: dict[str, int]) -> None:
    # p1 was added Monday 10:00 UTC: still Sunday in a zone 12 hours behind.
    s = stats.compute(library, now=NOW, tz=dt.timezone(dt.timedelta(hours=-12)))
    assert s.weeks[0].week == dt.date(2025, 2, 24)
    assert s.weeks[0].added == 2


def test_unread_age_of_library_and_shelves(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    age = s.unread_age
    assert (age.papers, age.unread, age.median_days, age.max_days) == (5, 3, 20.0, 21.0)
    shelves = {a.name: (a.kind, a.papers, a.unread, a.median_days, a.max_days) for a in s.shelves}
    assert shelves == {
        "To read": ("manual", 3, 2, 17.5, 21.0),
        "Adapters": ("smart", 2, 1, 14.0, 14.0),
        "Empty": ("manual", 0, 0, None, None),
    }


def test_top_tags_leave_out_trashed_papers(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    assert [(t.name, t.count) for t in s.top_tags] == [("lora", 3), ("peft", 1)]
    assert [t.name for t in stats.compute(library, now=NOW, top=1).top_tags] == ["lora"]


def test_most_seen_papers(library: Library, known: dict[str, int]) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    assert [(m.paper_id, m.seen) for m in s.most_seen] == [(known["p4"], 3), (known["p3"], 2)]
    assert s.most_seen[0].title == TITLES["p4"]


def test_empty_library(library: Library) -> None:
    s = stats.compute(library, now=NOW, tz=UTC)
    assert (s.papers, s.backlog, s.backlog_change(), s.weeks, s.digests) == (0, 0, 0, (), ())
    assert s.unread_age.median_days is None
    assert s.to_json()["weeks"] == []


def _json(library_dir: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, ["--library", str(library_dir), "stats", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_stats_json_figures(library: Library, library_dir: Path, known: dict[str, int]) -> None:
    data = _json(library_dir)
    assert data["papers"] == 6
    assert data["by_status"] == {"unread": 4, "skimmed": 1, "read": 1}
    assert (data["dismissed"], data["trashed"], data["backlog"]) == (1, 1, 3)
    assert [(d["file_name"], d["new_papers"]) for d in data["digests"]] == [
        ("a.txt", 4),
        ("b.txt", 2),
        ("c.txt", 1),
    ]
    # The weekly series runs from the first paper's week to the real current week.
    assert data["weeks"][0]["week"] == "2025-03-03"
    assert sum(w["added"] for w in data["weeks"]) == 7
    assert data["weeks"][-1]["unread"] == 3
    assert data["unread_age"]["unread"] == 3
    assert {s["name"]: s["unread"] for s in data["shelves"]} == {
        "To read": 2,
        "Adapters": 1,
        "Empty": 0,
    }
    assert data["top_tags"] == [
        {"name": "lora", "color": None, "count": 3},
        {"name": "peft", "color": None, "count": 1},
    ]
    assert [(m["id"], m["seen_count"]) for m in data["most_seen"]] == [
        (known["p4"], 3),
        (known["p3"], 2),
    ]


def test_stats_json_weeks_option(library_dir: Path, known: dict[str, int]) -> None:
    data = _json(library_dir, "--weeks", "2", "--top", "1")
    assert len(data["weeks"]) == 2
    assert [t["name"] for t in data["top_tags"]] == ["lora"]


def test_stats_text(library_dir: Path, known: dict[str, int]) -> None:
    result = CliRunner().invoke(cli, ["--library", str(library_dir), "stats"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Papers: 6 (4 unread, 1 skimmed, 1 read); 1 dismissed; 1 in the Trash" in out
    assert "Backlog: 3 unread" in out
    assert "To read" in out
    assert "Adapters (smart)" in out
    assert "(last 12 of" in out  # the real clock is long past March 2025
    assert f"3×  #{known['p4']}" in out


def test_stats_text_empty_library(library_dir: Path) -> None:
    Library.open(library_dir).close()  # a library with nothing in it yet
    result = CliRunner().invoke(cli, ["--library", str(library_dir), "stats"])
    assert result.exit_code == 0
    assert "Import a digest" in result.output


def test_stats_of_a_folder_without_a_library_refuses(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--library", str(tmp_path / "nothing"), "stats"])
    assert result.exit_code == 1
    assert "no library here" in result.output
    assert not (tmp_path / "nothing").exists()  # nothing was created
