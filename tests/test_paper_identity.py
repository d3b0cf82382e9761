"""Who wrote a paper and where it lives: the merge rules for authors, arXiv ids and links,
the paper JSON, the bundle and copy-library keeping them, and where **O** goes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from readinglist.cli.main import cli
from readinglist.core import Scope
from readinglist.export import Exporter
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.sharing import copy_library
from readinglist.urls import SEARCH_SITES, paper_page, search_site
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

DAILY = FIXTURES / "formats" / "hf_daily.json"


def _daily(path: Path, *papers: dict[str, object]) -> Path:
    path.write_text(
        json.dumps([{"paper": p, "publishedAt": "2024-03-11T00:00:00Z"} for p in papers]),
        encoding="utf-8",
    )
    return path


def test_merge_rules_for_authors_arxiv_ids_and_links(library: Library, tmp_path: Path) -> None:
    importer = Importer(library)
    first = _daily(
        tmp_path / "a.json",
        {"id": "2401.00001", "title": "One Paper", "authors": [{"name": "A"}, {"name": "B"}]},
    )
    importer.import_files([first])
    # Same title, another id, one author, another address of the first id's page.
    second = tmp_path / "b.bib"
    second.write_text(
        "@misc{k, title={One Paper}, author={C}, eprint={2401.99999}, "
        "url={http://arxiv.org/pdf/2401.00001v3}}\n",
        encoding="utf-8",
    )
    importer.import_files([second])
    (paper,) = library.list_papers()
    assert paper.arxiv_id == "2401.00001"  # the first id stays
    assert paper.authors == ("A", "B")  # a shorter list does not replace a longer one
    assert paper.authors_count == 2
    # Another address of its own arXiv page adds nothing.
    assert paper.links == ("https://arxiv.org/abs/2401.00001",)
    # A fuller list replaces it.
    third = _daily(
        tmp_path / "c.json",
        {"id": "2401.00001", "title": "One Paper (v2)", "authors": [{"name": n} for n in "ABCD"]},
    )
    importer.import_files([third])
    assert library.paper(paper.id).authors == ("A", "B", "C", "D")
    assert library.paper(paper.id).authors_count == 4


def test_the_paper_json_names_authors_and_arxiv_id(tmp_path: Path) -> None:
    location = tmp_path / "lib"
    runner = CliRunner()
    assert runner.invoke(cli, ["--library", str(location), "import", str(DAILY)]).exit_code == 0
    listed = runner.invoke(cli, ["--library", str(location), "list", "--json"])
    papers = {p["title"]: p for p in json.loads(listed.stdout)}
    proxy = papers["Tuning Language Models by Proxy"]
    assert (proxy["authors"], proxy["arxiv_id"]) == (["Alisa Liu", "Noah A. Smith"], "2403.01234")
    shown = runner.invoke(cli, ["--library", str(location), "show", str(proxy["id"])])
    assert "Authors: Alisa Liu, Noah A. Smith" in shown.stdout
    assert "arXiv: 2403.01234" in shown.stdout


def test_the_bundle_round_trips_authors_and_arxiv_ids(library: Library, tmp_path: Path) -> None:
    Importer(library).import_files([DAILY])
    bundle = tmp_path / "all.json"
    Exporter(library).export(Scope.library(), "json", bundle)
    doc = json.loads(bundle.read_text("utf-8"))
    assert {p["arxiv_id"] for p in doc["papers"]} == {"2403.01234", "2403.05678"}
    with Library.open(tmp_path / "other", backups=False) as other:
        assert Importer(other).import_files([bundle]).files[0].new == 2
        keep = {(p.title, p.authors, p.arxiv_id) for p in library.list_papers()}
        assert {(p.title, p.authors, p.arxiv_id) for p in other.list_papers()} == keep
    # A bundle from before authors were kept still reads; a bad arXiv id is refused.
    for paper in doc["papers"]:
        del paper["authors"], paper["arxiv_id"]
    old = tmp_path / "old.json"
    old.write_text(json.dumps(doc), encoding="utf-8")
    with Library.open(tmp_path / "third", backups=False) as third:
        assert Importer(third).import_files([old]).files[0].new == 2
    doc["papers"][0]["arxiv_id"] = "not an id"
    old.write_text(json.dumps(doc), encoding="utf-8")
    with Library.open(tmp_path / "fourth", backups=False) as fourth:
        report = Importer(fourth).import_files([old]).files[0]
        assert report.error is not None
        assert "papers[0].arxiv_id" in report.error


def test_copy_library_keeps_authors_and_arxiv_ids(tmp_path: Path) -> None:
    source = tmp_path / "source"
    with Library.open(source, backups=False) as lib:
        Importer(lib).import_files([DAILY])
        keep = {(p.title, p.authors, p.arxiv_id) for p in lib.list_papers()}
    copy_library(source, tmp_path / "copy")
    with Library.open(tmp_path / "copy", backups=False) as copied:
        assert {(p.title, p.authors, p.arxiv_id) for p in copied.list_papers()} == keep


@pytest.mark.parametrize(
    ("links", "arxiv_id", "site", "expected"),
    [
        (("https://github.com/a/b",), "2403.01234", None, "https://arxiv.org/abs/2403.01234"),
        ((), "hep-th/9901001", "arxiv", "https://arxiv.org/abs/hep-th/9901001"),
        (("javascript:alert(1)", "https://x.org/p"), None, None, "https://x.org/p"),
        (("https://x.org/p", "https://y.org"), None, "semantic", "https://x.org/p"),
    ],
)
def test_o_opens_arxiv_then_the_first_web_link(
    links: tuple[str, ...], arxiv_id: str | None, site: str | None, expected: str
) -> None:
    assert paper_page("A Title", links, arxiv_id, site) == expected


@pytest.mark.parametrize("site", [s.key for s in SEARCH_SITES])
def test_without_either_o_searches_the_exact_title(site: str) -> None:
    title = 'Attention "Is" All  You & Need?'
    url = urlsplit(paper_page(title, ("file:///etc/passwd",), None, site))
    assert url.scheme == "https"
    assert url.netloc == urlsplit(search_site(site).query_url).netloc
    values = [v for vs in parse_qs(url.query).values() for v in vs]
    assert '"Attention Is All You & Need?"' in values


def test_an_unknown_search_site_is_the_default() -> None:
    assert search_site("altavista") == SEARCH_SITES[0]
    assert search_site(None).key == "scholar"
