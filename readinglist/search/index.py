"""The Whoosh index of a library: schema, incremental updates, rebuilds, searching and state.

The database is the truth; the index holds a copy of each paper's searchable fields plus one
"state" document (the generation and the last applied change, written in the same commit as
the papers, so the two never disagree).  How it stays fast and small:

* files are read through memory maps in place (readinglist.search.storage): opening a
  library costs a few megabytes, not the size of the index;
* one searcher is kept and refreshed when the index changed, reopening only the segments
  that changed (_fresh_searcher: Whoosh's own refresh() is wrong about deletions);
* a one-paper edit commits a tiny segment without merging; segments are merged by size
  tiers on a background thread once edits pause, and in the commit itself on bulk work;
* a burst of bulk updates (importing many files) is written once, when it ends, and large
  rebuilds and updates use Whoosh's multi-process writer (two processes).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from itertools import chain, islice
from typing import TYPE_CHECKING, Any

from filelock import FileLock
from whoosh import fields
from whoosh.analysis import StemmingAnalyzer
from whoosh.index import LockError
from whoosh.multiproc import MpWriter
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import NO_MERGE, SegmentWriter

from readinglist.querylang import And, Node, Not, Or, ParsedQuery, Recent, parse
from readinglist.search import searching
from readinglist.search.numbers import day_number, minute_number
from readinglist.search.state import IndexState, IndexUnavailable, IndexUpdate
from readinglist.search.storage import MappedStorage

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from whoosh.index import FileIndex

    from readinglist.records import IndexDoc, SearchOutcome, Similar

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
"""Bump when the schema or the analysis changes: an index of another version is rebuilt."""

STATE_ID = "__state__"
"""A document that records which change the index has applied, committed atomically with it."""

WRITER_TIMEOUT_S = 15.0
MP_MIN_DOCS = 5_000
"""From this many documents on, write with two processes (Whoosh's MpWriter)."""
BULK_DOCS = 50
"""Updates of at least this many documents merge by size tiers in their own commit."""
BURST_AFTER = 3
"""This many bulk updates in a row (an import of many files) start a burst: see _defer()."""
BURST_GAP_S = 1.0
"""Bulk updates further apart than this are not a burst."""
FLUSH_IDLE_S = 0.5
"""A burst is written this long after its last update."""
MERGE_IDLE_S = 1.0
"""Small edits leave merging to a background thread, this long after the last one."""
MAX_SEGMENTS = 40
"""Past this many segments (a long burst of edits) an edit merges in its own commit."""
WRITER_MB = 256
CACHE_SIZE = 128
"""Recent answers kept per searcher (see SearchIndex.search)."""
CACHE_MAX_HITS = 2_000


def schema() -> fields.Schema:
    text = StemmingAnalyzer()
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(),
        title=fields.TEXT(analyzer=text, stored=True),
        abstract=fields.TEXT(analyzer=text, stored=True),
        tag=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        note=fields.TEXT(analyzer=text, stored=True),
        org=fields.TEXT(analyzer=text),
        shelf=fields.KEYWORD(lowercase=True, commas=True),
        starred=fields.BOOLEAN(),
        status=fields.ID(),
        triage=fields.ID(),
        trashed=fields.BOOLEAN(),
        # Numbers, not DATETIME: a day or minute number in 32 bits indexes as 4 range terms
        # where a 64-bit DATETIME takes 8, and every term costs time in each commit.
        published=fields.NUMERIC(int, bits=32, shift_step=8),  # day_number()
        upvotes=fields.NUMERIC(int, bits=32, shift_step=8),
        seen=fields.NUMERIC(int, bits=32, shift_step=8),
        added=fields.NUMERIC(int, bits=32, shift_step=8, sortable=True),  # minute_number()
        state=fields.STORED(),
    )


class SearchIndex:
    """One Whoosh index in a directory; the database decides what it should hold.

    Thread-safe: a lock serialises this object's use of the index, so the desktop app may
    search from a worker thread while the main thread edits.
    """

    def __init__(self, directory: Path, *, background: bool = True) -> None:
        self.directory = directory
        # Background threads merge segments and write deferred bursts; without them that
        # work happens at once, in the edit that made it due.
        self.background = background
        self._ix: FileIndex | None = None
        self._ix_inode: int | None = None
        self._searcher: Searcher | None = None
        self._lock = threading.RLock()
        self._merge_timer: threading.Timer | None = None
        self._flush_timer: threading.Timer | None = None
        self._deferred: Callable[[IndexState | None], IndexUpdate | None] | None = None
        self._bulk_streak = 0
        self._last_bulk = 0.0
        self._merging = threading.Lock()  # held while this process merges
        # Answers of the kept searcher: typing back to an earlier query, smart shelves'
        # counts, a view shown again.  Any change to the index gives a new searcher.
        self._cache: OrderedDict[tuple[object, ...], SearchOutcome] = OrderedDict()
        self._cached_for: Searcher | None = None

    # -- opening ----------------------------------------------------------------------------

    def _open(self) -> FileIndex:
        """The index object (cheap: reads the table of contents, opens no segment)."""
        if self._ix is not None and self._ix_inode == _inode(self.directory):
            return self._ix
        self._drop_handles()
        try:
            self._ix = MappedStorage(str(self.directory)).open_index(schema=None)
            self._ix_inode = _inode(self.directory)
        except Exception as err:  # missing, half-written or unreadable: all mean "rebuild"
            raise IndexUnavailable(f"{self.directory}: {err}") from err
        return self._ix

    def _current_searcher(self) -> Searcher:
        """The kept searcher, refreshed if the index changed (in this process or another)."""
        try:
            ix = self._open()
            if self._searcher is None or ix.latest_generation() != _generation(self._searcher):
                self._searcher = _fresh_searcher(ix, self._searcher)
        except IndexUnavailable:
            raise
        except Exception as err:
            self._drop_handles()
            raise IndexUnavailable(f"{self.directory}: {err}") from err
        return self._searcher

    def _drop_handles(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:  # closing a damaged reader must not fail
                log.debug("closing the searcher failed", exc_info=True)
            self._searcher = None
        self._ix = None
        self._ix_inode = None

    def close(self) -> None:
        """Release the index; a merge still waiting for a pause in edits runs now.

        (A command-line edit exits long before a pause: merging here keeps its segments
        from piling up.)
        """
        self.flush()
        if self._take_pending_merge():
            self.merge()
        with self._merging, self._lock:  # a running merge finishes first
            self._drop_handles()

    # -- state ------------------------------------------------------------------------------

    def state(self) -> IndexState | None:
        """The applied generation and change, or None when the index must be rebuilt.

        None means: missing, damaged, or written by another schema version.
        """
        with self._lock:
            try:
                return _read_state(self._current_searcher())
            except Exception:  # whatever the damage, the answer is "rebuild"
                self._drop_handles()
                return None

    # -- writing ----------------------------------------------------------------------------

    def rebuild(
        self,
        docs: Iterable[IndexDoc],
        state: IndexState,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        """Write a fresh index beside the old one, then swap it in.

        Searches keep using the old index until the swap.  Large libraries are written by
        two processes, in two segments that are not merged (merging would double the time).
        """
        parent = self.directory.parent
        parent.mkdir(parents=True, exist_ok=True)
        # One rebuild at a time across processes: a second one would otherwise clear the
        # first one's half-written folder as a leftover (two windows opening one library).
        with FileLock(str(parent / (self.directory.name + ".rebuild.lock"))):
            self._rebuild_locked(docs, state, progress)

    def _rebuild_locked(
        self,
        docs: Iterable[IndexDoc],
        state: IndexState,
        progress: Callable[[int], None] | None,
    ) -> None:
        parent = self.directory.parent
        with self._lock:
            self._cancel_merge_timer()
        with self._merging:
            pass  # a background merge must not be writing into the folder being replaced
        _remove_leftovers(self.directory)
        tmp = tempfile.mkdtemp(prefix=self.directory.name + ".rebuild-", dir=parent)
        try:
            ix = MappedStorage(tmp).create_index(schema())
            it = iter(docs)
            head = list(islice(it, MP_MIN_DOCS))
            writer: SegmentWriter
            if len(head) < MP_MIN_DOCS:
                writer = ix.writer(limitmb=WRITER_MB, compound=False)
            else:
                writer = MpWriter(ix, procs=2, multisegment=True, subargs=_SUB_ARGS, **_SUB_ARGS)
            try:
                for n, doc in enumerate(chain(head, it), 1):
                    writer.add_document(**_fields(doc))
                    if progress is not None and n % 500 == 0:
                        progress(n)
                writer.add_document(**_state_fields(state))
                writer.commit()
            except BaseException:
                _cancel(writer)
                raise
            with self._lock:
                self._drop_handles()
                old = None
                if self.directory.exists():
                    old = tempfile.mkdtemp(prefix=self.directory.name + ".old-", dir=parent)
                    os.rmdir(old)
                    self.directory.rename(old)
                os.rename(tmp, self.directory)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def update(self, plan: Callable[[IndexState | None], IndexUpdate | None]) -> IndexState | None:
        """Apply what ``plan`` decides, holding the writer lock while it reads the database.

        Holding the lock while the plan reads means two processes cannot commit an older
        view of a paper over a newer one, nor move the applied change backwards.  Returns
        the state now applied; None when the index must be rebuilt.  When another process
        holds the lock for longer than WRITER_TIMEOUT_S, nothing is applied and the current
        state is returned: the journal keeps the change for the next sync.

        A small update commits a new small segment without merging (a star must not wait
        for a merge); bulk updates merge by size tiers in their own commit.
        """
        with self._lock:
            self._cancel_merge_timer()  # an edit restarts the wait for a pause
            if self._bulk_streak >= BURST_AFTER and self.background:
                return self._defer(plan)
            return self._update_now(plan)

    def _update_now(
        self, plan: Callable[[IndexState | None], IndexUpdate | None]
    ) -> IndexState | None:
        """update() without deferral (the lock is held)."""
        with self._lock:
            with self._merging:  # a merge of this process holds the writer lock: let it end
                pass
            try:
                ix = self._open()
                writer = ix.writer(timeout=WRITER_TIMEOUT_S, delay=0.01, limitmb=32, compound=False)
            except IndexUnavailable:
                return None
            except LockError:
                log.warning("%s: the index is busy; the change will be applied later", self)
                return self.state()
            try:
                searcher = self._searcher_for(writer)
                upd = plan(_read_state(searcher))
                if upd is None:
                    writer.cancel()
                    return _read_state(searcher)
                if len(upd.docs) >= MP_MIN_DOCS:
                    self._apply_in_processes(ix, writer, upd)
                    self._count_bulk(bulk=True)
                    return upd.state
                _apply(writer, upd, searcher)
                bulk = len(upd.docs) >= BULK_DOCS or len(writer.segments) >= MAX_SEGMENTS
                writer.commit(mergetype=merge_tiers if bulk else NO_MERGE)
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                raise
            if not bulk:
                self._maybe_merge(ix)
            self._count_bulk(len(upd.docs) >= BULK_DOCS)
            return upd.state

    # -- bursts of bulk updates (importing many files) ---------------------------------------

    def _count_bulk(self, bulk: bool) -> None:
        """Track back-to-back bulk updates: BURST_AFTER of them start a burst."""
        now = time.monotonic()
        if bulk and now - self._last_bulk < BURST_GAP_S:
            self._bulk_streak += 1
        else:
            self._bulk_streak = 1 if bulk else 0
        self._last_bulk = now if bulk else 0.0

    def _defer(self, plan: Callable[[IndexState | None], IndexUpdate | None]) -> IndexState | None:
        """In a burst, keep the plan for later: one bulk write instead of one per file.

        Any plan covers every change journalled since the index's state, so the latest one
        is all that is needed.  The journal keeps the changes meanwhile (a crash loses
        nothing); the burst is written FLUSH_IDLE_S after the last update, or before any
        search, or on close.
        """
        self._deferred = plan
        if self._flush_timer is not None:
            self._flush_timer.cancel()
        timer = threading.Timer(FLUSH_IDLE_S, self.flush)
        timer.daemon = True
        timer.name = "readinglist-index-flush"
        self._flush_timer = timer
        timer.start()
        try:
            return _read_state(self._current_searcher())
        except IndexUnavailable:
            return None

    def flush(self) -> None:
        """Write what a burst of updates deferred (see _defer); nothing when nothing is."""
        with self._lock:
            if self._flush_timer is not None:
                self._flush_timer.cancel()
                self._flush_timer = None
            plan, self._deferred = self._deferred, None
            self._bulk_streak = 0
            if plan is not None:
                try:
                    self._update_now(plan)
                except Exception:
                    log.warning("writing deferred index updates failed", exc_info=True)

    def _searcher_for(self, writer: SegmentWriter) -> Searcher:
        """A searcher on exactly the commit ``writer`` builds on (its document numbers).

        The kept searcher, refreshed under the writer lock, when it is on that commit (no
        segment to reopen); otherwise the writer's own.
        """
        try:
            kept = self._current_searcher()
            if _generation(kept) == writer.generation - 1:
                return kept
        except IndexUnavailable:
            pass
        return writer.searcher()

    def _apply_in_processes(self, ix: FileIndex, writer: SegmentWriter, upd: IndexUpdate) -> None:
        """A large update (a bulk edit, a long catch-up, a burst): two processes.

        The writer lock passes from ``writer`` (closed unused) to the multi-process writer,
        which releases it when it commits or is cancelled, so ``upd`` (planned under the
        lock) still describes the index it is applied to.  The helpers' segments are not
        merged with each other (that would cost as much again); tiers are merged later.
        """
        lock, writer.writelock = writer.writelock, None
        with ix.searcher() as s:  # the commit the writer saw: nobody else can write
            writer.cancel()
            try:
                mp = MpWriter(
                    ix, procs=2, multisegment=True, subargs=_SUB_ARGS, _lk=False, **_SUB_ARGS
                )
            except BaseException:
                if lock is not None:
                    lock.release()
                raise
            mp.writelock = lock
            try:
                _apply(mp, upd, s)
                mp.commit(mergetype=merge_tiers)
            except BaseException:
                _cancel(mp)
                raise

    def _maybe_merge(self, ix: FileIndex) -> None:
        """Merge soon if a size tier filled up: in the background once edits pause."""
        try:
            due = _tiers_to_merge(ix._segments())
        except Exception:  # only a hint
            return
        if not due:
            return
        if not self.background:
            self.merge()
            return
        self._cancel_merge_timer()
        timer = threading.Timer(MERGE_IDLE_S, self.merge)
        timer.daemon = True
        timer.name = "readinglist-index-merge"
        self._merge_timer = timer
        timer.start()

    def _take_pending_merge(self) -> bool:
        """Cancel the merge timer; True if it had not fired yet (the merge is still due)."""
        timer = self._merge_timer
        pending = timer is not None and not timer.finished.is_set()
        self._cancel_merge_timer()
        return pending

    def _cancel_merge_timer(self) -> None:
        timer, self._merge_timer = self._merge_timer, None
        if timer is not None:
            timer.cancel()

    def merge(self) -> bool:
        """Merge segments by size tiers unless another process is writing; True if it did.

        Runs on a timer thread MERGE_IDLE_S after the last small edit, so a burst of edits
        never waits for a merge; an edit arriving meanwhile waits for it to finish.
        """
        with self._merging:
            try:
                ix = MappedStorage(str(self.directory)).open_index()
                if not _tiers_to_merge(ix._segments()):
                    return False
                writer = ix.writer(timeout=0.0, limitmb=32, compound=False)
            except Exception:  # busy or gone: try again after the next edit
                return False
            try:
                writer.commit(mergetype=merge_tiers)
            except BaseException:
                if not writer.is_closed:
                    writer.cancel()
                log.warning("merging index segments failed", exc_info=True)
                return False
            return True

    def wait_for_merge(self) -> None:
        """Run pending writes and merges now, or wait for running ones (tests, benchmarks)."""
        self.flush()
        if self._take_pending_merge():
            self.merge()
        with self._merging:
            pass

    # -- reading ----------------------------------------------------------------------------

    def ids(self) -> set[int]:
        """Every paper id the index holds (for checks against the database)."""
        with self._lock:
            self.flush()
            s = self._current_searcher()
            return {int(f["id"]) for f in s.documents(kind="paper")}

    def doc_count(self) -> int:
        with self._lock:
            self.flush()
            s = self._current_searcher()
            return len(list(s.document_numbers(kind="paper")))

    def segment_count(self) -> int:
        with self._lock:
            self.flush()
            return len(self._current_searcher().reader().leaf_readers())

    def search(
        self,
        query: str | ParsedQuery,
        *,
        limit: int | None = 50,
        snippets: bool = True,
        include_trashed: bool = False,
        now: dt.datetime | None = None,
        suggest_for: ParsedQuery | None = None,
    ) -> SearchOutcome:
        """Run a query in the query language (readinglist.querylang), as text or as a tree.

        A composed tree (a view's condition and the words typed) passes the typed part as
        ``suggest_for``: "did you mean" corrects what the user wrote, not the view.
        Raises IndexUnavailable when the index is missing or damaged.
        """
        parsed = parse(query) if isinstance(query, str) else query
        moment = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        # Relative dates (added:7d) make the answer depend on the minute it is asked.
        key = (
            parsed.text,
            parsed.tree,
            suggest_for,
            limit,
            snippets,
            include_trashed,
            _minute_if_relative(parsed, moment),
        )
        with self._lock:
            self.flush()
            s = self._current_searcher()
            if s is not self._cached_for:
                self._cache.clear()
                self._cached_for = s
            if (cached := self._cache.get(key)) is not None:
                self._cache.move_to_end(key)
                return cached
            try:
                outcome = searching.search(
                    s,
                    parsed,
                    limit=limit,
                    snippets=snippets,
                    include_trashed=include_trashed,
                    now=moment,
                    suggest_for=suggest_for,
                )
            except searching.READ_ERRORS as err:
                log.warning("%s: unreadable, to be rebuilt: %r", self.directory, err)
                self._drop_handles()
                raise IndexUnavailable(f"{self.directory}: {err}") from err
            if len(outcome.hits) <= CACHE_MAX_HITS:
                self._cache[key] = outcome
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
            return outcome

    def search_ids(
        self, query: str, limit: int | None = 50, *, include_trashed: bool = True
    ) -> list[int]:
        """Ids of the papers matching ``query``, best first; the Trash included by default.

        For callers that filter by the database afterwards (export scopes, checks).
        """
        outcome = self.search(query, limit=limit, snippets=False, include_trashed=include_trashed)
        return [hit.id for hit in outcome.hits]

    def similar(self, paper_id: int, *, limit: int = 10) -> list[Similar] | None:
        """Papers like this one (title and abstract); None when the index lacks the paper."""
        with self._lock:
            self.flush()
            s = self._current_searcher()
            try:
                return searching.similar(s, paper_id, limit=limit)
            except searching.READ_ERRORS as err:
                log.warning("%s: unreadable, to be rebuilt: %r", self.directory, err)
                self._drop_handles()
                raise IndexUnavailable(f"{self.directory}: {err}") from err

    def __repr__(self) -> str:
        return f"SearchIndex({str(self.directory)!r})"


_SUB_ARGS: dict[str, Any] = {"limitmb": WRITER_MB // 2, "compound": False}


def _minute_if_relative(parsed: ParsedQuery, now: dt.datetime) -> dt.datetime | None:
    """The minute a query with a relative date (added:7d) is asked at; None for others."""

    def relative(node: Node) -> bool:
        if isinstance(node, Recent):
            return True
        if isinstance(node, And | Or):
            return any(relative(child) for child in node.children)
        return isinstance(node, Not) and relative(node.child)

    return now.replace(second=0, microsecond=0) if relative(parsed.tree) else None


def _generation(searcher: Searcher) -> int:
    return int(searcher.reader().generation())


def _fresh_searcher(ix: FileIndex, old: Searcher | None) -> Searcher:
    """A searcher on the latest commit, keeping the old one's readers of unchanged segments.

    Whoosh's own ``Searcher.refresh()`` cannot be used: it reuses a segment's reader even
    when the segment gained deletions (an updated paper would be found twice), and after a
    merge it adds the merged-away segments back.  A segment is unchanged here when its id
    and its number of deletions are the same (deletions only ever grow).
    """
    toc = ix._read_toc()
    reusable: dict[tuple[str, int], SegmentReader] = {}
    if old is not None:
        for reader, _offset in old.reader().leaf_readers():
            segment = reader.segment()
            if segment is not None:
                reusable[(segment.segment_id(), segment.deleted_count())] = reader
    readers: list[SegmentReader] = []
    try:
        for segment in toc.segments:
            key = (segment.segment_id(), segment.deleted_count())
            reader = reusable.pop(key, None)
            if reader is None:
                reader = SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation)
            readers.append(reader)
    except BaseException:
        for reader in readers:
            if reader not in reusable.values():
                reader.close()
        raise
    for reader in reusable.values():
        reader.close()  # segments merged away or changed
    if old is not None:
        old.is_closed = True  # its reused readers live on in the new searcher
    if not readers:
        combined = EmptyReader(toc.schema)
    elif len(readers) == 1:
        combined = readers[0]
    else:
        combined = MultiReader(readers, generation=toc.generation)
    return Searcher(combined, fromindex=ix)


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _remove_leftovers(directory: Path) -> None:
    """Old copies left by a swap, and rebuilds of a process that died an hour ago or more."""
    cutoff = time.time() - 3600
    for pattern, always in ((".old-*", True), (".rebuild-*", False)):
        for path in directory.parent.glob(directory.name + pattern):
            try:
                if always or path.stat().st_mtime < cutoff:
                    shutil.rmtree(path, ignore_errors=True)
            except OSError:
                continue


TIER_BASE = 8
"""Segments of 1-7 documents are tier 0, 8-63 tier 1, 64-511 tier 2..."""
TIER_SIZE = 6
"""A tier holding this many segments is merged into one (of the next tier)."""
MAX_DELETED = 0.25
"""A segment whose share of deleted documents passes this is rewritten without them."""


def _tier(segment: Any) -> int:
    count, tier = max(1, segment.doc_count()), 0
    while count >= TIER_BASE:
        count //= TIER_BASE
        tier += 1
    return tier


def _tiers_to_merge(segments: Sequence[Any]) -> list[Any]:
    """The segments a tiered merge would rewrite (see merge_tiers)."""
    tiers: dict[int, list[Any]] = {}
    for seg in segments:
        tiers.setdefault(_tier(seg), []).append(seg)
    due = [seg for tier in tiers.values() if len(tier) >= TIER_SIZE for seg in tier]
    due += [
        seg
        for seg in segments
        if seg not in due
        and seg.doc_count_all() >= TIER_BASE  # small ones wait for their tier to fill
        and seg.deleted_count() > MAX_DELETED * seg.doc_count_all()
    ]
    return due


def merge_tiers(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge every size tier that filled up, and purge deletions.

    Each document is rewritten about log_8(N / batch) times over the life of the index,
    and a search meets at most TIER_SIZE - 1 segments per tier (Whoosh's MERGE_SMALL
    merges at most a handful of the smallest segments, so piles of small ones build up).
    """
    due = _tiers_to_merge(segments)
    if not due:
        return segments
    for seg in due:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [seg for seg in segments if seg not in due]


def _cancel(writer: SegmentWriter) -> None:
    """Cancel a writer, and stop a multi-process writer's helpers (cancel() alone does not)."""
    try:
        writer.cancel()
    finally:
        for task in getattr(writer, "tasks", ()):
            if task.is_alive():
                task.terminate()
                task.join(timeout=5)


def _apply(writer: SegmentWriter, upd: IndexUpdate, searcher: Searcher) -> None:
    """Delete the old versions (found through ``searcher``), then add the new ones."""
    keys = chain((str(i) for i in upd.removed), (str(d.id) for d in upd.docs), (STATE_ID,))
    _delete_ids(writer, searcher, keys)
    for doc in upd.docs:
        writer.add_document(**_fields(doc))
    writer.add_document(**_state_fields(upd.state))


def _delete_ids(writer: SegmentWriter, searcher: Searcher, keys: Iterable[str]) -> None:
    """Delete the documents with these ids: a term lookup per segment, no query machinery.

    (``delete_by_term`` builds and runs a query per id: most of a large update's time
    when most of its papers are new.)
    """
    leaves = searcher.reader().leaf_readers()
    for key in keys:
        for reader, offset in leaves:
            if ("id", key) not in reader:
                continue
            for docnum in reader.postings("id", key).all_ids():
                if not reader.is_deleted(docnum):
                    writer.delete_document(offset + docnum)


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
        "published": day_number(doc.published) if doc.published else None,
        "upvotes": doc.upvotes,
        "seen": doc.seen_count,
        "added": minute_number(doc.added),
    }


def _state_fields(state: IndexState) -> dict[str, object]:
    data = {
        "schema": SCHEMA_VERSION,
        "generation": state.generation,
        "applied_seq": state.applied_seq,
    }
    return {"id": STATE_ID, "kind": "state", "state": json.dumps(data)}


def _read_state(searcher: Searcher) -> IndexState | None:
    return _parse_state(searcher.document(id=STATE_ID))


def _parse_state(stored: dict[str, object] | None) -> IndexState | None:
    if not stored or not isinstance(stored.get("state"), str):
        return None
    data = json.loads(str(stored["state"]))
    if data.get("schema") != SCHEMA_VERSION:
        return None
    return IndexState(int(data["generation"]), int(data["applied_seq"]))


__all__ = [
    "SCHEMA_VERSION",
    "IndexState",
    "IndexUnavailable",
    "IndexUpdate",
    "SearchIndex",
    "schema",
]
