"""The JSON bundle as data: writing, reading back, and refusing what is not a valid bundle."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from readinglist.exporters import bundle
from readinglist.records import ReadStatus, ShelfKind, Triage
from tests.exporters.records import make_record, nasty_record

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
        ("papers.1.tags", ["a,b"], r"papers\[1\].tags\[0\]: a tag has at most 100"),
        ("papers.1.tags", ["x" * 101], r"papers\[1\].tags\[0\]: a tag has at most 100"),
        ("papers.1.links", [3], r"papers\[1\].links\[0\]: expected text"),
        ("papers.1.ref", 1, r"papers\[1\].ref: 1 is used by another paper"),
        ("papers.0.sightings.0.digest", "cd" * 32, r"sightings\[0\].digest: no digest"),
        ("shelves.0.papers", [1, 5], r"shelves\[0\].papers\[1\]: no paper with ref 5"),
        ("shelves.0.papers", [1, 1], r"shelves\[0\].papers: a paper is listed twice"),
        ("shelves.0.kind", "folder", r"shelves\[0\].kind: expected one of manual, smart"),
        ("shelves.1.query", None, r"shelves\[1\].query: a smart shelf needs a query"),
        ("shelves.1.name", "to READ", "shelves: two shelves have the same name"),
        ("shelves.0.name", "x" * 201, r"shelves\[0\].name: longer than 200"),
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
    paper = {
        "ref": 1,
        "title": "T",
        "abstract": "",
        "starred": False,
        "read_status": "unread",
        "triage": "new",
        "trashed": False,
        "year_inferred": False,
        "incomplete": False,
        "added": "2024-01-01T00:00:00Z",
        "updated": "2024-01-01T00:00:00+02:00",
    }
    b = bundle.loads(json.dumps({"format": "readinglist-bundle", "version": 1, "papers": [paper]}))
    (p,) = b.papers
    assert p.triage is Triage.NEW
    assert p.tags == ()
    assert p.note == ""
    assert p.sightings == ()
    assert p.updated == dt.datetime(2023, 12, 31, 22, 0, tzinfo=dt.UTC)
