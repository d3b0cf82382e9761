"""The notes vault plan: front matter a YAML library reads, user text kept, nothing lost."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from readinglist.exporters.vault import MARKER, VaultRefused, plan
from tests.exporters.records import NASTY, make_record

KEYS = ["citekey", "title", "authors", "arxiv_id", "links", "tags", "status", "starred"]
KEYS += ["shelves", "digests", "added"]


def _front(text: str) -> dict[str, object]:
    head, _, _ = text.removeprefix("---\n").partition("\n---\n")
    doc = yaml.safe_load(head)
    assert isinstance(doc, dict)
    return doc


def test_one_file_per_paper_named_by_its_key_with_front_matter() -> None:
    r = make_record(
        title=f"Title: {NASTY} --- yes: no",
        authors=("Ada Lovelace",),
        arxiv_id="2403.01234",
        tags=("lora", "#x"),
        note="My *note*",
        citekey="ada2024",
    )
    (f,) = plan([r], {}).files
    assert (f.name, f.action) == ("ada2024.md", "create")
    meta = _front(f.text)
    assert list(meta) == KEYS
    assert meta["title"] == r.title
    assert (meta["authors"], meta["arxiv_id"], meta["tags"]) == (
        ["Ada Lovelace"],
        "2403.01234",
        ["lora", "#x"],
    )
    assert (meta["status"], meta["starred"], meta["digests"]) == ("unread", False, ["digest.txt"])
    assert r.abstract in f.text
    assert "My *note*" in f.text
    assert MARKER in f.text


def test_re_export_keeps_what_the_user_wrote_below_the_marker() -> None:
    r = make_record(note="first")
    (f,) = plan([r], {}).files
    mine = f.text + "\nMy own thoughts.\n\n---\nnot front matter\n"
    r2 = make_record(note="second", tags=("new",))
    (g,) = plan([r2], {f.name: mine}).files
    assert g.action == "update"
    assert g.text.endswith(MARKER + "\n\nMy own thoughts.\n\n---\nnot front matter\n")
    assert "second" in g.text
    assert _front(g.text)["tags"] == ["new"]
    (h,) = plan([r2], {f.name: g.text}).files
    assert h.action == "unchanged"


def test_papers_out_of_scope_are_listed_not_deleted() -> None:
    a, b = make_record(1, title="Alpha"), make_record(2, title="Beta")
    files = {f.name: f.text for f in plan([a, b], {}).files}
    result = plan([a], files)
    assert [f.name for f in result.files] == ["alpha2024.md"]
    assert result.stale == ("beta2024.md",)


def test_foreign_files_refuse_the_plan_unless_forced_and_are_then_kept() -> None:
    existing = {"alpha2024.md": "# My own page\n", "other.md": "notes"}
    with pytest.raises(VaultRefused, match="2 Markdown file"):
        plan([make_record(1, title="Alpha")], existing)
    result = plan([make_record(1, title="Alpha")], existing, force=True)
    (f,) = result.files
    assert f.text.endswith(MARKER + "\n# My own page\n")
    assert result.foreign == ("alpha2024.md", "other.md")


@settings(max_examples=80, deadline=None)
@given(
    # Titles are one line without control characters (every entrance strips them).
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
    ).filter(str.strip),
    st.text(max_size=40),
)
def test_any_title_and_user_text_survive(title: str, user: str) -> None:
    r = make_record(title=title, citekey="k")
    (f,) = plan([r], {}).files
    assert _front(f.text)["title"] == title
    (g,) = plan([r], {"k.md": f.text + user}).files
    assert g.text == f.text + user
