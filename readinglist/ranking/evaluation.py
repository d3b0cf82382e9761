"""An honest replay of the reader's own decisions: would the ranking have helped?

Digests are taken in the order they were triaged. Each is ranked by a model trained on
everything decided before its first decision (what the reader would have seen then), and
by two baselines on the same papers: the digest's own order, and upvotes then seen count.
Only papers the reader decided on in that digest are ranked; ties keep the digest's order.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from readinglist.ranking.examples import Example
from readinglist.ranking.metrics import Figures, ListCounts, combine, count
from readinglist.ranking.training import MIN_DECISIONS, REGULARISATION, train

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from readinglist.ranking.examples import Decision, Paper
    from readinglist.ranking.model import Model


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The model and the two baselines over the same ranked digests."""

    model: Figures
    digest_order: Figures
    popularity: Figures
    digests: int  # digests ranked
    decisions: int  # decided papers ranked
    kept: int  # of which kept
    modes: dict[str, int] = field(default_factory=dict)  # digests ranked by each Mode

    def rows(self) -> list[tuple[str, Figures]]:
        """The three rankers with the names the interface shows, the model first."""
        return [
            ("For you", self.model),
            ("Digest order", self.digest_order),
            ("Upvotes, then seen count", self.popularity),
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "digests": self.digests,
            "decisions": self.decisions,
            "kept": self.kept,
            "modes": dict(self.modes),
            "model": self.model.to_json(),
            "digest_order": self.digest_order.to_json(),
            "upvotes_then_seen": self.popularity.to_json(),
        }


def digest_order(papers: Sequence[Paper], positions: Sequence[float]) -> list[int]:
    """Indexes of ``papers`` in the digest's own order."""
    return sorted(range(len(papers)), key=lambda i: positions[i])


def popularity_order(papers: Sequence[Paper], positions: Sequence[float]) -> list[int]:
    """Indexes of ``papers`` by upvotes, then seen count (most first), then digest order."""
    return sorted(
        range(len(papers)),
        key=lambda i: (-(papers[i].upvotes or 0), -papers[i].seen_count, positions[i]),
    )


def model_order(model: Model, papers: Sequence[Paper], positions: Sequence[float]) -> list[int]:
    """Indexes of ``papers`` best first by ``model``; ties in digest order."""
    scores = [s.score for s in model.score(papers)]
    return sorted(range(len(papers)), key=lambda i: (-scores[i], positions[i]))


def evaluate(
    decisions: Iterable[Decision],
    *,
    last_digests: int | None = None,
    min_decisions: int = MIN_DECISIONS,
    regularisation: float = REGULARISATION,
    trainer: Callable[[list[Example]], Model] | None = None,
) -> Evaluation:
    """Replay ``decisions`` digest by digest (see the module docstring).

    ``last_digests`` ranks only the most recent ones (training still uses everything
    before each), to bound the time on a long log: one training per ranked digest.
    """
    ordered = sorted(decisions, key=lambda d: d.at)
    starts: dict[int, int] = {}  # digest -> index of its first decision in ``ordered``
    members: dict[int, list[Decision]] = {}
    for n, d in enumerate(ordered):
        if d.digest is not None:
            starts.setdefault(d.digest, n)
            members.setdefault(d.digest, []).append(d)
    runs = sorted(starts.items(), key=lambda item: item[1])
    if last_digests is not None:
        runs = runs[-last_digests:] if last_digests > 0 else []
    fit = trainer or (
        lambda examples: train(examples, min_decisions=min_decisions, regularisation=regularisation)
    )
    known: dict[int, Example] = {}  # paper id -> its label before the digest being ranked
    taught = 0
    lists: dict[str, list[ListCounts]] = {"model": [], "digest": [], "popular": []}
    modes: Counter[str] = Counter()
    ranked = kept = 0
    for digest, start in runs:
        for d in ordered[taught:start]:
            if d.label != 0 and math.isfinite(d.label):
                known[d.paper.id] = Example(d.paper, d.label)
            else:
                known.pop(d.paper.id, None)
        taught = start
        final = {d.paper.id: d for d in members[digest]}  # a paper's last call there
        test = [d for d in final.values() if d.label != 0 and math.isfinite(d.label)]
        if not test:
            continue
        papers = [d.paper for d in test]
        positions = [d.position if d.position is not None else math.inf for d in test]
        labels = [d.label > 0 for d in test]
        model = fit(list(known.values()))
        modes[str(model.mode)] += 1
        orders = {
            "model": model_order(model, papers, positions),
            "digest": digest_order(papers, positions),
            "popular": popularity_order(papers, positions),
        }
        for name, order in orders.items():
            lists[name].append(count([labels[i] for i in order]))
        ranked += len(test)
        kept += sum(labels)
    return Evaluation(
        model=combine(lists["model"]),
        digest_order=combine(lists["digest"]),
        popularity=combine(lists["popular"]),
        digests=len(lists["model"]),
        decisions=ranked,
        kept=kept,
        modes=dict(modes),
    )
