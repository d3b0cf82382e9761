"""Training: from the reader's labelled examples to a ``Model`` (learned, or a fallback).

Below ``MIN_DECISIONS`` decisions, or with fewer than ``MIN_EACH`` papers kept or dismissed,
the model ranks by likeness to what the reader kept (less likeness to what they dismissed);
with no decision at all, by upvotes, then by how often a paper was seen. docs/ranking.md
gives the measurements behind each constant here.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from readinglist.ranking.model import Mode, Model, numeric_features

if TYPE_CHECKING:
    from collections.abc import Iterable

    from readinglist.ranking.examples import Example
    from readinglist.ranking.features import Corpus
    from readinglist.ranking.linear import Floats

MIN_DECISIONS = 20
"""Fewer decisions than this: rank by likeness to kept papers (see the module docstring)."""
MIN_EACH = 3
"""A learned model also needs at least this many kept and this many dismissed papers."""
REGULARISATION = 1.0
"""The L2 penalty, divided by the number of decisions (so it fades as decisions grow)."""
PRIOR = 5.0
"""The learned word weights start from the likeness weights times this and move from there
as far as the decisions say (the penalty pulls towards them, not towards zero)."""
PAIRS_BELOW = 2_000
"""Below this many decisions, pairs of words are terms too: they help while decisions are
few, add nothing by 1,000, and would triple the training time at 30,000."""
MIN_DF_FROM = 2_000
"""From this many decisions on, a term must occur in two papers to be learned."""
DISMISSED_SHARE = 0.5
"""In the likeness fallback, how much likeness to dismissed papers pulls a score down."""
TIE_BREAK = 1e-3
"""In the likeness fallback, the weight of upvotes: they only order papers equally alike."""
SEEN_AFTER_UPVOTES = 0.01
"""Seen count's weight relative to upvotes where popularity ranks."""


def train(
    examples: Iterable[Example],
    *,
    min_decisions: int = MIN_DECISIONS,
    min_each: int = MIN_EACH,
    regularisation: float = REGULARISATION,
) -> Model:
    """A model of what this reader keeps, from their examples (the last one of a paper wins).

    Examples with a label of 0 (or not a finite number) are left out. ``min_decisions`` and
    ``min_each`` move the point where learning takes over from the fallback (benchmarks
    use them; callers keep the defaults). Imports numpy, unless there is no example.
    """
    by_paper = {e.paper.id: e for e in examples if math.isfinite(e.label) and e.label != 0}
    chosen = list(by_paper.values())
    kept = sum(1 for e in chosen if e.label > 0)
    dismissed = len(chosen) - kept
    if not chosen:
        return Model(
            mode=Mode.POPULAR,
            decisions=0,
            kept=0,
            dismissed=0,
            pairs=False,
            terms=(),
            surfaces=(),
            idf=(),
            weights=(),
            numeric=(1.0, SEEN_AFTER_UPVOTES),
            intercept=0.0,
        )
    import numpy as np

    from readinglist.ranking.features import featurize

    pairs = len(chosen) < PAIRS_BELOW
    corpus = featurize(
        [e.paper for e in chosen], pairs=pairs, min_df=2 if len(chosen) >= MIN_DF_FROM else 1
    )
    labels = np.array([e.label for e in chosen], dtype=np.float64)
    like = _likeness(corpus, labels)
    if len(chosen) >= min_decisions and min(kept, dismissed) >= max(1, min_each):
        mode = Mode.LEARNED
        weights, numeric, intercept = _learn(chosen, corpus, labels, like, regularisation)
    else:
        mode = Mode.SIMILAR
        weights, numeric, intercept = like, (TIE_BREAK, TIE_BREAK * SEEN_AFTER_UPVOTES), 0.0
    return Model(
        mode=mode,
        decisions=len(chosen),
        kept=kept,
        dismissed=dismissed,
        pairs=pairs,
        terms=corpus.terms,
        surfaces=corpus.shown,
        idf=tuple(corpus.idf.tolist()),
        weights=tuple(weights.tolist()),
        numeric=numeric,
        intercept=intercept,
    )


def _likeness(corpus: Corpus, labels: Floats) -> Floats:
    """Word weights that score cosine likeness to kept papers, less some to dismissed ones.

    Each side is the label-weighted sum of its papers' unit rows, scaled to unit length, so
    that a paper's score is its cosine to the kept side minus ``DISMISSED_SHARE`` times its
    cosine to the dismissed side.
    """
    import numpy as np

    sides = []
    for side in (labels > 0, labels < 0):
        total = corpus.x.tdot(np.where(side, np.abs(labels), 0.0))
        norm = float(np.sqrt(total @ total))
        sides.append(total / norm if norm > 0 else total)
    liked: Floats = sides[0] - DISMISSED_SHARE * sides[1]
    return liked


def _learn(
    chosen: list[Example], corpus: Corpus, labels: Floats, like: Floats, regularisation: float
) -> tuple[Floats, tuple[float, float], float]:
    """Logistic regression on the tf-idf rows plus upvotes and seen count.

    The word weights are ``PRIOR * like`` plus what the regression learns on top of it.
    """
    import numpy as np

    from readinglist.ranking.linear import fit_logistic

    start = PRIOR * like
    dense = np.array(
        [numeric_features(e.paper.upvotes, e.paper.seen_count) for e in chosen], dtype=np.float64
    )
    fit = fit_logistic(
        corpus.x,
        dense,
        np.sign(labels),
        np.abs(labels),
        regularisation / len(chosen),
        offset=corpus.x.dot(start),
    )
    numeric = (float(fit.dense[0]), float(fit.dense[1]))
    return fit.weights + start, numeric, fit.intercept
