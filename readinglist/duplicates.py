"""Near-duplicate papers: close titles whose abstracts agree, checked at import and by a scan.

Close titles alone prove nothing: different papers often have close titles ("Fine-Tuning
Large Language Models for X" and "... for Y").  So a pair is a candidate only when its
abstracts agree too, or when its titles share a ``paper_key`` (the same paper by definition;
this happens only in libraries made before the key existed).

*Abstract similarity*: the abstract is cut into pieces of up to eight words, starting again
at each sentence, and each piece is hashed with its case, spacing and punctuation removed;
the similarity is the share of the shorter abstract's pieces that the other one holds too.
A cut-off abstract (an incomplete digest entry) still agrees with its full version, and an
edited one agrees in every piece the edit did not touch.  Pieces rather than overlapping word
n-grams: a twentieth of the hashing, which is what keeps a scan of 100,000 papers in seconds.

*Title similarity*: the word-sequence similarity (difflib's ratio) of the folded titles
(``fold_words``), after expanding an abbreviation that stands for words of the other title
("LMs" for "Language Models") and joining compounds the other title writes as one word
("pre training" / "pretraining"); when a title has parts ("X: A Study of Y"), each part is
compared with the other title as well, and the best counts (a dropped subtitle).

The index keeps, per paper, its folded title and its piece hashes (not the abstract), and
posts five pieces per paper (the first two, and the lowest hashes) so that a lookup only
compares papers that share a piece of abstract with the one checked (or its key).
"""

from __future__ import annotations

import operator
import re
import unicodedata
import zlib
from array import array
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, TypeVar

from readinglist.digest.normalize import fold_words, glue_words

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

# A candidate: titles at least this close, and at least half of the shorter abstract's pieces
# in the other (see docs/benchmarks.md for the figures of real pairs on both sides).
TITLE_MIN = 0.7
ABSTRACT_MIN = 0.5
PIECE = 8  # words per hashed piece of a sentence
PIECE_MIN = 16  # bytes in a folded piece; shorter ones ("Code is available.") say nothing
POSTED = 5  # pieces a paper is posted under (see DuplicateIndex._to_post)
CROWDED = 16  # a piece posted by this many papers is boilerplate: no lead, no more posts

_K = TypeVar("_K", str, int)

# Bytes dropped from a piece before hashing: ASCII spacing and punctuation.
_DROP = bytes(b for b in range(128) if not chr(b).isalnum())
# Non-ASCII punctuation and symbols (curly quotes, dashes...): dropped like ASCII ones are.
_OTHER_PUNCTUATION = re.compile(r"[^\x00-\x7f\w\s]+")
# Up to PIECE words; a word that ends a sentence ends the piece too.
_PIECE = re.compile(rb"(?:\S+(?<![.!?])\s+){0,%d}\S+" % (PIECE - 1))
_fold_piece = operator.methodcaller("translate", None, _DROP)
_long_enough = re.compile(rb".{%d}" % PIECE_MIN, re.DOTALL).match
_SEGMENT_BREAKS = (":", " -- ", " - ", " \u2013 ", " \u2014 ", "\u2014")


@dataclass(frozen=True, slots=True)
class PaperText:
    """What near-duplicate detection reads of a paper."""

    id: int
    title: str
    abstract: str


@dataclass(frozen=True, slots=True)
class Similarity:
    """How close two papers are, with the figures the decision used."""

    title: float  # 0..1, see the module docstring
    abstract: float  # 0..1: share of the shorter abstract's pieces found in the other
    same_key: bool  # the titles share a paper_key

    @property
    def is_candidate(self) -> bool:
        return self.same_key or (self.title >= TITLE_MIN and self.abstract >= ABSTRACT_MIN)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": round(self.title, 3),
            "abstract": round(self.abstract, 3),
            "same_key": self.same_key,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A paper in the index that may be a duplicate of the paper checked."""

    id: int
    similarity: Similarity


@dataclass(frozen=True, slots=True)
class Pair:
    """Two papers of a group that are candidates for each other (``a < b``)."""

    a: int
    b: int
    similarity: Similarity

    def to_json(self) -> dict[str, Any]:
        return {"ids": [self.a, self.b], **self.similarity.to_json()}


@dataclass(frozen=True, slots=True)
class Group:
    """Papers linked by candidate pairs: shown and merged together."""

    ids: tuple[int, ...]  # ascending
    pairs: tuple[Pair, ...]  # every candidate pair inside the group, in (a, b) order

    def to_json(self) -> dict[str, Any]:
        """The ``duplicates --json`` shape: the ids, and the figures of each pair."""
        return {"ids": list(self.ids), "pairs": [p.to_json() for p in self.pairs]}


@dataclass(frozen=True, slots=True)
class _Entry:
    key: str  # paper_key of the title
    title: str  # folded words separated by spaces, title segments by newlines
    pieces: bytes  # array("I") of the abstract's piece hashes, in order of appearance


def compare(a: PaperText, b: PaperText) -> Similarity:
    """The similarity of two papers (what the index computes for each pair it considers)."""
    return _compare(_entry(a), _entry(b))


class DuplicateIndex:
    """Papers by their title keys and abstract pieces, to find near-duplicates fast.

    ``add`` each paper of the library, then ``candidates_for`` a paper being imported (it
    need not be in the index; its id only excludes itself and its ``not_duplicates``), or
    ``scan`` for every candidate group.  Pairs in ``not_duplicates`` are never reported.
    """

    def __init__(
        self, papers: Iterable[PaperText] = (), *, not_duplicates: Iterable[tuple[int, int]] = ()
    ) -> None:
        self._entries: dict[int, _Entry] = {}
        # Most keys and pieces belong to one paper: an int then, a list only when shared
        # (a list per entry would cost 25 MB more at 100,000 papers).
        self._keys: dict[str, int | list[int]] = {}
        self._posted: dict[int, int | list[int]] = {}
        self._not_duplicates: set[tuple[int, int]] = set()
        for a, b in not_duplicates:
            self.mark_not_duplicates(a, b)
        for paper in papers:
            self.add(paper)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._entries

    def add(self, paper: PaperText) -> None:
        """Index a paper (replacing what was indexed under its id)."""
        if paper.id in self._entries:
            self.remove(paper.id)
        entry = _entry(paper)
        self._entries[paper.id] = entry
        _enlist(self._keys, entry.key, paper.id)
        for piece in self._to_post(entry):
            _enlist(self._posted, piece, paper.id)

    def remove(self, paper_id: int) -> None:
        """Forget a paper (merged, deleted); unknown ids are ignored."""
        entry = self._entries.pop(paper_id, None)
        if entry is None:
            return
        _unlist(self._keys, entry.key, paper_id)
        for piece in set(array("I", entry.pieces)):  # what was posted depended on crowding
            _unlist(self._posted, piece, paper_id)

    def mark_not_duplicates(self, a: int, b: int) -> None:
        """Never report this pair again (the user said they are different papers)."""
        self._not_duplicates.add((min(a, b), max(a, b)))

    def candidates_for(self, paper: PaperText) -> list[Candidate]:
        """Indexed papers that may be duplicates of ``paper``, the closest first."""
        found = self._candidates(paper.id, _entry(paper), set())
        found.sort(key=lambda c: (-c.similarity.abstract, -c.similarity.title, c.id))
        return found

    def scan(self) -> list[Group]:
        """Every group of candidates in the index, ordered by their smallest id."""
        pairs: dict[tuple[int, int], Similarity] = {}
        # A pair can be found from either side (one paper's pieces against the other's posted
        # ones), so both sides look; ``seen`` keeps the second look from comparing again.
        seen: set[tuple[int, int]] = set()
        for paper_id, entry in self._entries.items():
            for candidate in self._candidates(paper_id, entry, seen):
                pair = (min(paper_id, candidate.id), max(paper_id, candidate.id))
                pairs[pair] = candidate.similarity
        return _groups(pairs)

    def _candidates(
        self, paper_id: int, entry: _Entry, seen: set[tuple[int, int]]
    ) -> list[Candidate]:
        """Candidates for ``entry`` among the pairs not yet in ``seen`` (which it extends)."""
        same_key = set(_ids(self._keys.get(entry.key)))
        pieces = set(array("I", entry.pieces))
        found: list[Candidate] = []
        for other in self._leads(pieces) | same_key:
            pair = (min(paper_id, other), max(paper_id, other))
            if other == paper_id or pair in seen or pair in self._not_duplicates:
                continue
            seen.add(pair)
            # The abstract first: it is cheap, and it rules out nearly every lead.
            other_entry = self._entries[other]
            abstract = _overlap(pieces, set(array("I", other_entry.pieces)))
            if abstract < ABSTRACT_MIN and other not in same_key:
                continue
            title = _title_similarity(entry.title, other_entry.title)
            similarity = Similarity(title, abstract, other in same_key)
            if similarity.is_candidate:
                found.append(Candidate(other, similarity))
        return found

    def _to_post(self, entry: _Entry) -> list[int]:
        """The pieces to post a paper under: its first two and its lowest hashes, uncrowded.

        The opening pieces survive every cut of the abstract; the lowest hashes are a sample
        that two versions of one abstract share whichever parts each kept (a bottom-k
        sketch).  Crowded pieces (boilerplate) are skipped: a paper posted only under
        boilerplate could never be found.
        """
        pieces = array("I", entry.pieces)
        chosen: list[int] = []
        for piece in pieces:  # in the order of the text
            if len(chosen) == 2:
                break
            if not self._crowded(piece):
                chosen.append(piece)
        for piece in sorted(set(pieces).difference(chosen)):
            if len(chosen) == POSTED:
                break
            if not self._crowded(piece):
                chosen.append(piece)
        return chosen

    def _crowded(self, piece: int) -> bool:
        ids = self._posted.get(piece)
        return isinstance(ids, list) and len(ids) >= CROWDED

    def _leads(self, pieces: set[int]) -> set[int]:
        """Papers worth comparing: those that share a (not crowded) piece of abstract."""
        leads: set[int] = set()
        for piece in pieces & self._posted.keys():  # the intersection runs in C
            ids = self._posted[piece]
            if isinstance(ids, int):
                leads.add(ids)
            elif len(ids) < CROWDED:
                leads.update(ids)
        return leads


def _entry(paper: PaperText) -> _Entry:
    words = fold_words(paper.title)
    folded = _folded_title(paper.title, words)
    return _Entry(glue_words(words), folded, _piece_hashes(paper.abstract))


def _ids(value: int | list[int] | None) -> Sequence[int]:
    if value is None:
        return ()
    return (value,) if isinstance(value, int) else value


def _enlist(table: dict[_K, int | list[int]], key: _K, paper_id: int) -> None:
    value = table.get(key)
    if value is None:
        table[key] = paper_id
    elif isinstance(value, int):
        table[key] = [value, paper_id]
    else:
        value.append(paper_id)


def _unlist(table: dict[_K, int | list[int]], key: _K, paper_id: int) -> None:
    value = table.get(key)
    if value == paper_id:
        del table[key]
    elif isinstance(value, list) and paper_id in value:
        value.remove(paper_id)
        if len(value) == 1:
            table[key] = value[0]


def _folded_title(title: str, words: tuple[str, ...]) -> str:
    """Folded words, one line per title segment (a main title and its subtitles).

    ``words`` are the whole title's folded words: the answer when there is one segment.
    """
    for mark in _SEGMENT_BREAKS:
        title = title.replace(mark, "\n")
    if "\n" not in title:
        return " ".join(words)
    segments = (" ".join(fold_words(part)) for part in title.split("\n"))
    return "\n".join(s for s in segments if s)


def _piece_hashes(abstract: str) -> bytes:
    """CRC-32 of each piece of the abstract: up to PIECE words of one sentence, folded.

    Pieces start again at each sentence, so an edit changes the pieces of its own sentence
    only, and an inserted word only the pieces after it in that sentence.  Case, spacing and
    punctuation are removed before hashing.  CRC-32 rather than ``hash()``: the same abstract
    gets the same hashes in every process.  Every step runs in C (``findall``, ``map``): this
    is most of the cost of indexing a paper.
    """
    text = unicodedata.normalize("NFKC", abstract).casefold()
    if not text.isascii():  # a constant-time check, and most abstracts are ASCII
        text = _OTHER_PUNCTUATION.sub("", text)
    bodies = map(_fold_piece, _PIECE.findall(text.encode()))
    hashes = map(zlib.crc32, filter(_long_enough, bodies))
    return array("I", dict.fromkeys(hashes)).tobytes()


def _compare(a: _Entry, b: _Entry) -> Similarity:
    abstract = _overlap(set(array("I", a.pieces)), set(array("I", b.pieces)))
    return Similarity(_title_similarity(a.title, b.title), abstract, a.key == b.key)


def _overlap(a: set[int], b: set[int]) -> float:
    """The share of the smaller set's pieces found in the other."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _title_similarity(a: str, b: str) -> float:
    """Word-sequence similarity, the best of the whole titles and of one title's segments."""
    a, b = sorted((a, b))  # difflib's ratio can depend on the order: make it not matter
    whole_a, whole_b = a.split(), b.split()
    best = _ratio(whole_a, whole_b)
    for segments, other in ((a.split("\n"), whole_b), (b.split("\n"), whole_a)):
        if len(segments) > 1:
            best = max(best, *(_ratio(s.split(), other) for s in segments))
    return best


def _ratio(a: list[str], b: list[str]) -> float:
    if not a or not b:
        return 0.0
    a, b = _aligned(a, b), _aligned(b, a)
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _aligned(words: list[str], other: list[str]) -> list[str]:
    """``words`` spelled as ``other`` spells them: abbreviations expanded, compounds joined."""
    known = set(other)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word not in known:
            if i + 1 < len(words) and word + words[i + 1] in known:
                out.append(word + words[i + 1])
                i += 2
                continue
            expansion = _expansion(word, other, set(words))
            if expansion:
                out.extend(expansion)
                i += 1
                continue
        out.append(word)
        i += 1
    return out


def _expansion(word: str, other: Sequence[str], own: set[str]) -> list[str]:
    """The run of ``other``'s words an abbreviation stands for ("lms": language models)."""
    letters = word[:-1] if len(word) > 2 and word.endswith("s") else word
    if not (2 <= len(letters) <= 8 and letters.isalpha()):
        return []
    n = len(letters)
    for start in range(len(other) - n + 1):
        run = other[start : start + n]
        if "".join(w[0] for w in run) == letters and not own.intersection(run):
            return list(run)
    return []


def _groups(pairs: dict[tuple[int, int], Similarity]) -> list[Group]:
    """Connected groups of candidate pairs (union-find over the pairs)."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[int, list[int]] = {}
    for x in parent:
        members.setdefault(root(x), []).append(x)
    by_root: dict[int, list[Pair]] = {}
    for (a, b), similarity in sorted(pairs.items()):
        by_root.setdefault(root(a), []).append(Pair(a, b, similarity))
    return [Group(tuple(sorted(members[r])), tuple(by_root[r])) for r in sorted(by_root)]
