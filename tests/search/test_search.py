"""Searching a library: ranking, every operator and filter, snippets, suggestions, similar."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from readinglist.errors import PaperNotFound
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.querylang import MAX_QUERY_CHARS
from readinglist.records import ReadStatus, Triage
from readinglist.shelves import Shelves
from readinglist.store.models import Paper
from tests.search.conftest import PAPERS, digest, found

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


ALL = set(PAPERS)

# (query, the papers it must find); a list means "in this order", a set means "these, any order"
QUERIES: list[tuple[str, list[str] | set[str]]] = [
    ("catastrophic forgetting", ["title_cf", "abstract_cf"]),
    ("forgetting catastrophic", ["title_cf", "abstract_cf"]),
    ("tuning", {"tuning"}),  # the abstract says "tuned" and "tunes"
    ("tunes", {"tuning"}),
    ('"low-rank adaptation"', {"lora"}),
    ("low-rank", {"lora"}),
    ('"adaptation low-rank"', set()),  # a phrase keeps its order
    ("weights-consolidation", {"abstract_cf"}),  # a split word needs its parts, anywhere
    ('"weights-consolidation"', set()),  # quoted, side by side
    ("diffus*", {"diffusion", "survey"}),
    ("diffusion -survey", {"diffusion"}),
    ("diffusion NOT survey", {"diffusion"}),
    ("lora OR gans", {"lora", "diffusion"}),
    ("(lora OR gans) -denoising", {"lora"}),
    ("lora OR gans language", {"lora"}),  # OR binds tighter than the implicit AND
    ("title:diffusion", {"diffusion", "survey"}),
    ("abstract:samplers", {"survey"}),
    ("title:samplers", set()),
    ("org:microsoft", {"lora"}),
    ("year:2024", {"title_cf", "abstract_cf"}),
    ("year:2021..2022", {"lora", "diffusion"}),
    ("year:>=2023", {"title_cf", "abstract_cf", "tuning"}),
    ("date:2024-03..2024-05", {"title_cf"}),
    ("date:>=2024-06", {"abstract_cf"}),
    ("upvotes:>=10", {"title_cf", "tuning"}),
    ("upvotes:3..7", {"abstract_cf", "lora"}),
    ("upvotes:<5", {"abstract_cf", "diffusion", "survey", "escape"}),  # no count: 0
    ("seen:>=1", ALL),
    ("seen:>=2", set()),
    ("is:unread", ALL),
    ("is:new", ALL),
    ("is:starred", set()),
    ("is:read", set()),
    ("added:7d", ALL),
    ("-diffusion", ALL - {"diffusion", "survey"}),
    ("models year:2024..", set()),
    ("weights year:2024", {"title_cf", "abstract_cf"}),
    ("zebrafish", set()),
]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, dict[str, int]]]:
    """One library for the read-only query table (importing per case would be slow)."""
    lib = Library.open(tmp_path_factory.mktemp("shared") / "library", backups=False)
    assert Importer(lib).import_text(digest(*PAPERS.values()), name="test digest").ok
    by_title = {p.title: p.id for p in lib.list_papers()}
    yield lib, {key: by_title[paper.title] for key, paper in PAPERS.items()}
    lib.close()


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_queries(shared: tuple[Library, dict[str, int]], query: str, expected: object) -> None:
    library, ids = shared
    outcome = library.search(query, limit=None)
    assert outcome.message is None
    hits = found(outcome)
    assert outcome.total == len(hits)
    if isinstance(expected, list):
        assert hits[: len(expected)] == [ids[k] for k in expected]
        assert len(hits) == len(expected)
    else:
        assert set(hits) == {ids[k] for k in expected}  # type: ignore[attr-defined]


def test_a_title_match_outranks_an_abstract_only_match(
    library: Library, ids: dict[str, int]
) -> None:
    hits = library.search("catastrophic").hits
    assert [h.id for h in hits] == [ids["title_cf"], ids["abstract_cf"]]
    assert hits[0].score > hits[1].score > 0


def test_limit_keeps_the_best_and_counts_all(library: Library, ids: dict[str, int]) -> None:
    outcome = library.search("diffusion", limit=1)
    assert len(outcome.hits) == 1
    assert outcome.total == 2
    assert outcome.hits[0].id in {ids["diffusion"], ids["survey"]}


def test_filters_alone_list_newest_first(library: Library, ids: dict[str, int]) -> None:
    with library.write() as tx:
        paper = tx.session.get(Paper, ids["lora"])
        assert paper is not None
        paper.added_at = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        tx.touch(paper.id)
    outcome = library.search("is:unread")
    assert outcome.hits[0].id == ids["lora"]
    assert {h.score for h in outcome.hits} == {0.0}


# -- the index follows every edit, without a rebuild -------------------------------------------


def test_star_and_status_are_found_at_once(library: Library, ids: dict[str, int]) -> None:
    library.set_starred([ids["lora"]], True)
    library.set_status([ids["tuning"]], ReadStatus.SKIMMED)
    library.set_status([ids["survey"]], ReadStatus.READ)
    assert found(library.search("is:starred")) == [ids["lora"]]
    assert found(library.search("is:skimmed")) == [ids["tuning"]]
    assert found(library.search("is:read")) == [ids["survey"]]
    assert ids["tuning"] not in found(library.search("is:unread", limit=None))
    assert found(library.search("low-rank is:starred")) == [ids["lora"]]
    library.set_starred([ids["lora"]], False)
    assert found(library.search("is:starred")) == []


def test_tags_notes_and_shelves_are_found_at_once(library: Library, ids: dict[str, int]) -> None:
    library.add_tags([ids["lora"], ids["tuning"]], ["PEFT", "to read"])
    library.set_note(ids["survey"], "Reread the section on **samplers** before the talk.")
    Shelves(library).create("Thesis")
    Shelves(library).add("Thesis", [ids["diffusion"]])
    assert set(found(library.search("tag:peft"))) == {ids["lora"], ids["tuning"]}
    assert set(found(library.search('tag:"to read"'))) == {ids["lora"], ids["tuning"]}
    assert set(found(library.search("peft"))) == {ids["lora"], ids["tuning"]}  # free words too
    assert found(library.search("note:talk")) == [ids["survey"]]
    assert found(library.search("shelf:thesis")) == [ids["diffusion"]]
    hit = library.search("talk").hits[0]
    assert hit.snippet.startswith("Note: ")
    assert "**talk**" in hit.snippet

    library.rename_tag("PEFT", "adapters")
    assert found(library.search("tag:peft")) == []
    assert set(found(library.search("tag:adapters"))) == {ids["lora"], ids["tuning"]}
    library.remove_tags([ids["tuning"]], ["adapters"])
    assert found(library.search("tag:adapters")) == [ids["lora"]]
    library.delete_tag("adapters")
    assert found(library.search("tag:adapters")) == []
    library.set_note(ids["survey"], "")
    assert found(library.search("note:talk")) == []
    state = library.index.state()
    assert state is not None
    assert state.applied_seq > 0


def test_trashed_papers_are_left_out_unless_asked_for(
    library: Library, ids: dict[str, int]
) -> None:
    library.trash([ids["survey"]])
    assert found(library.search("diffusion")) == [ids["diffusion"]]
    assert set(found(library.search("diffusion", include_trashed=True))) == {
        ids["diffusion"],
        ids["survey"],
    }
    assert found(library.search("is:trashed")) == [ids["survey"]]
    assert found(library.search("diffusion is:trashed")) == [ids["survey"]]
    library.restore([ids["survey"]])
    assert len(found(library.search("diffusion"))) == 2
    library.trash([ids["survey"]])
    library.empty_trash()
    assert found(library.search("is:trashed")) == []
    assert ids["survey"] not in library.index.ids()


def test_dismissed_papers_stay_searchable(library: Library, ids: dict[str, int]) -> None:
    library.set_triage([ids["lora"]], Triage.DISMISSED)
    library.set_triage([ids["tuning"]], Triage.KEPT)
    assert found(library.search("low-rank")) == [ids["lora"]]
    assert found(library.search("is:dismissed")) == [ids["lora"]]
    assert found(library.search("is:kept")) == [ids["tuning"]]
    assert ids["lora"] not in found(library.search("is:new", limit=None))


def test_seen_counts_digests(library: Library, ids: dict[str, int]) -> None:
    again = digest(PAPERS["lora"], PAPERS["tuning"], label="Mar 12")
    assert Importer(library).import_text(again, name="second").ok
    assert set(found(library.search("seen:>=2"))) == {ids["lora"], ids["tuning"]}
    assert found(library.search("seen:2 lora")) == [ids["lora"]]


def test_added_counts_back_from_now(library: Library, ids: dict[str, int]) -> None:
    with library.write() as tx:
        paper = tx.session.get(Paper, ids["diffusion"])
        assert paper is not None
        paper.added_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
        tx.touch(paper.id)
    assert ids["diffusion"] not in found(library.search("added:7d", limit=None))
    assert ids["diffusion"] in found(library.search("added:5w", limit=None))
    assert found(library.search("diffusion -added:7d")) == [ids["diffusion"]]


# -- results ------------------------------------------------------------------------------------


def test_hits_mark_matched_words_and_escape_everything_else(
    library: Library, ids: dict[str, int]
) -> None:
    hit = library.search("catastrophic").hits[0]
    assert hit.title_html == "Overcoming <b>Catastrophic</b> Forgetting in Neural Networks"
    second = library.search("catastrophic").hits[1]
    assert "**catastrophic**" in second.snippet
    assert "<b>catastrophic</b>" in second.snippet_html

    escaped = library.search("attention").hits[0]
    assert escaped.id == ids["escape"]
    assert escaped.title_html == "<b>Attention</b> &lt;Is&gt; All &amp; You Need"
    unmarked = escaped.snippet_html.replace("<b>", "").replace("</b>", "")
    assert "<" not in unmarked
    assert ">" not in unmarked
    assert "&quot;&lt;b&gt;&quot;" in escaped.snippet_html
    assert '"<b>"' in escaped.snippet  # the plain snippet is plain text


def test_snippets_show_the_matching_part_of_a_long_abstract(library: Library) -> None:
    long_abstract = " ".join(["Padding words about nothing in particular."] * 30)
    text = digest(
        PAPERS["lora"].__class__(
            "A Long Paper", long_abstract + " The key finding concerns zeppelins. " + long_abstract
        )
    )
    assert Importer(library).import_text(text, name="long").ok
    hit = library.search("zeppelins").hits[0]
    assert "**zeppelins**" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) < 300


def test_terms_are_the_positive_words(library: Library, ids: dict[str, int]) -> None:
    outcome = library.search("catastrophic -survey tag:x")
    assert outcome.terms == ("catastrophic", "x")


def test_no_snippets_when_not_wanted(library: Library, ids: dict[str, int]) -> None:
    hit = library.search("catastrophic", snippets=False).hits[0]
    assert (hit.title_html, hit.snippet_html, hit.snippet) == ("", "", "")


# -- bad queries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"catastrophic forgetting', "quote is not closed"),
        ("(catastrophic forgetting", "'(' is not closed"),
        ("colour:red catastrophic", "unknown field colour:"),
        ("catastrophic year:soon", "year:soon is not understood"),
    ],
)
def test_bad_queries_answer_with_a_message_and_a_reading(
    library: Library, ids: dict[str, int], query: str, message: str
) -> None:
    outcome = library.search(query)
    assert outcome.message is not None
    assert message in outcome.message
    if "colour" not in query:
        assert ids["title_cf"] in found(outcome)


def test_a_50kb_paste_answers_quickly(library: Library, ids: dict[str, int]) -> None:
    """Only the paste's beginning is searched: the work is bounded (bench/robustness times it)."""
    paste = ('catastrophic (forgetting "neural OR -x* title: ' * 2000)[: 50 * 1024]
    outcome = library.search(paste)
    assert outcome.message is not None
    assert "too long" in outcome.message
    assert outcome.hits == library.search(paste[:MAX_QUERY_CHARS]).hits


def test_only_common_words(library: Library, ids: dict[str, int]) -> None:
    outcome = library.search("the of")
    assert outcome.hits == ()
    assert outcome.message is not None
    assert "too common" in outcome.message


# -- did you mean, similar ------------------------------------------------------------------------


def test_did_you_mean_corrects_misspelled_words(library: Library, ids: dict[str, int]) -> None:
    outcome = library.search("catastrofic forgeting")
    assert outcome.hits == ()
    assert outcome.suggestion == "catastrophic forgetting"
    assert found(library.search(outcome.suggestion))[:2] == [ids["title_cf"], ids["abstract_cf"]]
    assert library.search("catastrophic forgetting").suggestion is None
    assert library.search("title:difusion").suggestion == "title:diffusion"
    assert library.search("zebrafish").suggestion is None


def test_similar_papers_share_terms(library: Library, ids: dict[str, int]) -> None:
    similar = library.similar(ids["title_cf"], limit=3)
    assert similar[0].id == ids["abstract_cf"]
    assert {"catastrophic", "forgetting"} & set(similar[0].shared_terms)
    assert ids["title_cf"] not in {s.id for s in similar}
    assert [s.score for s in similar] == sorted((s.score for s in similar), reverse=True)
    library.trash([ids["abstract_cf"]])
    assert ids["abstract_cf"] not in {s.id for s in library.similar(ids["title_cf"])}


def test_similar_to_an_unknown_paper(library: Library, ids: dict[str, int]) -> None:
    with pytest.raises(PaperNotFound):
        library.similar(999_999)


# -- the real example digests -------------------------------------------------------------


def test_catastrophic_forgetting_in_the_real_digests(
    library: Library, real_digests: list[Path]
) -> None:
    Importer(library).import_files(real_digests)
    outcome = library.search("catastrophic forgetting", limit=10)
    assert outcome.total >= 5
    records = library.papers([h.id for h in outcome.hits])
    assert "catastrophic forgetting" in records[0].title.lower()
    for hit, record in zip(outcome.hits[:5], records[:5], strict=True):
        text = f"{record.title} {record.abstract}".lower()
        assert "catastrophic" in text
        assert "forget" in text
        assert re.search(r"\*\*catastrophic\*\*", hit.snippet, re.IGNORECASE) or (
            "<b>" in hit.title_html
        )
    assert library.search("catastrofic forgeting").suggestion == "catastrophic forgetting"
    similar = library.similar(records[0].id, limit=5)
    assert len(similar) == 5
    assert all(s.shared_terms for s in similar)
    with library.read() as s:
        assert s.scalar(select(Paper.id).where(Paper.id == records[0].id)) is not None
