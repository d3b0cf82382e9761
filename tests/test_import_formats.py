"""Every format through the one import wing: feeds and daily papers as digests, reference
files as papers with their tags and notes, the arXiv id as an identity, bad files refused
or partly imported with their reason, through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from readinglist.importing import NOTE_SEPARATOR, Importer
from readinglist.library import Library
from tests.conftest import ABSTRACT, FIXTURES, digest_text
from tests.test_importer import counts, write

FORMATS = FIXTURES / "formats"


def cli(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "readinglist", "--library", str(library), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def papers_json(library: Path) -> dict[str, dict[str, Any]]:
    shown = cli(library, "list", "--json")
    assert shown.returncode == 0, shown.stderr
    return {p["title"]: p for p in json.loads(shown.stdout)}


# -- where papers come from: feeds and daily papers, through the real command line --------------


def test_atom_rss_and_daily_papers_import_with_authors_and_arxiv_ids(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    files = ["arxiv_api.atom", "arxiv_new.rss", "arxiv_old.rdf", "hf_daily.json"]
    done = cli(lib, "import", "--json", *(str(FORMATS / f) for f in files))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [f["format"] for f in report["files"]] == [
        "arxiv-atom",
        "arxiv-rss",
        "arxiv-rss",
        "hf-daily",
    ]
    papers = papers_json(lib)
    lora = papers["LoRA: Low-Rank Adaptation of Large Language Models"]
    assert (lora["authors"], lora["arxiv_id"]) == (
        ["Edward J. Hu", "Yelong Shen", "Weizhu Chen"],
        "2106.09685",
    )
    assert lora["authors_count"] == 3
    assert lora["links"][0] == "https://arxiv.org/abs/2106.09685"
    assert lora["published"] == "2021-06-17"
    old = papers["An Old-Style Identifier"]
    assert (old["authors"], old["arxiv_id"]) == (["Ada Lovelace"], "hep-th/9901001")
    # The RSS feed and the daily papers list the same paper: one paper, seen in both.
    proxy = papers["Tuning Language Models by Proxy"]
    assert proxy["arxiv_id"] == "2403.01234"
    assert proxy["authors"][:2] == ["Alisa Liu", "Xiaochuang Han"]
    assert sorted(d["file_name"] for d in proxy["digests"]) == ["arxiv_new.rss", "hf_daily.json"]
    assert proxy["seen_count"] == 2
    assert proxy["upvotes"] == 42
    sighting = next(d for d in proxy["digests"] if d["file_name"] == "hf_daily.json")
    assert (sighting["date"], sighting["date_label"], sighting["upvotes"]) == (
        "2024-03-11",
        "Mar 11",
        42,
    )
    assert "https://github.com/alisawuffles/proxy-tuning" in proxy["links"]
    # Each listing is a digest of its own (the sidebar lists it).
    summary = cli(lib, "summary", "--json")
    assert json.loads(summary.stdout)["digests"] == len(files)


def test_the_saved_daily_papers_page_is_the_same_listing(tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    page = cli(lib, "import", str(FORMATS / "hf_daily_page.html"))
    assert page.returncode == 0, page.stderr
    papers = papers_json(lib)
    assert papers["Tuning Language Models by Proxy"]["arxiv_id"] == "2403.01234"
    # A page that is not the daily papers says what it lacks; the exit status says so too.
    other = cli(lib, "import", str(FORMATS / "not_daily_page.html"))
    assert other.returncode == 1
    assert 'data-target="DailyPapers"' in other.stderr


def test_a_listing_imported_twice_adds_nothing(library: Library) -> None:
    importer = Importer(library)
    first = importer.import_files([FORMATS / "hf_daily.json"]).files[0]
    assert (first.new, first.error) == (2, None)
    before = counts(library)
    again = importer.import_files([FORMATS / "hf_daily.json"]).files[0]
    assert again.already_imported
    assert counts(library) == before
    preview = importer.preview([FORMATS / "hf_daily.json"])[0]
    assert (preview.already_imported, preview.new) == (True, 0)


# -- the arXiv id is an identity --------------------------------------------------------------


def test_a_paper_under_its_arxiv_id_with_a_changed_title_is_one_paper(
    library: Library, tmp_path: Path
) -> None:
    first = write(
        tmp_path / "first.json",
        json.dumps(
            [
                {
                    "paper": {
                        "id": "2403.01234v1",
                        "title": "Proxy Tuning of Language Models",
                        "summary": "First version.",
                        "authors": [{"name": "Alisa Liu"}],
                        "upvotes": 3,
                    },
                    "publishedAt": "2024-03-11T00:00:00Z",
                }
            ]
        ),
    )
    importer = Importer(library)
    assert importer.import_files([first]).files[0].new == 1
    # The later listing retitled it; the preview and the import both know it is the same.
    preview = importer.preview([FORMATS / "arxiv_new.rss"])[0]
    assert (preview.entries, preview.new, preview.duplicates) == (2, 1, 1)
    report = importer.import_files([FORMATS / "arxiv_new.rss"]).files[0]
    assert (report.new, report.duplicates) == (1, 1)
    (paper,) = [p for p in library.list_papers() if p.arxiv_id == "2403.01234"]
    assert paper.title == "Proxy Tuning of Language Models"  # the first title stays
    assert sorted(s.file_name for s in paper.digests) == ["arxiv_new.rss", "first.json"]
    # The fuller list of authors replaces the shorter one; the count follows it.
    assert paper.authors[:2] == ("Alisa Liu", "Xiaochuang Han")
    assert paper.authors_count == len(paper.authors)


def test_a_digest_paper_gains_its_authors_and_arxiv_id_from_a_later_listing(
    library: Library, tmp_path: Path
) -> None:
    digest = write(
        tmp_path / "digest.txt",
        digest_text(("Tuning Language Models by Proxy", ABSTRACT), meta="  • 5 authors\n·\n12"),
    )
    importer = Importer(library)
    importer.import_files([digest])
    report = importer.import_files([FORMATS / "hf_daily.json"]).files[0]
    assert (report.new, report.duplicates) == (1, 1)
    paper = next(p for p in library.list_papers() if p.title == "Tuning Language Models by Proxy")
    assert paper.arxiv_id == "2403.01234"
    assert paper.authors == ("Alisa Liu", "Noah A. Smith")
    assert paper.authors_count == 5  # the digest counted more than the list names
    assert paper.upvotes == 42
    # The paper's own arXiv page joins its links; the digest's link stays first.
    assert paper.links[0] == "https://github.com/example/keep"
    assert "https://arxiv.org/abs/2403.01234" in paper.links
    assert paper.seen_count == 2


# -- reference files: papers, tags, notes; no sightings -----------------------------------------

BIB = r"""
@article{hu2021lora,
  title = {{LoRA}: Low-Rank Adaptation of Large Language Models},
  author = {Hu, Edward J. and Shen, Yelong},
  year = {2021},
  month = jun,
  eprint = {2106.09685},
  archivePrefix = {arXiv},
  keywords = {lora, peft},
  annote = {Read section 4.
Compare with adapters.},
  url = {https://github.com/microsoft/LoRA},
}
@misc{second,
  title = {A Paper With a Comma, in Its Title},
  year = {2024},
}
"""


def test_a_bibtex_file_adds_papers_with_tags_notes_authors_and_no_sightings(
    library: Library, tmp_path: Path
) -> None:
    bib = write(tmp_path / "refs.bib", BIB)
    importer = Importer(library)
    preview = importer.preview([bib])[0]
    assert (preview.format, preview.entries, preview.new) == ("bibtex", 2, 2)
    report = importer.import_files([bib]).files[0]
    assert (report.error, report.new) == (None, 2)
    assert counts(library)[1:] == (0, 0)  # no digest, no sightings
    lora = next(p for p in library.list_papers() if p.title.startswith("LoRA"))
    assert lora.authors == ("Edward J. Hu", "Yelong Shen")
    assert lora.arxiv_id == "2106.09685"
    assert lora.tags == ("lora", "peft")
    assert lora.note == "Read section 4.\nCompare with adapters."
    # The paper's own arXiv page comes first, then the file's link.
    assert lora.links == ("https://arxiv.org/abs/2106.09685", "https://github.com/microsoft/LoRA")
    assert lora.published is not None
    assert (lora.published.year, lora.published.month) == (2021, 6)
    assert lora.digests == ()
    # Again: nothing new, the note is not doubled, the tags are not doubled.
    again = importer.import_files([bib]).files[0]
    assert (again.new, again.duplicates) == (0, 2)
    assert library.paper(lora.id).note == lora.note
    assert library.paper(lora.id).tags == ("lora", "peft")


def test_notes_from_a_reference_file_merge_by_the_one_rule(
    library: Library, tmp_path: Path
) -> None:
    importer = Importer(library)
    importer.import_files([FORMATS / "arxiv_api.atom"])
    lora = next(p for p in library.list_papers() if p.arxiv_id == "2106.09685")
    library.set_note(lora.id, "My own note.")
    library.add_tags([lora.id], ["mine"])
    importer.import_files([write(tmp_path / "refs.bib", BIB)])
    merged = library.paper(lora.id)
    assert (
        merged.note == "My own note." + NOTE_SEPARATOR + "Read section 4.\nCompare with adapters."
    )
    assert merged.tags == ("lora", "mine", "peft")
    # Found by its arXiv id, not by its title: one paper, the feed's sighting kept.
    assert [s.file_name for s in merged.digests] == ["arxiv_api.atom"]


def test_ris_and_csl_json_files_import_by_content_whatever_their_names(
    library: Library, tmp_path: Path
) -> None:
    ris = tmp_path / "export.txt"
    ris.write_bytes((FORMATS / "zotero.ris").read_bytes())
    csl = tmp_path / "library.data"
    csl.write_bytes((FORMATS / "zotero_csl.json").read_bytes())
    result = Importer(library).import_files([ris, csl])
    assert [(f.format, f.error) for f in result.files] == [("ris", None), ("csl-json", None)]
    assert result.files[0].new >= 1


# -- bad files: refused or partly imported, with their reason and entry; the others go on ----

GOOD = digest_text(("A Good Paper About Forgetting", ABSTRACT))


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    big = json.dumps({"rows": [[0] * 1000] * 17_000}).encode()
    assert len(big) > 50_000_000
    (folder / "big.json").write_bytes(big)
    return {
        "good": write(folder / "good.txt", GOOD),
        "bib": write(
            folder / "broken.bib",
            "@misc{ok1, title = {First Fine Entry}}\n"
            "@misc{broken, title = {Unclosed\n"
            "@misc{ok2, title = {Second Fine Entry}}\n",
        ),
        "ris": write(
            folder / "no-er.ris",
            "TY  - GEN\nTI  - A Record That Ends\nER  - \n\nTY  - GEN\nTI  - A Record Cut Off\n",
        ),
        "csl": write(
            folder / "no-title.json",
            json.dumps([{"id": "a", "type": "article"}, {"id": "b", "title": "Titled Item"}]),
        ),
        "laughs": FORMATS / "billion_laughs.atom",
        "big": folder / "big.json",
        "unknown": write(folder / "other.json", '{"some": ["json", 1]}'),
    }


def test_bad_files_through_the_real_command_line(tmp_path: Path) -> None:
    files = _bad_files(tmp_path / "in")
    lib = tmp_path / "lib"
    order = ["bib", "laughs", "good", "ris", "big", "csl", "unknown"]
    done = cli(lib, "import", "--json", *(str(files[k]) for k in order))
    assert done.returncode == 1  # some files failed; the others were imported
    report = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    bib = report["broken.bib"]
    assert (bib["error"], bib["new"]) == (None, 2)
    assert any("entry 2 (line 2)" in w and "not valid BibTeX" in w for w in bib["warnings"])
    ris = report["no-er.ris"]
    assert (ris["error"], ris["new"]) == (None, 2)
    assert any("entry 2 (line 5): no ER line" in w for w in ris["warnings"])
    csl = report["no-title.json"]
    assert (csl["error"], csl["new"]) == (None, 1)
    assert "entry 1: skipped, it has no title" in csl["warnings"]
    assert "declares XML entities" in report["billion_laughs.atom"]["error"]
    assert "JSON of a kind readinglist does not read" in report["big.json"]["error"]
    assert "JSON of a kind readinglist does not read" in report["other.json"]["error"]
    assert report["good.txt"]["new"] == 1
    titles = set(papers_json(lib))
    assert titles == {
        "First Fine Entry",
        "Second Fine Entry",
        "A Good Paper About Forgetting",
        "A Record That Ends",
        "A Record Cut Off",
        "Titled Item",
    }
    # Human output names each file and its reason.
    again = cli(lib, "import", str(files["laughs"]))
    assert "billion_laughs.atom: error: arXiv Atom feed: the feed declares" in again.stderr


def test_a_file_that_fails_while_landing_leaves_nothing(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from readinglist.importing.merging import merge_note as real

    bib = write(tmp_path / "refs.bib", BIB)
    good = write(tmp_path / "good.txt", GOOD)

    def failing(session: Any, paper: Any, body: str, stamp: Any = None) -> bool:
        real(session, paper, body, stamp)
        if body:  # the disk fills up as the first note is written
            raise OSError(28, "No space left on device")
        return False

    monkeypatch.setattr("readinglist.importing.importer.merge_note", failing)
    result = Importer(library).import_files([bib, good])
    bad, ok = result.files
    assert bad.error is not None
    assert "could not write" in bad.error
    assert (bad.new, ok.new) == (0, 1)
    assert [p.title for p in library.list_papers()] == ["A Good Paper About Forgetting"]
    assert {t.name for t in library.tags()} == set()


def test_entries_over_the_text_limits_are_left_out_with_their_number(
    library: Library, tmp_path: Path
) -> None:
    long_title = "Long " * 200
    items = [
        {"id": "a", "title": long_title},
        {
            "id": "b",
            "title": "Kept",
            "keyword": "ok, " + "x" * 150,
            "author": [{"literal": "y" * 300}],
        },
    ]
    path = write(tmp_path / "items.json", json.dumps(items))
    report = Importer(library).import_files([path]).files[0]
    assert (report.error, report.new) == (None, 1)
    assert any(w.startswith("entry 1: title too long") for w in report.warnings)
    assert any(w.startswith("entry 2: tag too long") for w in report.warnings)
    assert any(w.startswith("entry 2: author name too long") for w in report.warnings)
    (kept,) = library.list_papers()
    assert (kept.title, kept.tags, kept.authors) == ("Kept", ("ok",), ())
    only_long = write(tmp_path / "long.json", json.dumps(items[:1]))
    refused = Importer(library).import_files([only_long]).files[0]
    assert refused.error is not None
    assert "no paper in the file fits" in refused.error


def test_cancelling_during_a_reference_file_leaves_nothing_of_it(
    library: Library, tmp_path: Path
) -> None:
    entries = "".join(
        f"@misc{{k{n}, title={{Paper number {n}}}, keywords={{t{n}}}}}\n" for n in range(450)
    )
    bib = write(tmp_path / "many.bib", entries)
    asked = iter(range(100))

    def cancelled() -> bool:
        return next(asked) >= 2  # before the file, at entry 0; then at entry 200: stop

    result = Importer(library).import_files([bib], cancelled=cancelled)
    assert result.cancelled
    assert library.list_papers() == []
    assert library.tags() == []
