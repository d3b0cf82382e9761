"""Every reader on hand-made fixtures of the documented shapes, on bad input, and on what
readinglist itself exports (a round trip through each reference format)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist import formats
from readinglist.digest import parse_bytes
from readinglist.exporters import ExportOptions, bundle, render
from readinglist.formats import FormatError, arxiv_id, detect, read
from tests.exporters.records import NASTY, make_record

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
DIGESTS = Path(__file__).resolve().parents[1] / "fixtures" / "digests"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# -- detection by content ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("arxiv_api.atom", "arxiv-atom"),
        ("arxiv_new.rss", "arxiv-rss"),
        ("arxiv_old.rdf", "arxiv-rss"),
        ("billion_laughs.atom", "arxiv-atom"),
        ("hf_daily.json", "hf-daily"),
        ("hf_daily_page.html", "hf-daily-page"),
        ("not_daily_page.html", "hf-daily-page"),
        ("zotero.bib", "bibtex"),
        ("zotero.ris", "ris"),
        ("zotero_csl.json", "csl-json"),
    ],
)
def test_detects_each_fixture_by_content(name: str, kind: str) -> None:
    assert detect(fixture(name)) == kind
    assert detect(b"\xef\xbb\xbf" + fixture(name)) == kind  # a BOM changes nothing


def test_digests_and_bundles_keep_their_own_readers() -> None:
    for path in DIGESTS.glob("*.txt"):
        data = path.read_bytes()
        assert detect(data) == "digest"
        parse_bytes(data, reference=dt.date(2025, 1, 1))  # still a digest for its parser
    records = [make_record(1)]
    dumped = bundle.dumps(bundle.from_records(records, scope="x", generator="t", exported_at=None))
    assert detect(dumped.encode()) == "bundle"
    for junk in (b"", b"%PDF-1.4 x", b"\x00\x01", b"<xml/>", b"plain words"):
        assert detect(junk) == "digest"  # the digest parser says why it is not one


@pytest.mark.parametrize(
    ("fmt", "kind"), [("bibtex", "bibtex"), ("ris", "ris"), ("csljson", "csl-json")]
)
def test_detects_what_readinglist_exports(fmt: str, kind: str) -> None:
    assert detect(render([make_record()], fmt, ExportOptions()).encode()) == kind


# -- listings ---------------------------------------------------------------------------------


def test_arxiv_atom() -> None:
    source = read(fixture("arxiv_api.atom"))
    assert (source.format, source.listing, source.date) == (
        "arxiv-atom",
        True,
        dt.date(2024, 3, 12),
    )
    lora, old = source.papers
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.abstract.startswith("An important paradigm")
    assert "data & adaptation" in lora.abstract
    assert lora.authors == ("Edward J. Hu", "Yelong Shen", "Weizhu Chen")
    assert lora.arxiv_id == "2106.09685"
    assert lora.links == ("https://arxiv.org/abs/2106.09685",)
    assert lora.published == dt.date(2021, 6, 17)
    assert old.arxiv_id == "hep-th/9901001"


def test_arxiv_rss_new_and_old() -> None:
    new = read(fixture("arxiv_new.rss"))
    assert (new.listing, new.date, new.date_label) == (True, dt.date(2024, 3, 11), "Mar 11")
    first, second = new.papers
    assert first.authors == ("Alisa Liu", "Xiaochuang Han", "Yizhong Wang", "Noah A. Smith")
    assert first.abstract.startswith("Despite the general")  # the "Announce Type" preamble goes
    assert first.arxiv_id == "2403.01234"
    assert second.title == "Cut & Paste: <Brackets> in Titles"
    assert second.arxiv_id == "2403.05678"
    assert "https://github.com/x/Cr-KD-NCD{here}" in second.links
    (old,) = read(fixture("arxiv_old.rdf")).papers
    assert old.title == "Scaling Laws for Sparse Models"
    assert old.abstract == "We study sparse models & their scaling."
    assert old.authors == ("Ada Lovelace", "Alan Turing")
    assert old.arxiv_id == "2312.04567"


@pytest.mark.parametrize("name", ["hf_daily.json", "hf_daily_page.html"])
def test_hugging_face_daily_papers(name: str) -> None:
    source = read(fixture(name))
    assert (source.listing, source.date, source.date_label) == (
        True,
        dt.date(2024, 3, 11),
        "Mar 11",
    )
    first, second = source.papers
    assert first.title == "Tuning Language Models by Proxy"
    assert first.authors == ("Alisa Liu", "Noah A. Smith")
    assert (first.arxiv_id, first.upvotes, first.published) == (
        "2403.01234",
        42,
        dt.date(2024, 3, 8),
    )
    assert first.links[0] == "https://arxiv.org/abs/2403.01234"
    assert second.arxiv_id == "2403.05678"  # without its version
    if name.endswith(".json"):
        assert source.warnings == ('entry 3: skipped, it has no "paper" object',)


# -- reference files --------------------------------------------------------------------------


def test_zotero_jabref_and_arxiv_bibtex() -> None:
    source = read(fixture("zotero.bib"))
    assert (source.format, source.listing) == ("bibtex", False)
    assert [w.split(":")[0] for w in source.warnings] == ["entry 2 (line 18)", "entry 3 (line 23)"]
    lora, jabref = source.papers
    assert lora.title == "LoRA: Low-Rank Adaptation of Large Language Models"
    assert lora.abstract.startswith("Costs <1% of the ~175B parameters; x^2 and a brace {")
    assert lora.authors == ("Edward J. Hu", "Yelong Shen", "Wallis, Phillip", "Zeyuan Allen-Zhu")
    assert (lora.arxiv_id, lora.citekey, lora.note) == (
        "2106.09685",
        "hu_lora_2021",
        "Comment: Draft V2",
    )
    assert lora.tags[1] == "Computer Science - Machine Learning"
    assert jabref.title == "Schöne Überschriften"
    assert jabref.authors == ("Jörg Müller", "Jean de la Fontaine")
    assert (jabref.arxiv_id, jabref.published) == ("2307.01234", dt.date(2023, 7, 14))


def test_ris_and_csl_json() -> None:
    ris = read(fixture("zotero.ris"))
    assert ris.warnings[0].startswith("entry 3 (line 20): no ER line")
    assert [p.title for p in ris.papers] == [
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "A record cut off without its end",
    ]
    assert ris.papers[0].authors == ("Edward J. Hu", "Yelong Shen")
    assert ris.papers[0].arxiv_id == "2106.09685"
    csl = read(fixture("zotero_csl.json"))
    (paper,) = csl.papers
    assert paper.authors == ("Edward J. Hu", "The LoRA Team", "Jean de la Fontaine")
    assert (paper.published, paper.arxiv_id, paper.citekey) == (
        dt.date(2021, 10, 16),
        "2106.09685",
        None,
    )
    assert csl.warnings == (
        "entry 2: skipped, it has no title",
        "entry 3: skipped, not a CSL item (an object)",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2403.01234v2", "2403.01234"),
        ("arXiv:2403.01234", "2403.01234"),
        ("https://arxiv.org/pdf/2403.01234v3.pdf", "2403.01234"),
        ("10.48550/arXiv.2403.01234", "2403.01234"),
        ("oai:arXiv.org:2403.01234v1", "2403.01234"),
        ("math.GT/0309136v1", "math.GT/0309136"),
        ("HEP-TH/9901001", "hep-th/9901001"),
        ("1234.5", None),
        ("see 2403.01234 somewhere", None),
        ("", None),
    ],
)
def test_arxiv_ids_lose_their_version(text: str, expected: str | None) -> None:
    assert arxiv_id(text) == expected


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (fixture("billion_laughs.atom"), "declares XML entities"),
        (fixture("not_daily_page.html"), 'no element with data-target="DailyPapers"'),
        (
            b'<html><div data-target="DailyPapers" data-props="{oops"></div></html>',
            "no readable list",
        ),
        (b'{"some": "json"}', "JSON of a kind readinglist does not read"),
        (b'[{"paper": 1}]', "without a paper that has a title"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'[{"title": "x", "type": "article",', "not valid JSON"),
        (b"@misc{a, title={unclosed\n", "no entry could be read"),
        (b"TY  - JOUR\nAU  - Nobody\nER  - \n", "no RIS record with a title"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", "not well-formed XML"),
        (b'[{"type": "article", "id": "x"}]', "no CSL item with a title"),
    ],
)
def test_bad_files_get_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        read(data)


def test_a_50_mb_json_that_is_no_format_is_refused_with_its_reason() -> None:
    data = json.dumps({"rows": [[0] * 1000] * 17_000}).encode()
    assert len(data) > 50_000_000
    with pytest.raises(FormatError, match="JSON of a kind"):
        read(data)
    with pytest.raises(FormatError, match="file too large"):
        read(b"[" + b" " * formats.MAX_FILE_BYTES + b"]", "csl-json")


# -- what readinglist writes comes back -------------------------------------------------------

TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
NAME = st.lists(st.from_regex(r"[A-Z][a-zé]{1,8}", fullmatch=True), min_size=2, max_size=3).map(
    " ".join
)


@settings(max_examples=25, deadline=None)
@given(
    title=TEXT,
    abstract=TEXT,
    tags=st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True), max_size=3, unique=True),
    note=TEXT,
    authors=st.lists(NAME, max_size=3),
    arxiv=st.sampled_from([None, "2403.01234", "hep-th/9901001"]),
    fmt=st.sampled_from(["bibtex", "ris", "csljson"]),
)
def test_what_readinglist_exports_reads_back(
    title: str,
    abstract: str,
    tags: list[str],
    note: str,
    authors: list[str],
    arxiv: str | None,
    fmt: str,
) -> None:
    record = make_record(
        title=title,
        abstract=abstract,
        tags=tuple(tags),
        note=note,
        authors=tuple(authors),
        arxiv_id=arxiv,
        links=("https://github.com/example/method", "https://x.org/~me/a%20b"),
        citekey="key2024",
    )
    (paper,) = read(render([record], fmt, ExportOptions()).encode()).papers
    assert (paper.title, paper.abstract, paper.tags, paper.note) == (
        title,
        abstract,
        tuple(tags),
        note,
    )
    assert (paper.citekey, paper.published) == ("key2024", record.published)
    assert paper.authors == tuple(authors)
    assert paper.arxiv_id == arxiv
    assert paper.links[0] == "https://github.com/example/method"


def test_a_note_with_every_special_character_comes_back_from_bibtex() -> None:
    note = f"# Why\n\n- {NASTY}\n- see https://x.org/a_b?c=1%2F#d"
    (paper,) = read(render([make_record(note=note)], "bibtex", ExportOptions()).encode()).papers
    assert paper.note == note


# -- BibTeX decoding: only where the text holds LaTeX, as the decoder would read it all ---------

LATEX_BITS = st.sampled_from(
    [" ", "  ", "a", "é", "--", "-", "'", "''", "`", "``", "!", "?", "$", "$$", "%", "\\%", "&",
     "\\&", "{", "}", "\\{", "\\}", "~", "\\~{}", '{"}', "\\textless{}", "\\emph", "\\emph{x}",
     "\\'e", "\\textbf ", "{\\it y}", "\\string^", "\\vphantom{\\}}", "\n", "x y", "_", "^"]
)  # fmt: skip


def _whole(value: str) -> str:
    from readinglist.formats.bibtex import _decode

    return _decode(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(LATEX_BITS, max_size=25).map("".join))
def test_word_by_word_decoding_reads_as_decoding_the_whole(text: str) -> None:
    from readinglist.formats.bibtex import latex_to_text
    from readinglist.formats.common import clean

    assert clean(latex_to_text(text)) == clean(_whole(text))


@pytest.mark.parametrize("char", [chr(c) for c in range(0x20, 0x7F)])
def test_text_without_latex_is_not_decoded(char: str) -> None:
    from readinglist.formats.bibtex import DECODED

    for text in (f"a{char}b", f"a{char}{char}b", f"{char}", f"a {char}", f"{char}!`?`"[:3]):
        if not DECODED.search(text):
            assert _whole(text) == text
