"""The training set as a sparse tf-idf matrix (numpy; imported only to train).

The numbers are exactly those ``readinglist.ranking.model.tf_idf`` computes for one paper
at scoring time: ``(1 + log tf) * idf`` over the terms the model knows, scaled to unit
length, with ``idf = log((1 + n) / (1 + df)) + 1`` over the n training papers.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from readinglist.ranking.linear import Floats, Ints, Sparse
from readinglist.ranking.text import (
    TITLE_REPEAT,
    Terms,
    shown,
    surfaces,
    tag_term,
    term_of,
    tokens,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.ranking.examples import Paper


class _Ids(dict[str, int]):
    """Term -> column, numbering each new term as it first appears."""

    def __missing__(self, term: str) -> int:
        column = self[term] = len(self)
        return column


@dataclass(frozen=True, slots=True)
class Corpus:
    terms: tuple[str, ...]  # one per column
    shown: tuple[str, ...]  # how each term is written
    idf: Floats
    x: Sparse  # one unit-length row per paper


def featurize(papers: Sequence[Paper], *, pairs: bool, min_df: int) -> Corpus:
    """Rows of ``papers``; a term must occur in ``min_df`` of them to be a column."""
    counted = _with_pairs(papers) if pairs else _words_only(papers)
    row, col, tf, terms, shown_as = counted
    n = len(papers)
    df = np.bincount(col, minlength=len(terms))
    keep = df >= min_df
    if not keep.all():
        renumber = np.cumsum(keep) - 1
        known = keep[col]
        col, row, tf = renumber[col[known]], row[known], tf[known]
        df = df[keep]
        kept = keep.tolist()
        terms = [t for t, k in zip(terms, kept, strict=True) if k]
        shown_as = [s for s, k in zip(shown_as, kept, strict=True) if k]
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    values = (1.0 + np.log(tf)) * idf[col]
    norms = np.sqrt(np.bincount(row, weights=values * values, minlength=n))
    values /= np.where(norms > 0, norms, 1.0)[row]
    return Corpus(tuple(terms), tuple(shown_as), idf, Sparse(row, col, values, n, len(terms)))


_Counted = tuple[Ints, Ints, Floats, list[str], list[str]]


def _with_pairs(papers: Sequence[Paper]) -> _Counted:
    """Term counts paper by paper, as scoring computes them (pairs need the word order)."""
    words = Terms(pairs=True)
    ids = _Ids()
    cols: list[int] = []
    tfs: list[int] = []
    lengths: list[int] = []
    for paper in papers:
        counts = words.count(paper.title, paper.abstract, paper.tags)
        cols.extend(map(ids.__getitem__, counts))
        tfs.extend(counts.values())
        lengths.append(len(counts))
    shown_as = surfaces(words.cache)
    terms = list(ids)
    return (
        np.repeat(np.arange(len(papers), dtype=np.intp), lengths),
        np.array(cols, dtype=np.intp),
        np.array(tfs, dtype=np.float64),
        terms,
        [shown(t, shown_as) for t in terms],
    )


class _TokenColumns(dict[str, int]):
    """Raw token -> its term's column (-1: no term), numbering new terms as they appear."""

    def __init__(self, ids: _Ids) -> None:
        super().__init__()
        self.ids = ids

    def __missing__(self, token: str) -> int:
        found = term_of(token)
        column = self[token] = -1 if found is None else self.ids[found[0]]
        return column


def _words_only(papers: Sequence[Paper]) -> _Counted:
    """The same counts as ``Terms.count`` without pairs, faster: each paper's tokens go
    straight to columns in one C-level ``Counter`` call (a token's column is looked up once
    for the whole set).
    """
    ids = _Ids()
    columns = _TokenColumns(ids)
    column_of = columns.__getitem__
    # machine integers, handed to numpy without a copy
    cols = array("q")
    tfs = array("q")
    lengths = array("q")
    for paper in papers:
        counts = Counter(
            map(column_of, tokens(paper.title) * TITLE_REPEAT + tokens(paper.abstract))
        )
        for tag in paper.tags:
            term = tag_term(tag)
            if term:
                counts[ids[term]] += TITLE_REPEAT
        counts.pop(-1, None)
        cols.extend(counts.keys())
        tfs.extend(counts.values())
        lengths.append(len(counts))
    terms = list(ids)
    cache = {token: terms[c] if c >= 0 else None for token, c in columns.items()}
    shown_as = surfaces(cache)
    return (
        np.repeat(np.arange(len(papers), dtype=np.intp), np.frombuffer(lengths, dtype=np.int64)),
        np.frombuffer(cols, dtype=np.int64).astype(np.intp, copy=False),
        np.frombuffer(tfs, dtype=np.int64).astype(np.float64),
        terms,
        [shown_as.get(t, t) for t in terms],
    )
