"""A trained ranking: scores papers with a linear model over words, and says why.

Every mode is the same linear function of a paper's terms and two numbers (upvotes, seen
count); only how its weights were found differs (see ``Mode``). So scoring is plain Python
that needs no numerical library, and every score splits exactly into what each term and
number added to it: those are its reasons.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from readinglist.ranking.text import Terms

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from readinglist.ranking.examples import Paper

REASONS_EACH_WAY = 3
"""Up to this many reasons that raised a score, and as many that lowered it."""

UPVOTES_TERM = "upvotes"
SEEN_TERM = "seen in several digests"


class Mode(StrEnum):
    """How a model ranks, so that the interface can say so."""

    LEARNED = "learned"
    """Logistic regression on the reader's decisions (enough of them, of both kinds)."""
    SIMILAR = "similar"
    """Too few decisions: likeness to kept and starred papers, less to dismissed ones."""
    POPULAR = "popular"
    """No decision yet: upvotes, then how often the paper was seen."""


@dataclass(frozen=True, slots=True)
class Reason:
    """A term or number that moved a score: ``weight`` > 0 raised it, < 0 lowered it.

    The weight is the term's share of the score's log-odds (learned) or likeness.
    """

    term: str
    weight: float

    def to_json(self) -> dict[str, Any]:
        return {"term": self.term, "weight": round(self.weight, 4)}


@dataclass(frozen=True, slots=True)
class Scored:
    """A paper's score (higher is better; compare within one model) and its reasons.

    In ``Mode.LEARNED`` the score is the model's chance (0 to 1) that the reader keeps the
    paper; in the fallbacks it is a likeness or a popularity. ``reasons`` holds the largest
    contributions that raised the score (largest first), then those that lowered it.
    """

    paper_id: int
    score: float
    reasons: tuple[Reason, ...]

    @property
    def raised(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.weight > 0)

    @property
    def lowered(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.weight < 0)

    def to_json(self) -> dict[str, Any]:
        """The two fields ``rank --json`` adds to a paper object."""
        return {"score": self.score, "reasons": [r.to_json() for r in self.reasons]}


def numeric_features(upvotes: int | None, seen_count: int) -> tuple[float, float]:
    """Upvotes and seen count on a word-like scale (100 upvotes -> 1.0, seen 10x -> 1.0)."""
    up = math.log1p(max(0, upvotes or 0)) / math.log(101.0)
    seen = math.log(max(1, seen_count)) / math.log(10.0)
    return up, seen


def tf_idf(
    counts: Mapping[str, int], index: Mapping[str, int], idf: Sequence[float]
) -> dict[int, float]:
    """A paper's known terms, ``(1 + log tf) * idf``, scaled to unit length."""
    values: dict[int, float] = {}
    for term, n in counts.items():
        i = index.get(term)
        if i is not None and n > 0:
            values[i] = (1.0 + math.log(n)) * idf[i]
    norm = math.sqrt(math.fsum(v * v for v in values.values()))
    if norm > 0:
        for i in values:
            values[i] /= norm
    return values


@dataclass(frozen=True)
class Model:
    """What ``train`` returns: the weights, and how many decisions they came from.

    ``terms``, ``surfaces``, ``idf`` and ``weights`` are parallel (one entry per known term;
    ``surfaces`` is how each term is shown); ``numeric`` holds the weights of upvotes and
    seen count; ``pairs`` says whether pairs of words are terms.
    """

    mode: Mode
    decisions: int
    kept: int
    dismissed: int
    pairs: bool
    terms: tuple[str, ...]
    surfaces: tuple[str, ...]
    idf: tuple[float, ...]
    weights: tuple[float, ...]
    numeric: tuple[float, float]
    intercept: float
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lengths = {len(self.terms), len(self.surfaces), len(self.idf), len(self.weights)}
        if len(lengths) != 1:
            raise ValueError("terms, surfaces, idf and weights must be parallel")
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.terms)})

    def describe(self) -> str:
        """One sentence for a status line: how the papers are being ranked."""
        from readinglist.ranking.training import MIN_DECISIONS, MIN_EACH

        if self.mode is Mode.LEARNED:
            return f"Ranked for you: learned from {self.decisions} of your decisions."
        wait = (
            f"learning starts at {MIN_DECISIONS} decisions, "
            f"with at least {MIN_EACH} kept and {MIN_EACH} dismissed"
        )
        if self.mode is Mode.SIMILAR:
            return (
                f"Ranked by likeness to the {self.kept} papers you kept and away from the "
                f"{self.dismissed} you dismissed ({wait})."
            )
        return f"Ranked by upvotes, then by how often a paper was seen ({wait})."

    def score(self, papers: Iterable[Paper]) -> list[Scored]:
        """Each paper's score and reasons, in the order given."""
        words = Terms(pairs=self.pairs)
        return [self._score_one(p, words) for p in papers]

    def scores(self, papers: Iterable[Paper]) -> list[float]:
        """Just the scores, in the order given: for sorting a whole library by interest.

        The same numbers as ``score`` gives, about twice as fast (no reasons are kept).
        """
        words = Terms(pairs=self.pairs)
        index, idf, weights = self._index, self.idf, self.weights
        w_up, w_seen = self.numeric
        learned = self.mode is Mode.LEARNED
        out = []
        for paper in papers:
            counts = words.count(paper.title, paper.abstract, paper.tags)
            dot = norm = 0.0
            for term, n in counts.items():
                i = index.get(term)
                if i is not None:
                    v = (1.0 + math.log(n)) * idf[i]
                    norm += v * v
                    dot += weights[i] * v
            up, seen = numeric_features(paper.upvotes, paper.seen_count)
            margin = self.intercept + (dot / math.sqrt(norm) if norm > 0 else 0.0)
            margin += w_up * up + w_seen * seen
            out.append(_sigmoid(margin) if learned else margin)
        return out

    def rank(self, papers: Iterable[Paper]) -> list[Scored]:
        """The papers best first; equal scores keep the order given (the digest's order)."""
        return sorted(self.score(papers), key=lambda s: -s.score)

    def contributions(self, paper: Paper, words: Terms | None = None) -> dict[str, float]:
        """What each shown term and number adds to the paper's score before squashing."""
        words = words or Terms(pairs=self.pairs)
        counts = words.count(paper.title, paper.abstract, paper.tags)
        out: dict[str, float] = {}
        weights, surfaces = self.weights, self.surfaces
        for i, value in tf_idf(counts, self._index, self.idf).items():
            c = weights[i] * value
            if c:
                surface = surfaces[i]
                out[surface] = out.get(surface, 0.0) + c
        numbers = numeric_features(paper.upvotes, paper.seen_count)
        for term, w, x in zip((UPVOTES_TERM, SEEN_TERM), self.numeric, numbers, strict=True):
            if w * x:
                out[term] = w * x
        return out

    def to_bytes(self) -> bytes:
        """A compact, versioned blob that is safe to load (``readinglist.ranking.blob``)."""
        from readinglist.ranking.blob import dump

        return dump(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        """The model ``to_bytes`` wrote; raises ``UnreadableModel`` for anything else."""
        from readinglist.ranking.blob import load

        return load(data)

    def _score_one(self, paper: Paper, words: Terms) -> Scored:
        parts = self.contributions(paper, words)
        margin = self.intercept + math.fsum(parts.values())
        score = _sigmoid(margin) if self.mode is Mode.LEARNED else margin
        return Scored(paper.id, score, _reasons(parts))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _reasons(parts: dict[str, float]) -> tuple[Reason, ...]:
    """The strongest contributions each way: raised (largest first), then lowered."""
    up = heapq.nsmallest(
        REASONS_EACH_WAY, ((-c, t) for t, c in parts.items() if c > 0), key=lambda p: p
    )
    down = heapq.nsmallest(
        REASONS_EACH_WAY, ((c, t) for t, c in parts.items() if c < 0), key=lambda p: p
    )
    return (*(Reason(t, -c) for c, t in up), *(Reason(t, c) for c, t in down))
