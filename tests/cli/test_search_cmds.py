"""``readinglist search``, ``similar`` and ``list --query``: output people and scripts rely on."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner, Result

from readinglist.cli.main import cli
from tests.search.conftest import PAPERS, digest

if TYPE_CHECKING:
    from pathlib import Path

BASIC_FIELDS = {"id", "title", "abstract", "starred", "read_status", "tags", "digests"}


@pytest.fixture
def run(tmp_path: Path) -> Any:
    lib = tmp_path / "lib"
    source = tmp_path / "papers.txt"
    source.write_text(digest(*PAPERS.values()), encoding="utf-8")

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["--library", str(lib), *args])

    assert invoke("import", str(source)).exit_code == 0
    return invoke


def test_search_json_is_list_json_plus_score_and_snippet(run: Any) -> None:
    res = run("search", "catastrophic", "forgetting", "--json")
    assert res.exit_code == 0, res.output
    papers = json.loads(res.stdout)
    listed = {p["id"]: p for p in json.loads(run("list", "--json").stdout)}
    assert [p["title"] for p in papers] == [
        PAPERS["title_cf"].title,
        PAPERS["abstract_cf"].title,
    ]
    for paper in papers:
        assert set(paper) == set(listed[paper["id"]]) | {"score", "snippet"}
        assert set(paper) >= BASIC_FIELDS
        assert {k: v for k, v in paper.items() if k not in ("score", "snippet")} == listed[
            paper["id"]
        ]
        assert paper["score"] > 0
    assert "**catastrophic**" in papers[1]["snippet"]


def test_search_prints_ranked_hits_with_snippets(run: Any) -> None:
    res = run("search", "diffusion", "--limit", "1")
    assert res.exit_code == 0
    lines = res.stdout.splitlines()
    assert lines[0].lstrip().startswith("1.")
    assert "Diffusion" in lines[0]
    assert lines[-1] == "1 of 2 papers"


def test_search_tells_about_bad_queries_and_misspellings(run: Any) -> None:
    res = run("search", '"catastrophic forgetting')
    assert res.exit_code == 0
    assert "warning: a quote is not closed" in res.stderr
    assert "Forgetting" in res.stdout
    res = run("search", "catastrofic")
    assert res.exit_code == 0
    assert "No papers found." in res.stdout
    assert "Did you mean: catastrophic" in res.stderr


def test_search_a_negative_query_after_double_dash(run: Any) -> None:
    res = run("search", "--json", "--", "diffusion -survey")
    assert [p["title"] for p in json.loads(res.stdout)] == [PAPERS["diffusion"].title]


def test_similar(run: Any) -> None:
    first = json.loads(run("search", "overcoming", "--json").stdout)[0]["id"]
    res = run("similar", str(first), "--json", "--limit", "2")
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    assert rows[0]["title"] == PAPERS["abstract_cf"].title
    listed = {p["id"]: p for p in json.loads(run("list", "--json").stdout)}
    assert set(rows[0]) == set(listed[rows[0]["id"]]) | {"score", "shared_terms"}
    assert rows[0]["shared_terms"]
    human = run("similar", str(first))
    assert human.stdout.startswith(f"Papers like #{first}: ")
    assert "shares: " in human.stdout
    missing = run("similar", "99999")
    assert missing.exit_code == 1
    assert "no paper with id 99999" in missing.stderr


def test_list_and_smart_shelves_take_the_query_language(run: Any) -> None:
    res = run("list", "--query", "year:2024", "--json")
    assert sorted(p["title"] for p in json.loads(res.stdout)) == sorted(
        [PAPERS["title_cf"].title, PAPERS["abstract_cf"].title]
    )
    assert run("tag", "1", "thesis").exit_code == 0
    assert run("shelf", "create", "Thesis", "--query", "tag:thesis OR lora").exit_code == 0
    shown = json.loads(run("shelf", "show", "Thesis", "--json").stdout)
    assert {p["id"] for p in shown["papers"]} >= {1}
    assert len(shown["papers"]) == 2


def test_reindex_keeps_search_working(run: Any) -> None:
    res = run("reindex")
    assert res.exit_code == 0
    assert "indexed 7 papers" in res.stdout
    assert len(json.loads(run("search", "diffusion", "--json").stdout)) == 2
