"""The JSON bundle as data: writing, reading back, and refusing what is not a valid bundle."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from readinglist.exporters import bundle
from readinglist.records import ReadStatus, ShelfKind, Triage
from tests.exporters.records import make_record, nasty_record, paper_doc

DIGEST = bundle.BundleDigest(
    content_hash="ab" * 32,
    file_name="digest.txt",
    date_label="Mar 11",
    date=dt.date(2024, 3, 11),
    imported_at=dt.datetime(2024, 3, 12, 8, 0, tzinfo=dt.UTC),
    entry_count=40,
)


def _bundle() -> bundle.Bundle:
    records = [
        nasty_record(7),
        make_record(3, note="short", read_status=ReadStatus.SKIMMED, tags=("lora",)),
    ]
    return bundle.from_records(
        records,
        scope="shelf “To read”",
        generator="readinglist test",
        exported_at=dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
        shelves=[
            bundle.ShelfOrder("To read", ShelfKind.MANUAL, None, (3, 7, 99)),
            bundle.ShelfOrder("LoRA", ShelfKind.SMART, "lora", ()),
        ],
        tag_colors={"lora": "#ff0000", "unused": "#00ff00"},
        digests={1: DIGEST},
    )


def test_bundle_round_trips_through_json() -> None:
    original = _bundle()
    text = bundle.dumps(original)
    assert text.lstrip().startswith('{\n  "format": "readinglist-bundle"')
    again = bundle.loads(text)
    assert again == original
    assert bundle.dumps(again) == text


def test_bundle_holds_order_tags_and_digests() -> None:
    b = _bundle()
    assert b.shelves[0].papers == (1, 0)  # paper 99 is not in the bundle: left out
    assert b.tag_colors == {"lora": "#ff0000", "x&y": None, "ünï": None}
    assert b.digests == (DIGEST,)
    assert b.papers[0].sightings == (bundle.BundleSighting(DIGEST.content_hash, 7, 12),)
    doc = json.loads(bundle.dumps(b))
    assert doc["shelves"][0]["papers"] == [2, 1]  # refs are 1-based positions in "papers"
    assert [p["ref"] for p in doc["papers"]] == [1, 2]
    assert doc["papers"][1]["note"]["body"] == "short"
    assert doc["papers"][0]["added"] == "2024-03-12T09:30:00+00:00"  # naive = UTC


def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(bundle.dumps(_bundle()))
    return doc


def _set(doc: dict[str, Any], path: str, value: object) -> None:
    *parents, last = path.split(".")
    target: Any = doc
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("format", "something-else", "not a readinglist bundle"),
        ("version", 2, r"made by a newer readinglist \(bundle version 2;"),
        ("version", "1", "version: expected a whole number"),
        ("version", 0, "version: expected a whole number"),
        ("papers", {}, "papers: expected a list"),
        ("papers.0", "x", r"papers\[0\]: expected an object"),
        ("papers.0.title", "", r"papers\[0\].title: must not be empty"),
        ("papers.0.title", _DELETE, r"papers\[0\].title: expected text"),
        ("papers.1.starred", "yes", r"papers\[1\].starred: expected true or false"),
        ("papers.1.read_status", "done", r"papers\[1\].read_status: expected one of unread"),
        ("papers.1.triage", None, r"papers\[1\].triage: expected one of new"),
        ("papers.1.upvotes", -1, r"papers\[1\].upvotes: expected a whole number from 0"),
        ("papers.1.upvotes", True, r"papers\[1\].upvotes: expected a whole number"),
        ("papers.1.published", "March 2024", r"papers\[1\].published: expected a date"),
        ("papers.1.added", "yesterday", r"papers\[1\].added: expected an ISO 8601 time"),
        (
            "papers.1.tags",
            ["a,b"],
            r"papers\[1\].tags\[0\]: expected a tag name \(not empty, no commas",
        ),
        ("papers.1.tags", [" \x00 "], r"papers\[1\].tags\[0\]: expected a tag name"),
        ("papers.1.title", "\x1b\x07", r"papers\[1\].title: must not be empty"),
        ("papers.1.links", [3], r"papers\[1\].links\[0\]: expected text"),
        ("papers.1.ref", 1, r"papers\[1\].ref: 1 is used by another paper"),
        ("papers.0.sightings.0.digest", "cd" * 32, r"sightings\[0\].digest: no digest"),
        ("shelves.0.papers", [1, 5], r"shelves\[0\].papers\[1\]: no paper with ref 5"),
        ("shelves.0.papers", [1, 1], r"shelves\[0\].papers: a paper is listed twice"),
        ("shelves.0.kind", "folder", r"shelves\[0\].kind: expected one of manual, smart"),
        ("shelves.1.query", None, r"shelves\[1\].query: a smart shelf needs a query"),
        ("shelves.1.name", "to READ", "shelves: two shelves have the same name"),
        ("digests.0.content_hash", "", r"digests\[0\].content_hash: must not be empty"),
    ],
)
def test_bundle_errors_say_where(path: str, value: object, message: str) -> None:
    doc = _doc()
    _set(doc, path, value)
    with pytest.raises(bundle.BundleFormatError, match=message):
        bundle.loads(json.dumps(doc))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe{", "not valid JSON"),
        (b"[1, 2]", "not a readinglist bundle"),
        (b'{"format": "readinglist-bundle"}', "version: expected"),
    ],
)
def test_non_bundles_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(bundle.BundleFormatError, match=message):
        bundle.loads(data)


def test_unknown_fields_are_ignored_for_forward_compatibility() -> None:
    doc = _doc()
    doc["papers"][0]["doi"] = "10.1/x"
    doc["future"] = {"anything": True}
    assert bundle.loads(json.dumps(doc)) == _bundle()


def test_minimal_bundle_reads() -> None:
    paper = paper_doc(1, "T", added="2024-01-01T00:00:00Z", updated="2024-01-01T00:00:00+02:00")
    b = bundle.loads(json.dumps({"format": "readinglist-bundle", "version": 1, "papers": [paper]}))
    (p,) = b.papers
    assert p.triage is Triage.NEW
    assert p.tags == ()
    assert p.note == ""
    assert p.sightings == ()
    assert p.updated == dt.datetime(2023, 12, 31, 22, 0, tzinfo=dt.UTC)


# --- limits and control characters (readinglist.textlimits) ----------------------------------

TEN_MB = "x" * 10_000_000


def _left_out_paper_0(b: bundle.Bundle) -> bool:
    # The shelf keeps its other paper, re-indexed.
    return [p.title for p in b.papers] == ["Paper number 3"] and b.shelves[0].papers == (0,)


def _title_of_paper_1(expected: str) -> Any:
    return lambda b: b.papers[1].title == expected


# (path, value) -> (what the bundle holds then, the warnings naming the paper)
CLEANED_OR_LEFT_OUT = [
    pytest.param(
        "papers.0.title",
        TEN_MB,
        _left_out_paper_0,
        [
            "paper 1 (papers[0].title): title too long (10,000,000 characters, at most 500): "
            "paper left out"
        ],
        id="ten-megabyte-title",
    ),
    pytest.param(
        "papers.0.abstract",
        "a" * 20_001,
        _left_out_paper_0,
        [
            "paper 1 (papers[0].abstract): abstract too long (20,001 characters, at most 20,000): "
            "paper left out"
        ],
        id="oversized-abstract",
    ),
    pytest.param(
        "papers.0.organization",
        "o" * 201,
        _left_out_paper_0,
        [
            "paper 1 (papers[0].organization): organisation too long (201 characters, at most 200)"
            ": paper left out"
        ],
        id="oversized-organisation",
    ),
    pytest.param(
        "papers.1.title",
        "NUL\x00 and CR\r LF\n in a title",
        _title_of_paper_1("NUL and CR LF in a title"),
        ["paper 2 (papers[1].title): 1 control character removed"],
        id="nul-cr-lf-title",
    ),
    pytest.param(
        "papers.1.title",
        "\x1b]0;retitled\x07Paper",
        _title_of_paper_1("]0;retitledPaper"),
        ["paper 2 (papers[1].title): 2 control characters removed"],
        id="terminal-escape-title",
    ),
    pytest.param(
        "papers.1.title",
        "half a pair \ud800",
        _title_of_paper_1("half a pair \ufffd"),
        ["paper 2 (papers[1].title): 1 control character removed"],
        id="lone-surrogate-title",
    ),
    pytest.param(
        "papers.1.note",
        {"body": "n" * 100_001, "updated": None},
        lambda b: (b.papers[1].note, b.papers[1].note_updated) == ("", None),
        [
            "paper 2 (papers[1].note.body): note too long (100,001 characters, at most 100,000): "
            "note left out"
        ],
        id="oversized-note-only-the-note",
    ),
    pytest.param(
        "papers.1.note",
        {"body": "line\r\nbell\x07\tkept", "updated": None},
        lambda b: b.papers[1].note == "line\nbell\tkept",
        ["paper 2 (papers[1].note.body): 1 control character removed"],
        id="note-controls",
    ),
    pytest.param(
        "papers.1.tags",
        ["lora", "t" * 101, "red\x1b[31m"],
        lambda b: b.papers[1].tags == ("lora", "red[31m"),
        [
            "paper 2 (papers[1].tags[1]): tag too long (101 characters, at most 100): tag left out",
            "paper 2 (papers[1].tags[2]): 1 control character removed",
        ],
        id="tags",
    ),
    pytest.param(
        "shelves.0.name",
        "x" * 201,
        lambda b: [s.name for s in b.shelves] == ["LoRA"],
        [
            "shelf 1 (shelves[0].name): shelf name too long (201 characters, at most 200): "
            "shelf left out"
        ],
        id="oversized-shelf-name",
    ),
    pytest.param(
        "shelves.0.name",
        "To\x00 read\n",
        lambda b: b.shelves[0].name == "To read",
        ["shelf 1 (shelves[0].name): 1 control character removed"],
        id="shelf-name-controls",
    ),
    pytest.param(
        "papers.1.links",
        ["https://ok.example/\x00x", "https://long.example/" + "l" * 2000],
        lambda b: b.papers[1].links == ("https://ok.example/x",),
        [
            "paper 2 (papers[1].links[1]): link too long (2,021 characters, at most 2,000): "
            "link left out"
        ],
        id="links",
    ),
    pytest.param(
        "digests.0.date_label",
        "Mar 11" * 10,
        lambda b: b.digests[0].date_label is None,
        [
            "digest 1 (digests[0].date_label): date label too long (60 characters, at most 32): "
            "left out"
        ],
        id="date-label",
    ),
]


@pytest.mark.parametrize(("path", "value", "check", "warnings"), CLEANED_OR_LEFT_OUT)
def test_oversized_or_control_fields_are_cleaned_or_left_out_with_a_reason(
    path: str, value: object, check: Any, warnings: list[str]
) -> None:
    doc = _doc()
    _set(doc, path, value)
    b = bundle.loads(json.dumps(doc))
    assert check(b)
    assert list(b.warnings) == warnings


def test_every_text_field_of_a_bundle_is_free_of_control_characters() -> None:
    doc = _doc()
    dirty = "a\x00b\x1b[0mc\x7fd\x9be\rf\ng\th"
    for path in (
        "scope",
        "generator",
        "papers.0.title",
        "papers.0.organization",
        "digests.0.file_name",
        "shelves.1.query",
        "tags.0.name",
    ):
        _set(doc, path, dirty)
    _set(doc, "papers.0.tags", [dirty])
    b = bundle.loads(json.dumps(doc))
    one_line = [
        b.scope,
        b.generator,
        b.papers[0].title,
        b.papers[0].organization,
        b.digests[0].file_name,
        b.shelves[1].query,
        *b.papers[0].tags,
    ]
    assert all(text == "ab[0mcde f g h" for text in one_line), one_line
    assert "ab[0mcde f g h" in (b.tag_colors or {})
    assert all(w.endswith("control characters removed") for w in b.warnings)
