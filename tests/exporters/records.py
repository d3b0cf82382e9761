"""Plain records for the format tests: built directly, no library needed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from readinglist.records import PaperRecord, ReadStatus, Sighting, Triage

NASTY = "{ } % & # _ $ ~ ^ \\ < > \" ' Ünïcödé 日本語 🚀🧪 — done"
"""Every character that means something to one of the formats, plus non-ASCII and emoji."""

INJECTION_TITLE = '<script>alert("t")</script><img src=x onerror="alert(1)">'
INJECTION_NOTE = (
    '<a href="javascript:alert(2)" onclick="alert(3)">click</a> '
    "<svg onload=alert(4)></svg> [x](javascript:alert(5)) "
    "data:text/html,<script>alert(6)</script> https://ok.example/path?a=1&b=<2>"
)


def make_record(paper_id: int = 1, **changes: Any) -> PaperRecord:
    fields: dict[str, Any] = {
        "id": paper_id,
        "title": f"Paper number {paper_id}",
        "abstract": "We propose a method. Code: https://github.com/example/method.",
        "starred": False,
        "read_status": ReadStatus.UNREAD,
        "tags": (),
        "shelves": (),
        "published": dt.date(2024, 3, 11),
        "year_inferred": False,
        "upvotes": 12,
        "authors_count": 4,
        "organization": None,
        "links": ("https://github.com/example/method",),
        "digests": (
            Sighting(
                digest_id=1,
                file_name="digest.txt",
                date=dt.date(2024, 3, 11),
                date_label="Mar 11",
                position=paper_id,
                upvotes=12,
            ),
        ),
        "note": "",
        "incomplete": False,
        "triage": Triage.KEPT,
        "trashed": False,
        "added": dt.datetime(2024, 3, 12, 9, 30),
        "updated": dt.datetime(2024, 3, 12, 9, 30),
    }
    fields.update(changes)
    return PaperRecord(**fields)


def nasty_record(paper_id: int = 7) -> PaperRecord:
    return make_record(
        paper_id,
        title=f"Title {NASTY}",
        abstract=f"Abstract {NASTY} end.",
        tags=("x&y", "ünï"),
        note=f"Note {NASTY}",
        starred=True,
        read_status=ReadStatus.READ,
    )


def paper_doc(ref: int, title: str, **fields: object) -> dict[str, object]:
    """A bundle's paper object as JSON data, with only the required fields unless given."""
    return {
        "ref": ref,
        "title": title,
        "abstract": "",
        "starred": False,
        "read_status": "unread",
        "triage": "new",
        "trashed": False,
        "year_inferred": False,
        "incomplete": False,
        "added": "2024-01-01T00:00:00+00:00",
        "updated": "2024-01-02T00:00:00+00:00",
        **fields,
    }
