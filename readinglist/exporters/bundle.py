"""The readinglist JSON bundle: a versioned, lossless reading list (see docs/bundle-format.md).

Pure code: building a bundle from plain records, writing it, and reading and validating one.
Putting a bundle into a library is the import wing's job (readinglist.importing).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from readinglist import textlimits
from readinglist.records import ReadStatus, ShelfKind, Triage

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from readinglist.records import PaperRecord
    from readinglist.textlimits import Limit

FORMAT = "readinglist-bundle"
VERSION = 1
"""Bumped only for changes an older reader would misread; new optional fields keep it."""

MAX_TAG_LENGTH = textlimits.TAG.max_length
MAX_SHELF_NAME = textlimits.SHELF_NAME.max_length
MAX_DATE_LABEL = 32  # the digests.date_label column; real labels ("Mar 11") are short


class BundleFormatError(ValueError):
    """The data is not a bundle this version can read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class BundleDigest:
    content_hash: str  # sha-256 of the digest file: the same digest on every machine
    file_name: str
    date_label: str | None
    date: dt.date | None
    imported_at: dt.datetime
    entry_count: int


@dataclass(frozen=True, slots=True)
class BundleSighting:
    digest: str  # a BundleDigest.content_hash
    position: int
    upvotes: int | None


@dataclass(frozen=True, slots=True)
class BundlePaper:
    title: str
    abstract: str
    starred: bool
    read_status: ReadStatus
    triage: Triage
    trashed: bool
    tags: tuple[str, ...]
    published: dt.date | None
    year_inferred: bool
    upvotes: int | None
    authors_count: int | None
    organization: str | None
    links: tuple[str, ...]
    incomplete: bool
    added: dt.datetime
    updated: dt.datetime
    note: str
    note_updated: dt.datetime | None
    sightings: tuple[BundleSighting, ...]
    # Added in readinglist 0.x without a version bump: optional, () and None when absent.
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None


@dataclass(frozen=True, slots=True)
class BundleShelf:
    name: str
    kind: ShelfKind
    query: str | None
    papers: tuple[int, ...]  # indexes into Bundle.papers, in the shelf's manual order


@dataclass(frozen=True, slots=True)
class Bundle:
    scope: str  # what was exported, for people: "shelf “To read”", "whole library"
    exported_at: dt.datetime | None
    generator: str
    papers: tuple[BundlePaper, ...]
    shelves: tuple[BundleShelf, ...] = ()
    tag_colors: Mapping[str, str | None] | None = None
    digests: tuple[BundleDigest, ...] = ()
    version: int = VERSION
    # What reading it had to leave out or clean (over-long text, control characters), each
    # naming the paper or shelf: "paper 4 (papers[3].title): title too long (...): left out".
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ShelfOrder:
    """A shelf to put in a bundle: its papers by library id, in order."""

    name: str
    kind: ShelfKind
    query: str | None
    paper_ids: tuple[int, ...]


def from_records(
    records: Sequence[PaperRecord],
    *,
    scope: str,
    generator: str,
    exported_at: dt.datetime | None,
    shelves: Sequence[ShelfOrder] = (),
    tag_colors: Mapping[str, str | None] | None = None,
    digests: Mapping[int, BundleDigest] | None = None,
) -> Bundle:
    """A bundle of ``records``; ``digests`` maps library digest ids to their descriptions."""
    digests = digests or {}
    index = {r.id: n for n, r in enumerate(records)}
    papers = tuple(_paper(r, digests) for r in records)
    used = {s.digest for p in papers for s in p.sightings}
    return Bundle(
        scope=scope,
        exported_at=_utc(exported_at) if exported_at else None,
        generator=generator,
        papers=papers,
        shelves=tuple(
            BundleShelf(s.name, s.kind, s.query, tuple(index[i] for i in s.paper_ids if i in index))
            for s in shelves
        ),
        tag_colors={
            t: (tag_colors or {}).get(t) for t in sorted({t for r in records for t in r.tags})
        },
        digests=tuple(d for d in _sorted_digests(digests) if d.content_hash in used),
    )


def _sorted_digests(digests: Mapping[int, BundleDigest]) -> list[BundleDigest]:
    unique = {d.content_hash: d for d in digests.values()}
    return sorted(unique.values(), key=lambda d: (_utc(d.imported_at), d.content_hash))


def _paper(r: PaperRecord, digests: Mapping[int, BundleDigest]) -> BundlePaper:
    return BundlePaper(
        title=r.title,
        abstract=r.abstract,
        starred=r.starred,
        read_status=r.read_status,
        triage=r.triage,
        trashed=r.trashed,
        tags=r.tags,
        published=r.published,
        year_inferred=r.year_inferred,
        upvotes=r.upvotes,
        authors_count=r.authors_count,
        organization=r.organization,
        links=r.links,
        incomplete=r.incomplete,
        added=_utc(r.added),
        updated=_utc(r.updated),
        note=r.note,
        note_updated=_utc(r.note_updated) if r.note and r.note_updated else None,
        sightings=tuple(
            BundleSighting(digests[s.digest_id].content_hash, s.position, s.upvotes)
            for s in r.digests
            if s.digest_id in digests
        ),
        authors=r.authors,
        arxiv_id=r.arxiv_id,
    )


# -- writing ----------------------------------------------------------------------------------


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes that are UTC; make every timestamp explicit.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _ts(value: dt.datetime | None) -> str | None:
    return _utc(value).isoformat() if value is not None else None


def to_json(bundle: Bundle) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": bundle.version,
        "generator": bundle.generator,
        "exported_at": _ts(bundle.exported_at),
        "scope": bundle.scope,
        "tags": [{"name": n, "color": c} for n, c in (bundle.tag_colors or {}).items()],
        "digests": [
            {
                "content_hash": d.content_hash,
                "file_name": d.file_name,
                "date_label": d.date_label,
                "date": d.date.isoformat() if d.date else None,
                "imported_at": _ts(d.imported_at),
                "entry_count": d.entry_count,
            }
            for d in bundle.digests
        ],
        "shelves": [
            {
                "name": s.name,
                "kind": s.kind.value,
                "query": s.query,
                "papers": [n + 1 for n in s.papers],
            }
            for s in bundle.shelves
        ],
        "papers": [_paper_json(n + 1, p) for n, p in enumerate(bundle.papers)],
    }


def _paper_json(ref: int, p: BundlePaper) -> dict[str, Any]:
    return {
        "ref": ref,
        "title": p.title,
        "abstract": p.abstract,
        "starred": p.starred,
        "read_status": p.read_status.value,
        "triage": p.triage.value,
        "trashed": p.trashed,
        "tags": list(p.tags),
        "published": p.published.isoformat() if p.published else None,
        "year_inferred": p.year_inferred,
        "upvotes": p.upvotes,
        "authors_count": p.authors_count,
        "authors": list(p.authors),
        "arxiv_id": p.arxiv_id,
        "organization": p.organization,
        "links": list(p.links),
        "incomplete": p.incomplete,
        "added": _ts(p.added),
        "updated": _ts(p.updated),
        "note": {"body": p.note, "updated": _ts(p.note_updated)} if p.note else None,
        "sightings": [
            {"digest": s.digest, "position": s.position, "upvotes": s.upvotes} for s in p.sightings
        ],
    }


_SNIFF = re.compile(rb'^\s*\{\s*"format"\s*:\s*"readinglist-bundle"')
SNIFF_BYTES = 4096


def looks_like(head: bytes) -> bool:
    """Whether a file's first bytes start a bundle: a JSON object whose first key is its format."""
    return bool(_SNIFF.match(head[:SNIFF_BYTES].removeprefix(b"\xef\xbb\xbf")))


def dumps(bundle: Bundle) -> str:
    # "format" comes first so that readinglist.importing.looks_like_bundle finds it in a few bytes.
    return json.dumps(to_json(bundle), ensure_ascii=False, indent=2) + "\n"


# -- reading ----------------------------------------------------------------------------------


def loads(data: bytes | str) -> Bundle:
    """Parse and validate a bundle; raises BundleFormatError naming the field at fault."""
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise BundleFormatError(f"not valid JSON ({err})") from err
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BundleFormatError(f'not a readinglist bundle (no "format": "{FORMAT}")')
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleFormatError("version: expected a whole number from 1")
    if version > VERSION:
        raise BundleFormatError(
            f"made by a newer readinglist (bundle version {version}; "
            f"this version reads up to {VERSION}): update readinglist to import it"
        )
    warnings: list[str] = []
    r = _Reader(doc, "", warnings)
    digests = tuple(_digest(d) for d in r.items("digests"))
    hashes = {d.content_hash for d in digests}
    papers: list[BundlePaper] = []
    refs: dict[int, int | None] = {}  # ref -> index in papers; None: the paper was left out
    for p in r.items("papers"):
        ref = p.integer("ref")
        if ref in refs:
            raise BundleFormatError(f"{p.where('ref')}: {ref} is used by another paper too")
        paper = _read_paper(p, hashes)
        refs[ref] = None if paper is None else len(papers)
        if paper is not None:
            papers.append(paper)
    shelves = tuple(s for s in (_shelf(s, refs) for s in r.items("shelves")) if s is not None)
    names = [" ".join(s.name.casefold().split()) for s in shelves]
    if len(set(names)) != len(names):
        raise BundleFormatError("shelves: two shelves have the same name")
    tag_colors: dict[str, str | None] = {}
    for t in r.items("tags"):
        name = _tag_name(t, "name")
        if name is not None:
            tag_colors[name] = t.optional_text("color")
    return Bundle(
        scope=r.info("scope"),
        exported_at=r.optional_timestamp("exported_at"),
        generator=r.info("generator"),
        papers=tuple(papers),
        shelves=shelves,
        tag_colors=tag_colors,
        digests=digests,
        version=version,
        warnings=tuple(warnings),
    )


# Text a bundle carries for people: one line, and no longer than this.
_INFO = textlimits.Limit("text", 10_000, one_line=True)
_DATE_LABEL = textlimits.Limit("date label", MAX_DATE_LABEL, one_line=True)
_LINK = textlimits.Limit("link", 2_000, one_line=True)  # no page has a longer address


class _LeftOut(Exception):
    """A value over its limit: what holds it (a paper, shelf, tag or note) is left out."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def _digest(d: _Reader) -> BundleDigest:
    try:
        date_label = d.optional_fitted("date_label", _DATE_LABEL)
    except _LeftOut as err:
        d.warn(err.where, f"{err.reason}: left out")
        date_label = None
    return BundleDigest(
        content_hash=d.text("content_hash", nonempty=True, limit=64),
        file_name=d.info("file_name", required=True),
        date_label=date_label,
        date=d.optional_date("date"),
        imported_at=d.timestamp("imported_at"),
        entry_count=d.integer("entry_count"),
    )


def _read_paper(p: _Reader, hashes: set[str]) -> BundlePaper | None:
    """The paper, or None when its title, abstract or organisation is over its limit."""
    try:
        title = p.fitted("title", textlimits.TITLE, nonempty=True)
        abstract = p.fitted("abstract", textlimits.ABSTRACT)
        organization = p.optional_fitted("organization", textlimits.ORGANIZATION)
    except _LeftOut as err:
        p.warn(err.where, f"{err.reason}: paper left out")
        return None
    note, note_updated = _note(p)
    sightings = []
    for s in p.items("sightings"):
        digest = s.text("digest")
        if digest not in hashes:
            raise BundleFormatError(f"{s.where('digest')}: no digest {digest!r} in the bundle")
        sightings.append(BundleSighting(digest, s.integer("position"), s.optional_int("upvotes")))
    tags = (_tag_name(p, "tags", i) for i in range(len(p.array("tags"))))
    return BundlePaper(
        title=title,
        abstract=abstract,
        starred=p.boolean("starred"),
        read_status=p.choice("read_status", ReadStatus),
        triage=p.choice("triage", Triage),
        trashed=p.boolean("trashed"),
        tags=tuple(t for t in tags if t is not None),
        published=p.optional_date("published"),
        year_inferred=p.boolean("year_inferred"),
        upvotes=p.optional_int("upvotes"),
        authors_count=p.optional_int("authors_count"),
        organization=organization or None,
        links=_links(p),
        incomplete=p.boolean("incomplete"),
        added=p.timestamp("added"),
        updated=p.timestamp("updated"),
        note=note,
        note_updated=note_updated,
        sightings=tuple(sightings),
        authors=_authors(p),
        arxiv_id=_arxiv_id(p),
    )


def _note(p: _Reader) -> tuple[str, dt.datetime | None]:
    note = p.optional_object("note")
    if note is None:
        return "", None
    try:
        body = note.fitted("body", textlimits.NOTE)
    except _LeftOut as err:
        p.warn(err.where, f"{err.reason}: note left out")
        return "", None
    return body, note.optional_timestamp("updated")


_ARXIV_ID = 64  # the papers.arxiv_id column; real ids are at most 20 characters


def _authors(p: _Reader) -> tuple[str, ...]:
    """Author names (optional: bundles before they were kept have none)."""
    names = []
    for n, raw in enumerate(p.text_list("authors")):
        cleaned = textlimits.clean(raw, textlimits.AUTHOR)
        if cleaned.too_long or not cleaned.text:
            p.warn(f"{p.where('authors')}[{n}]", f"{cleaned.too_long or 'empty'}: name left out")
        else:
            names.append(cleaned.text)
    return tuple(names)


def _arxiv_id(p: _Reader) -> str | None:
    value = p.optional_text("arxiv_id")
    if value is not None and (len(value) > _ARXIV_ID or value.split() != [value]):
        raise BundleFormatError(f"{p.where('arxiv_id')}: expected an arXiv id (2403.01234)")
    return value


def _links(p: _Reader) -> tuple[str, ...]:
    links = []
    for n, raw in enumerate(p.text_list("links")):
        cleaned = textlimits.clean(raw, _LINK)
        if cleaned.too_long or not cleaned.text:
            p.warn(f"{p.where('links')}[{n}]", f"{cleaned.too_long or 'empty'}: link left out")
        else:
            links.append(cleaned.text)
    return tuple(links)


def _shelf(s: _Reader, refs: Mapping[int, int | None]) -> BundleShelf | None:
    """The shelf (without papers left out), or None when its name or query is too long."""
    try:
        name = s.fitted("name", textlimits.SHELF_NAME, nonempty=True)
        query = s.optional_fitted("query", _INFO)
    except _LeftOut as err:
        s.warn(err.where, f"{err.reason}: shelf left out")
        return None
    kind = s.choice("kind", ShelfKind)
    if kind is ShelfKind.SMART and not query:
        raise BundleFormatError(f"{s.where('query')}: a smart shelf needs a query")
    for n, ref in enumerate(s.array("papers")):
        if not isinstance(ref, int) or ref not in refs:
            raise BundleFormatError(f"{s.where('papers')}[{n}]: no paper with ref {ref!r}")
    listed = s.array("papers")
    if len(set(listed)) != len(listed):
        raise BundleFormatError(f"{s.where('papers')}: a paper is listed twice")
    order = (refs[ref] for ref in listed)
    return BundleShelf(name, kind, query, tuple(n for n in order if n is not None))


def _tag_name(r: _Reader, key: str, index: int | None = None) -> str | None:
    """The tag name, or None (with a warning) when it is too long to be a tag."""
    where = r.where(key) + (f"[{index}]" if index is not None else "")
    raw = r.array(key)[index] if index is not None else r.get(key)
    if not isinstance(raw, str):
        raise BundleFormatError(f"{where}: expected a tag name")
    cleaned = textlimits.clean(raw, textlimits.TAG)
    if not cleaned.text or "," in cleaned.text:
        raise BundleFormatError(f"{where}: expected a tag name (not empty, no commas)")
    if cleaned.too_long:
        r.warn(where, f"{cleaned.too_long}: tag left out")
        return None
    if cleaned.removed:
        r.warn(where, cleaned.problems()[0])
    return cleaned.text


_E = TypeVar("_E", ReadStatus, Triage, ShelfKind)
_NUMBERED = re.compile(r"(papers|shelves|digests|tags)\[([0-9]+)\]")
_ITEM = {"papers": "paper", "shelves": "shelf", "digests": "digest", "tags": "tag"}


class _Reader:
    """Typed access to one JSON object, with errors that say where: ``papers[3].title``."""

    def __init__(self, obj: object, path: str, warnings: list[str]) -> None:
        if not isinstance(obj, dict):
            raise BundleFormatError(f"{path or 'bundle'}: expected an object")
        self.obj: dict[str, Any] = obj
        self.path = path
        self.warnings = warnings  # one list for the whole bundle

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def warn(self, where: str, problem: str) -> None:
        """Note what was left out or cleaned: "paper 4 (papers[3].title): <problem>"."""
        item = _NUMBERED.match(where)
        if item:
            where = f"{_ITEM[item[1]]} {int(item[2]) + 1} ({where})"
        self.warnings.append(f"{where}: {problem}")

    def fitted(self, key: str, limit: Limit, *, nonempty: bool = False) -> str:
        """Text cleaned of control characters (textlimits); _LeftOut when over ``limit``."""
        cleaned = textlimits.clean(self.text(key), limit)
        if nonempty and not cleaned.text:
            raise BundleFormatError(f"{self.where(key)}: must not be empty")
        if cleaned.too_long:
            raise _LeftOut(self.where(key), cleaned.too_long)
        if cleaned.removed:
            self.warn(self.where(key), cleaned.problems()[0])
        return cleaned.text

    def optional_fitted(self, key: str, limit: Limit) -> str | None:
        return None if self.obj.get(key) is None else self.fitted(key, limit)

    def info(self, key: str, *, required: bool = False) -> str:
        """Text for people (a scope, a file name): cleaned, and "" when far too long."""
        try:
            return self.fitted(key, _INFO) if required else self.optional_fitted(key, _INFO) or ""
        except _LeftOut as err:
            self.warn(err.where, f"{err.reason}: left out")
            return ""

    def get(self, key: str) -> Any:
        return self.obj.get(key)

    def _need(self, key: str, ok: Callable[[Any], bool], what: str, *, optional: bool) -> Any:
        value = self.obj.get(key)
        if value is None and optional:
            return None
        if not ok(value):
            raise BundleFormatError(f"{self.where(key)}: expected {what}")
        return value

    def text(self, key: str, *, nonempty: bool = False, limit: int | None = None) -> str:
        value: str = self._need(key, lambda v: isinstance(v, str), "text", optional=False)
        if nonempty and not value.strip():
            raise BundleFormatError(f"{self.where(key)}: must not be empty")
        if limit is not None and len(value) > limit:
            raise BundleFormatError(f"{self.where(key)}: longer than {limit} characters")
        return value

    def optional_text(self, key: str) -> str | None:
        value: str | None = self._need(key, lambda v: isinstance(v, str), "text", optional=True)
        return value

    def boolean(self, key: str) -> bool:
        value: bool = self._need(
            key, lambda v: isinstance(v, bool), "true or false", optional=False
        )
        return value

    def integer(self, key: str) -> int:
        value: int = self._need(key, _is_count, "a whole number from 0", optional=False)
        return value

    def optional_int(self, key: str) -> int | None:
        value: int | None = self._need(key, _is_count, "a whole number from 0", optional=True)
        return value

    def choice(self, key: str, enum: type[_E]) -> _E:
        allowed = [e.value for e in enum]
        value = self._need(
            key, lambda v: v in allowed, f"one of {', '.join(allowed)}", optional=False
        )
        return enum(value)

    def optional_date(self, key: str) -> dt.date | None:
        value = self.optional_text(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as err:
            raise BundleFormatError(f"{self.where(key)}: expected a date YYYY-MM-DD") from err

    def optional_timestamp(self, key: str) -> dt.datetime | None:
        value = self.optional_text(key)
        if value is None:
            return None
        try:
            return _utc(dt.datetime.fromisoformat(value))
        except ValueError as err:
            raise BundleFormatError(f"{self.where(key)}: expected an ISO 8601 time") from err

    def timestamp(self, key: str) -> dt.datetime:
        value = self.optional_timestamp(key)
        if value is None:
            raise BundleFormatError(f"{self.where(key)}: expected an ISO 8601 time")
        return value

    def array(self, key: str) -> list[Any]:
        value = self.obj.get(key, [])
        if not isinstance(value, list):
            raise BundleFormatError(f"{self.where(key)}: expected a list")
        return value

    def text_list(self, key: str) -> list[str]:
        values = self.array(key)
        for n, v in enumerate(values):
            if not isinstance(v, str):
                raise BundleFormatError(f"{self.where(key)}[{n}]: expected text")
        return values

    def items(self, key: str) -> list[_Reader]:
        return [
            _Reader(v, f"{self.where(key)}[{n}]", self.warnings)
            for n, v in enumerate(self.array(key))
        ]

    def optional_object(self, key: str) -> _Reader | None:
        value = self.obj.get(key)
        return None if value is None else _Reader(value, self.where(key), self.warnings)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
