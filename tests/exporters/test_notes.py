"""Notes in exports: rendered as Markdown in HTML, kept safe in Markdown, one URL rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from readinglist.exporters import ExportOptions, render
from readinglist.exporters.notes import safe_markdown
from readinglist.urls import urls_in
from tests.exporters.readers import html_document, markdown_tokens
from tests.exporters.records import INJECTION_NOTE, make_record

NOTE = "## Why it matters\n\n- fast\n- see [repo](https://github.com/a/b) and ~~old~~\n"


def _all(tokens: list[Token]) -> list[Token]:
    out = []
    for t in tokens:
        out.append(t)
        out += _all(t.children or [])
    return out


def test_html_renders_notes_as_markdown() -> None:
    doc = html_document(render([make_record(note=NOTE)], "html", ExportOptions()))
    note = doc.find(".//section[@class='note']")
    assert ["".join(h.itertext()) for h in note.iter("h2")] == ["Why it matters"]
    assert ["".join(li.itertext()) for li in note.iter("li")] == ["fast", "see repo and old"]
    assert [a.get("href") for a in note.iter("a")] == ["https://github.com/a/b"]
    assert [e.tag for e in note.iter("s")] == ["s"]


def test_html_notes_pass_no_html_and_only_web_links() -> None:
    note = INJECTION_NOTE + "\n\n<script>alert(1)</script>\n\n![x](https://t.example/p.png)"
    doc = html_document(render([make_record(note=note)], "html", ExportOptions()))
    section = doc.find(".//section[@class='note']")
    assert {e.tag for e in section.iter()} <= {"section", "h3", "p", "a"}
    assert [a.get("href") for a in section.iter("a")] == [
        "https://ok.example/path?a=1&b=",
        "https://t.example/p.png",
    ]
    assert "<script>alert(1)</script>" in "".join(section.itertext())


HOSTILE = st.lists(
    st.sampled_from(
        [
            "<b>",
            "</i>",
            "<!--",
            "-->",
            "<script>",
            "<https://ok.example/a>",
            "<javascript:x>",
            "[a](",
            "javascript:alert(1)",
            "https://ok.example/b",
            ")",
            "]",
            "[",
            "![i](",
            "[r]: ",
            "data:x",
            "&#x6A;avascript:y",
            "`",
            "``",
            "\n",
            "\n\n",
            "```\n",
            "    ",
            "> ",
            "- ",
            "1. ",
            " ",
            "word",
            "\\",
            "&amp;",
            "<",
            ">",
            "(",
            '"',
            "'",
        ]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_safe_markdown_yields_no_html_and_only_web_links(note: str) -> None:
    tokens = _all(markdown_tokens(safe_markdown(note)))
    assert not [t for t in tokens if t.type in {"html_inline", "html_block"}]
    for t in tokens:
        if t.type == "link_open":
            assert str(t.attrs["href"]).startswith(("http://", "https://"))
        if t.type == "image":
            assert str(t.attrs["src"]).startswith(("http://", "https://"))


def test_markdown_export_keeps_safe_markdown_and_can_keep_notes_verbatim() -> None:
    r = make_record(note=NOTE + "\n<img src=x onerror=alert(1)> `<b>code</b>`")
    safe = render([r], "md", ExportOptions())
    assert "<img" not in safe
    assert "`<b>code</b>`" in safe  # code shows as written
    assert "[repo](https://github.com/a/b)" in safe
    verbatim = render([r], "md", ExportOptions(notes_verbatim=True))
    assert "> <img src=x onerror=alert(1)>" in verbatim


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_one_url_for_a_link_in_an_abstract(fmt: str) -> None:
    abstract = "Code: https://github.com/x/Cr-KD-NCD{here}."
    assert urls_in(abstract) == ("https://github.com/x/Cr-KD-NCD{here}",)
    text = render([make_record(abstract=abstract)], fmt, ExportOptions())
    if fmt == "html":
        hrefs = [a.get("href") for a in html_document(text).iter("a")]
        assert "https://github.com/x/Cr-KD-NCD{here}" in hrefs
        assert "https://github.com/x/Cr-KD-NCD{here" not in hrefs


@pytest.mark.parametrize("note", ["`\n`<b>`", "`a\n`<img src=x onerror=alert(1)>` b`"])
def test_backticks_that_pair_across_lines_leave_no_html(note: str) -> None:
    tokens = _all(markdown_tokens(safe_markdown(note)))
    assert not [t for t in tokens if t.type in {"html_inline", "html_block"}]
    # The tag shows as text, as written.
    assert "<" in "".join(t.content for t in tokens if t.type == "text")
