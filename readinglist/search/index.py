"""The Whoosh index of a library: schema, incremental updates, rebuilds and its state."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh import fields, index
from whoosh.analysis import StemmingAnalyzer
from whoosh.query import Term

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from whoosh.searching import Searcher

    from readinglist.records import IndexDoc

STATE_ID = "__state__"
"""A document that records which change the index has applied, committed atomically with it."""

WRITER_TIMEOUT_S = 15.0


def schema() -> fields.Schema:
    text = StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(),
        title=fields.TEXT(analyzer=text, field_boost=3.0, stored=True, spelling=True),
        abstract=fields.TEXT(analyzer=text, stored=True, spelling=True),
        tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        note=fields.TEXT(analyzer=text),
        org=fields.TEXT(analyzer=text),
        shelf=fields.KEYWORD(lowercase=True, commas=True),
        starred=fields.BOOLEAN(),
        status=fields.ID(),
        triage=fields.ID(),
        trashed=fields.BOOLEAN(),
        published=fields.DATETIME(),
        upvotes=fields.NUMERIC(int),
        seen=fields.NUMERIC(int),
        added=fields.DATETIME(),
        state=fields.STORED(),
    )


@dataclass(frozen=True, slots=True)
class IndexState:
    generation: int
    applied_seq: int


@dataclass(frozen=True, slots=True)
class IndexUpdate:
    docs: Sequence[IndexDoc]
    removed: Sequence[int]
    state: IndexState


class SearchIndex:
    """One Whoosh index in a directory; the database decides what it should hold."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._ix: index.Index | None = None

    # -- state ------------------------------------------------------------------------------

    def state(self) -> IndexState | None:
        """The applied generation and change, or None when the index is missing or damaged."""
        try:
            ix = self._open()
            with ix.searcher() as s:
                return _read_state(s)
        except Exception:  # noqa: BLE001 - whatever the damage, the answer is "rebuild"
            self.close()
            return None

    def _open(self) -> index.Index:
        if self._ix is None:
            self._ix = index.open_dir(str(self.directory))
        return self._ix

    # -- writing ----------------------------------------------------------------------------

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        state: IndexState,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write a fresh index beside the old one, then swap it in."""
        tmp = self.directory.with_name(self.directory.name + ".rebuild")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        ix = index.create_in(str(tmp), schema())
        writer = ix.writer(limitmb=128)
        try:
            for n, doc in enumerate(docs, 1):
                writer.add_document(**_fields(doc))
                if progress is not None and n % 500 == 0:
                    progress(n)
            writer.add_document(**_state_fields(state))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
        self.close()
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)

    def update(self, plan: Callable[[IndexState | None], IndexUpdate | None]) -> IndexState | None:
        """Apply what ``plan`` decides, holding the writer lock while it reads the database.

        Holding the lock while the plan reads means two processes cannot commit an older
        view of a paper over a newer one, nor move the applied change backwards.
        """
        ix = self._open()
        writer = ix.writer(timeout=WRITER_TIMEOUT_S)
        try:
            with writer.searcher() as s:
                current = _read_state(s)
            upd = plan(current)
            if upd is None:
                writer.cancel()
                return current
            for paper_id in upd.removed:
                writer.delete_by_term("id", str(paper_id))
            for doc in upd.docs:
                writer.update_document(**_fields(doc))
            writer.update_document(**_state_fields(upd.state))
            writer.commit(merge=len(upd.docs) > 1000)
        except BaseException:
            writer.cancel()
            raise
        return upd.state

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    # -- reading ----------------------------------------------------------------------------

    def ids(self) -> set[int]:
        """Every paper id the index holds (for checks against the database)."""
        ix = self._open()
        with ix.searcher() as s:
            return {
                int(f["id"])
                for f in s.documents(kind="paper")  # type: ignore[no-untyped-call]
            }

    def doc_count(self) -> int:
        ix = self._open()
        with ix.searcher() as s:
            return len(list(s.document_numbers(kind="paper")))

    def search_ids(self, text: str, limit: int | None = 50) -> list[int]:
        """A plain text search over title and abstract; the query language builds on this."""
        from whoosh.qparser import MultifieldParser

        ix = self._open()
        parser = MultifieldParser(["title", "abstract"], ix.schema)
        query = parser.parse(text) & Term("kind", "paper")
        with ix.searcher() as s:
            return [int(hit["id"]) for hit in s.search(query, limit=limit)]


def _fields(doc: IndexDoc) -> dict[str, object]:
    return {
        "id": str(doc.id),
        "kind": "paper",
        "title": doc.title,
        "abstract": doc.abstract,
        "tag": ",".join(doc.tags),
        "note": doc.note,
        "org": doc.organization,
        "shelf": ",".join(doc.shelves),
        "starred": doc.starred,
        "status": doc.read_status,
        "triage": doc.triage,
        "trashed": doc.trashed,
        "published": (dt.datetime.combine(doc.published, dt.time()) if doc.published else None),
        "upvotes": doc.upvotes,
        "seen": doc.seen_count,
        "added": doc.added.replace(tzinfo=None),
    }


def _state_fields(state: IndexState) -> dict[str, object]:
    return {
        "id": STATE_ID,
        "kind": "state",
        "state": json.dumps({"generation": state.generation, "applied_seq": state.applied_seq}),
    }


def _read_state(searcher: Searcher) -> IndexState | None:
    return _parse_state(searcher.document(id=STATE_ID))


def _parse_state(stored: dict[str, object] | None) -> IndexState | None:
    if not stored or not isinstance(stored.get("state"), str):
        return None
    data = json.loads(str(stored["state"]))
    return IndexState(int(data["generation"]), int(data["applied_seq"]))


def create_empty(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    index.create_in(str(directory), schema())
