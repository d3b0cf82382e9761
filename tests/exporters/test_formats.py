"""Each export format, read back by a real reader: pybtex, bibtexparser, rispy, citeproc-py,
html5lib, the csv module and markdown-it-py. String matching alone proves nothing here."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from readinglist.exporters import FORMATS, ExportOptions, render
from readinglist.exporters.common import citation_keys, http_url
from readinglist.records import ReadStatus
from tests.exporters.readers import (
    PYBTEX_CANNOT_READ,
    bibtexparser_entries,
    csl_bibliography,
    csv_rows,
    html_document,
    inline_text,
    markdown_texts,
    markdown_tokens,
    pybtex_entries,
    ris_entries,
)
from tests.exporters.records import (
    INJECTION_NOTE,
    INJECTION_TITLE,
    NASTY,
    make_record,
    nasty_record,
)

OPTIONS = ExportOptions(title="My list", description="Shelf “To read”")
RECORD_FORMATS = [name for name, spec in FORMATS.items() if spec.render is not None]

# -- shared pieces ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "year", "key"),
    [
        ("Attention Is All You Need", 2017, "attentionAllYou2017"),
        (
            "TÜLU 3: Pushing Frontiers in Open Language Model Post-Training",
            2024,
            "tulu3Pushing2024",
        ),
        ("The Art of the Possible", None, "artPossible"),
        ("3D Gaussian Splatting", 2023, "p3dGaussianSplatting2023"),
        ("日本語のタイトル", 2024, "paper2024"),
        ("A", 2020, "a2020"),
    ],
)
def test_citation_keys_are_readable(title: str, year: int | None, key: str) -> None:
    published = dt.date(year, 1, 1) if year else None
    assert citation_keys([make_record(1, title=title, published=published)]) == {1: key}


def test_citation_keys_are_unique_and_stable_whatever_the_order() -> None:
    records = [make_record(i, title="Same Title Here") for i in (5, 2, 9)]
    records.append(make_record(4, title="Same Title Here b"))  # would clash with a suffix
    keys = citation_keys(records)
    assert len(set(keys.values())) == 4
    assert keys == citation_keys(list(reversed(records)))
    assert keys[2] == "sameTitleHere2024a"  # lowest id first
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", k) for k in keys.values())


@pytest.mark.parametrize(
    ("link", "ok"),
    [
        ("https://github.com/a/b", True),
        ("http://example.org/x?y=1#z", True),
        ("HTTPS://EXAMPLE.ORG", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("file:///etc/passwd", False),
        ("//example.org/x", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\u0000x", False),
        ("vbscript:msgbox", False),
    ],
)
def test_only_http_links_count_as_links(link: str, ok: bool) -> None:
    assert (http_url(link) is not None) is ok


def test_every_record_format_renders_an_empty_list() -> None:
    for fmt in RECORD_FORMATS:
        assert isinstance(render([], fmt, OPTIONS), str)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'docx'"):
        render([], "docx", OPTIONS)
    with pytest.raises(ValueError, match="needs the library"):
        render([], "json", OPTIONS)


# -- Markdown ---------------------------------------------------------------------------------


def test_markdown_keeps_every_character_of_titles_and_abstracts() -> None:
    r = nasty_record()
    texts = markdown_texts(render([r], "md", OPTIONS))
    assert f"1. {r.title}" in texts
    assert r.abstract in texts
    tokens = markdown_tokens(render([r], "md", OPTIONS))
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2"]
    assert not [t for t in tokens if t.type.startswith("html")]


@pytest.mark.parametrize(
    "abstract",
    [
        "- not a list item",
        "+ not a list item",
        "* not a list item",
        "1. not an ordered list",
        "2024) not an ordered list",
        "# not a heading",
        "> not a quote",
        "---",
        "===",
        "    not code",
        "`not code`",
        "[not](a link)",
        "![not](an image.png)",
        "<b>not html</b> &amp; not an entity",
        "**not bold** _not em_ ~~not struck~~",
        "| not | a table |",
    ],
)
def test_markdown_never_turns_text_into_markup(abstract: str) -> None:
    r = make_record(abstract=abstract)
    tokens = markdown_tokens(render([r], "md", OPTIONS))
    expected = " ".join(abstract.split())
    (paragraph,) = [t for t in tokens if t.type == "inline" and inline_text(t) == expected]
    assert {c.type for c in paragraph.children or []} == {"text"}  # no link, emphasis, html
    kinds = {t.type for t in tokens}
    assert not kinds & {"bullet_list_open", "ordered_list_open", "blockquote_open", "hr"}
    assert not kinds & {"code_block", "html_block", "fence"}


def test_markdown_entry_shows_date_upvotes_tags_and_links() -> None:
    r = make_record(tags=("lora", "peft"), note="Read *section 3*.", starred=True)
    text = render([r], "md", OPTIONS)
    texts = markdown_texts(text)
    assert "2024-03-11 · 12 upvotes · 4 authors · unread · ★ starred" in texts
    assert "Tags: lora, peft" in texts
    assert texts[0] == "My list"
    assert "Shelf “To read” · 1 paper" in texts
    link = next(t for t in markdown_tokens(text) if t.type == "inline" and "Links" in t.content)
    hrefs = [c.attrs["href"] for c in link.children or [] if c.type == "link_open"]
    assert hrefs == ["https://github.com/example/method"]
    assert "Read section 3." in texts  # the note is the user's Markdown, rendered as such


def test_markdown_options_leave_out_abstracts_and_notes() -> None:
    r = make_record(note="secret note")
    text = render([r], "md", ExportOptions(abstracts=False, notes=False))
    assert r.abstract not in " ".join(markdown_texts(text))
    assert "secret note" not in text


def test_markdown_checklist_ticks_read_papers() -> None:
    records = [
        make_record(1, read_status=ReadStatus.READ),
        make_record(2, read_status=ReadStatus.SKIMMED),
        make_record(3, title=f"Unread {NASTY}"),
    ]
    tokens = markdown_tokens(render(records, "md-checklist", OPTIONS))
    items = [
        tokens[n + 2] for n, t in enumerate(tokens) if t.type == "list_item_open"
    ]  # list_item_open, paragraph_open, inline
    texts = ["".join(c.content for c in item.children or []) for item in items]
    assert texts == [
        "[x] Paper number 1",
        "[ ] Paper number 2",
        f"[ ] Unread {NASTY}",
    ]
    assert sum(t.type == "bullet_list_open" for t in tokens) == 1  # one list, details inside


# -- HTML -------------------------------------------------------------------------------------


def _text(element: object) -> str:
    return "".join(element.itertext())  # type: ignore[attr-defined]


def test_html_is_valid_html5_and_keeps_the_text() -> None:
    r = nasty_record()
    doc = html_document(render([r], "html", OPTIONS))
    assert [_text(h) for h in doc.iter("h2")] == [r.title]
    assert _text(doc.find(".//p[@class='abstract']")) == r.abstract
    assert _text(doc.find(".//section[@class='note']/p")) == r.note
    assert [_text(li) for li in doc.find(".//ul[@class='tags']")] == list(r.tags)
    assert _text(doc.find(".//title")) == "My list"
    assert doc.find(".//meta[@name='viewport']") is not None


def test_html_is_self_contained() -> None:
    doc = html_document(render([make_record(), nasty_record()], "html", OPTIONS))
    assert [e.tag for e in doc.iter() if e.tag in {"script", "link", "img", "iframe"}] == []
    styles = list(doc.iter("style"))
    assert len(styles) == 1
    assert "url(" not in (styles[0].text or "")
    assert "@import" not in (styles[0].text or "")
    csp = doc.find(".//meta[@http-equiv='Content-Security-Policy']")
    assert csp is not None
    assert "default-src 'none'" in csp.get("content")


def test_html_neutralises_crafted_titles_notes_and_links() -> None:
    r = make_record(
        title=INJECTION_TITLE,
        abstract="See javascript:alert(7) and <iframe src=x></iframe>",
        note=INJECTION_NOTE,
        links=("javascript:alert(8)", "data:text/html,x", "https://good.example/x"),
        tags=("<b onmouseover=alert(9)>tag</b>",),
    )
    doc = html_document(render([r], "html", OPTIONS))
    elements = list(doc.iter())
    assert not [e for e in elements if e.tag in {"script", "iframe", "svg", "img", "object"}]
    handlers = [(e.tag, a) for e in elements for a in e.attrib if a.lower().startswith("on")]
    assert handlers == []
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert hrefs
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert "https://good.example/x" in hrefs
    assert "https://ok.example/path?a=1&b=" in hrefs  # stops at '<', the rest stays text
    assert [_text(h) for h in doc.iter("h2")] == [INJECTION_TITLE]  # shown, never run
    assert _text(doc.find(".//section[@class='note']/p")) == INJECTION_NOTE


# -- BibTeX -----------------------------------------------------------------------------------


def test_bibtex_parses_in_both_readers_and_round_trips_text() -> None:
    r = nasty_record()
    text = render([r, make_record(2)], "bibtex", OPTIONS)
    (entry, _) = bibtexparser_entries(text)
    assert entry["type"].lower() == "misc"
    assert entry["title"] == r.title
    assert entry["abstract"] == r.abstract
    assert entry["keywords"] == "x&y, ünï"
    assert entry["annote"] == r.note
    assert "note" not in entry  # bibliography styles print note; a private note is no note
    assert entry["year"] == "2024"
    assert entry["url"] == "https://github.com/example/method"
    (entry, _) = pybtex_entries(text)
    assert entry["keywords"] == "x&y, ünï"
    assert entry["year"] == "2024"
    assert entry["url"] == "https://github.com/example/method"
    plain = make_record(3, title="Plain % & # _ ~ \\ < > \" | ' -- `` '' ?! end", note="a\nb")
    (entry,) = pybtex_entries(render([plain], "bibtex", OPTIONS))
    assert entry["title"] == plain.title


SPECIAL = [
    *"{}%&#_$~^\\<>\"'`-,?!|@",
    *("{{", "}}", "\\{", "a}b{c", "}{", "@misc{x,", "日本", "🚀", "é", "a\u00a0b"),
    *("a -- b", "x---y", "``quoted''", ",,low", "?`", "!`", "''", "\\\\", "\\textbf{x}"),
    *("!!", "?!", "!?", "<<", ">>", "S^{2}FT", "Cr-KD-NCD{here}.", "$x$", "%comment"),
]


@pytest.mark.parametrize("char", SPECIAL)
def test_bibtex_round_trips_each_special_character(char: str) -> None:
    r = make_record(title=f"T {char} end", abstract=f"{char}")
    text = render([r], "bibtex", OPTIONS)
    (entry,) = bibtexparser_entries(text)
    assert entry["title"] == r.title
    assert entry["abstract"] == r.abstract
    (entry,) = pybtex_entries(text)  # parses, whatever it makes of the text
    if not PYBTEX_CANNOT_READ & set(char):
        assert entry["title"] == r.title


@pytest.mark.parametrize("char", sorted(PYBTEX_CANNOT_READ))
def test_pybtex_misreads_what_the_docs_say_it_misreads(char: str) -> None:
    """If pybtex learns to read one of these, docs/exporting.md must say so."""
    r = make_record(title=f"a {char} b {'}' if char == '{' else '{' if char == '}' else ''}")
    (entry,) = pybtex_entries(render([r], "bibtex", OPTIONS))
    assert entry["title"] != r.title


def test_bibtex_arxiv_fields_and_authors() -> None:
    r = make_record(
        authors=("Ada Lovelace", "Jean de la Fontaine", "Org, Inc.", "Ben and Jerry"),
        arxiv_id="2403.01234",
        links=(),
        citekey="lovelace2024",
    )
    text = render([r], "bibtex", OPTIONS)
    (entry,) = bibtexparser_entries(text)
    assert entry["key"] == "lovelace2024"
    assert entry["eprint"] == "2403.01234"
    assert entry["archivePrefix"] == "arXiv"
    assert entry["eprinttype"] == "arxiv"
    assert entry["url"] == "https://arxiv.org/abs/2403.01234"
    (entry,) = pybtex_entries(text)
    assert entry["author"] == "Ada Lovelace and Jean de la Fontaine and Org, Inc. and Ben and Jerry"
    (entry,) = pybtex_entries(render([make_record()], "bibtex", OPTIONS))
    assert "eprint" not in entry
    assert "author" not in entry


def test_bibtex_urls_survive_readers() -> None:
    url = "https://x.org/~me/a%20b_c#top{x}"
    (entry,) = bibtexparser_entries(render([make_record(links=(url,))], "bibtex", OPTIONS))
    assert entry["url"] == "https://x.org/%7Eme/a%20b_c#top%7Bx%7D"


def test_bibtex_pinned_keys_are_kept_and_never_given_twice() -> None:
    records = [make_record(1, title="Same"), make_record(2, title="Other", citekey="same2024")]
    keys = [e["key"] for e in pybtex_entries(render(records, "bibtex", OPTIONS))]
    assert keys[1] == "same2024"
    assert keys[0] != "same2024"


def test_bibtex_month_and_missing_fields() -> None:
    r = make_record(published=None, links=(), abstract="", tags=())
    (entry,) = pybtex_entries(render([r], "bibtex", OPTIONS))
    assert set(entry) == {"key", "type", "title"}
    (entry,) = pybtex_entries(render([make_record()], "bibtex", OPTIONS))
    assert entry["month"] == "March"  # the standard macro, expanded by the reader


def test_bibtex_keys_are_unique_for_same_titles() -> None:
    records = [make_record(i, title="Same") for i in range(1, 4)]
    entries = pybtex_entries(render(records, "bibtex", OPTIONS))
    assert [e["key"] for e in entries] == ["same2024a", "same2024b", "same2024c"]


# -- CSL-JSON ---------------------------------------------------------------------------------


def test_csljson_renders_in_citeproc() -> None:
    records = [nasty_record(), make_record(2, published=None, links=())]
    items, rendered = csl_bibliography(render(records, "csljson", OPTIONS))
    assert items[0]["title"] == records[0].title
    assert items[0]["abstract"] == records[0].abstract
    assert items[0]["issued"] == {"date-parts": [[2024, 3, 11]]}
    assert items[0]["keyword"] == "x&y, ünï"
    assert items[0]["URL"] == "https://github.com/example/method"
    assert items[0]["type"] == "article"
    assert len(rendered) == 2
    assert any(records[0].title in line and "(2024)" in line for line in rendered)
    assert any("Paper number 2" in line and "no date" in line for line in rendered)


def test_csljson_ids_match_bibtex_keys() -> None:
    records = [make_record(i, title="Same") for i in range(1, 3)]
    items, _ = csl_bibliography(render(records, "csljson", OPTIONS))
    bib = pybtex_entries(render(records, "bibtex", OPTIONS))
    assert [i["id"] for i in items] == [e["key"] for e in bib]


# -- RIS --------------------------------------------------------------------------------------


def test_ris_reads_back_in_rispy() -> None:
    r = nasty_record()
    (entry, other) = ris_entries(render([r, make_record(2)], "ris", OPTIONS))
    assert entry["type_of_reference"] == "GEN"
    assert entry["title"] == r.title
    assert entry["abstract"] == r.abstract
    assert entry["keywords"] == list(r.tags)
    assert entry["notes"] == [r.note]
    assert entry["urls"] == ["https://github.com/example/method"]
    assert entry["year"] == "2024"
    assert entry["date"] == "2024/03/11/"
    assert other["title"] == "Paper number 2"


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\u2028", "\x0b", "\x1c", "\u0085"])
def test_ris_text_cannot_forge_tags(brk: str) -> None:
    forged = f"first{brk}ER  - {brk}TY  - JOUR{brk}TI  - forged"
    r = make_record(title=forged, note=forged, abstract=forged)
    entries = ris_entries(render([r], "ris", OPTIONS))
    assert len(entries) == 1
    assert entries[0]["title"] == "first ER - TY - JOUR TI - forged"


# -- CSV --------------------------------------------------------------------------------------


def test_csv_reads_back_with_a_header_row() -> None:
    r = nasty_record()
    r2 = make_record(2, note="line one\nline two, with comma")
    text = render([r, r2], "csv", OPTIONS)
    rows = csv_rows(text)
    assert rows[0]["title"] == r.title
    assert rows[0]["abstract"] == r.abstract
    assert rows[0]["tags"] == "x&y, ünï"
    assert rows[0]["status"] == "read"
    assert rows[0]["starred"] == "yes"
    assert rows[1]["note"] == "line one\nline two, with comma"
    assert rows[1]["published"] == "2024-03-11"
    assert rows[1]["upvotes"] == "12"
    assert not text.startswith("\ufeff")
    bom = render([r], "csv", ExportOptions(byte_order_mark=True))
    assert bom.startswith("\ufeff")
    assert csv_rows(bom)[0]["title"] == r.title


@pytest.mark.parametrize(
    "start",
    ["=", "+", "-", "@", "\t", "\r", " =", "\n=", " \n @", "＝", "＋", "－", "＠", "\u3000＝"],
)
def test_csv_neutralises_formula_cells(start: str) -> None:
    payload = f'{start}HYPERLINK("http://evil.example","x")'
    r = make_record(title=payload, note=payload, tags=(f"{start}tag",))
    (row,) = csv_rows(render([r], "csv", OPTIONS))
    for column in ("title", "note", "tags"):
        assert row[column].startswith("'")
        assert row[column][1:].startswith(start)
    assert row["title"][1:] == payload


def test_csv_leaves_ordinary_cells_alone() -> None:
    (row,) = csv_rows(render([make_record(title="Plain (title) 1+1=2")], "csv", OPTIONS))
    assert row["title"] == "Plain (title) 1+1=2"


def test_csv_options_drop_columns() -> None:
    (row,) = csv_rows(render([make_record()], "csv", ExportOptions(abstracts=False, notes=False)))
    assert "abstract" not in row
    assert "note" not in row


# -- every format ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", RECORD_FORMATS)
def test_non_ascii_and_emoji_survive_every_format(fmt: str) -> None:
    r = nasty_record()
    text = render([r], fmt, OPTIONS)
    if fmt == "bibtex":
        assert bibtexparser_entries(text)[0]["title"] == r.title
    elif fmt == "csljson":
        assert csl_bibliography(text)[0][0]["title"] == r.title
    elif fmt == "ris":
        assert ris_entries(text)[0]["title"] == r.title
    elif fmt == "csv":
        assert csv_rows(text)[0]["title"] == r.title
    elif fmt == "html":
        assert [_text(h) for h in html_document(text).iter("h2")] == [r.title]
    else:
        assert any(r.title in t for t in markdown_texts(text))


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Co", "Cn"),
            whitelist_characters="{}%&#_$~^\\<>\"'`-,?!@=",
        ),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip())
)
def test_bibtex_round_trips_any_text(text: str) -> None:
    r = make_record(title=text, abstract=text)
    bib = render([r], "bibtex", OPTIONS)
    # Line breaks and runs of spaces are one space in BibTeX; a no-break space is kept.
    expected = re.sub(r"[^\S\u00a0]+", " ", text).strip(" ")
    (entry,) = bibtexparser_entries(bib)
    assert entry["title"] == expected
    assert entry["abstract"] == expected
    (entry,) = pybtex_entries(bib)
    if not PYBTEX_CANNOT_READ & set(text):
        assert entry["title"] == expected
