"""Running queries: the query tree as a Whoosh query, ranked hits with snippets, suggestions.

Ranking is Whoosh's BM25F over the text fields, each word searched in every text field
with a boost for where it was found (a title match counts three times an abstract match).
Filters (``is:``, ``year:``...) only narrow the matches; a query made only of filters lists
its papers newest first.
"""

from __future__ import annotations

import datetime as dt
import pickle
import struct
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.classify import Bo1Model
from whoosh.matching import AndNotMatcher, ReadTooFar

from readinglist import querylang as ql
from readinglist.records import Hit, SearchOutcome, Similar
from readinglist.search.numbers import day_number, minute_number
from readinglist.search.snippets import TOKEN_RE, Marks, matches, render, snippet

if TYPE_CHECKING:
    from collections.abc import Iterable

    from whoosh.searching import Results, Searcher

READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    ValueError,  # e.g. "mmap closed or invalid" when the files went away
    IndexError,  # a damaged file read past its end
    KeyError,  # a damaged table of terms
)
"""What reading a damaged or vanished index raises: the caller rebuilds it."""

BOOSTS = {"title": 3.0, "abstract": 1.0, "tag": 2.0, "note": 1.5, "org": 1.0, "shelf": 1.0}
WORD_FIELDS = ("title", "abstract", "tag", "note", "org")
"""Where a word without a field is looked for."""
KEYWORD_FIELDS = frozenset({"tag", "shelf"})
MAX_EXPANSIONS = 64
"""A prefix (``diffus*``) matches at most this many of the library's words (the commonest)."""
MAX_SCAN = 2_000
SUGGEST_BELOW = 3
"""Offer "did you mean" when fewer papers than this match."""
EXACT_COUNT_MAX = 200
"""Count matches exactly when the postings involved are at most this long (else estimate)."""
COMMON_DF = 20
"""A word found in this many papers is not corrected."""
SIMILAR_TERMS = 12

_ANALYZER = StemmingAnalyzer()
_FLAG_TERMS: dict[str, tuple[str, object]] = {
    "starred": ("starred", True),
    "unread": ("status", "unread"),
    "skimmed": ("status", "skimmed"),
    "read": ("status", "read"),
    "new": ("triage", "new"),
    "kept": ("triage", "kept"),
    "dismissed": ("triage", "dismissed"),
    "trashed": ("trashed", True),
}


class _AndNotMatcher(AndNotMatcher):  # type: ignore[misc]
    """Whoosh's AndNotMatcher, fixed: it let a's first document through whenever b began
    before it, and its skip_to() did not skip b's documents (and raised once b ran out)."""

    def _find_first(self) -> None:
        """Override: skip b up to a's first document, like every later step does."""
        if self.a.is_active() and self.b.is_active():
            self._find_next()

    def skip_to(self, id: int) -> bool:
        """Override: skip a, then step past whatever b excludes."""
        if not self.a.is_active():
            raise ReadTooFar
        moved = bool(self.a.skip_to(id))
        if self.a.is_active() and self.b.is_active():
            self._find_next()
        return moved


class _Or(wq.Or):  # type: ignore[misc]
    """``Or`` that always merges its parts lazily (a tree of union matchers).

    Whoosh's automatic choice reads every posting of every part into an array when a
    segment holds 5,000 documents or fewer and there are more than two parts: for a common
    word searched in five fields that costs more than the whole ranked search.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


class Without(wq.AndNot):  # type: ignore[misc]
    """``a ANDNOT b`` running on the fixed matcher (every exclusion in a query uses this)."""

    def matcher(self, searcher: Searcher, context: Any = None) -> AndNotMatcher:
        """Override: the fixed matcher."""
        scored = self.a.matcher(searcher, context)
        excluded = self.b.matcher(searcher, searcher.boolean_context())
        return _AndNotMatcher(scored, excluded)


def _all_papers() -> wq.Query:
    return wq.ConstantScoreQuery(wq.Term("kind", "paper"), 0.0)


def analyze(text: str) -> list[str]:
    """The terms the index stores for ``text`` (lower-cased, stop words out, stemmed)."""
    return [t.text for t in _ANALYZER(text, mode="query")]


@dataclass
class Compiled:
    """A query ready for Whoosh, and what its results should mark."""

    query: wq.Query
    scored: bool = False
    marks: dict[str, Marks] = field(default_factory=dict)
    trashed: bool = False
    too_common: list[str] = field(default_factory=list)


class _Translator:
    """One query tree -> one Whoosh query, against one searcher (for prefix expansion)."""

    def __init__(self, searcher: Searcher, now: dt.datetime) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.now = now
        self.out = Compiled(wq.NullQuery)

    def mark(self, fieldname: str, term: str | None = None, prefix: str | None = None) -> None:
        marks = self.out.marks.setdefault(fieldname, Marks())
        if term:
            marks.terms.add(term)
        if prefix:
            marks.prefixes.add(prefix)

    def node(self, n: ql.Node, positive: bool) -> wq.Query | None:
        if isinstance(n, ql.Word):
            return self.word(n, positive)
        if isinstance(n, ql.Phrase):
            return self.phrase(n, positive)
        if isinstance(n, ql.And):
            return self.conjunction(n.children, positive)
        if isinstance(n, ql.Or):
            parts = [q for c in n.children if (q := self.node(c, positive)) is not None]
            return _Or(parts) if parts else None
        if isinstance(n, ql.Not):
            child = self.node(n.child, not positive)
            return Without(_all_papers(), child) if child is not None else None
        if isinstance(n, ql.Everything):
            return _all_papers()
        if isinstance(n, ql.Nothing):
            return wq.NullQuery
        return self.filter(n)

    def conjunction(self, children: Iterable[ql.Node], positive: bool) -> wq.Query | None:
        musts: list[wq.Query] = []
        nots: list[wq.Query] = []
        for child in children:
            if isinstance(child, ql.Not):
                q = self.node(child.child, not positive)
                if q is not None:
                    nots.append(q)
            elif (q := self.node(child, positive)) is not None:
                musts.append(q)
        if not musts and not nots:
            return None
        base = wq.And(musts) if len(musts) > 1 else musts[0] if musts else _all_papers()
        if nots:
            return Without(base, _Or(nots) if len(nots) > 1 else nots[0])
        return base

    def filter(self, n: ql.Node) -> wq.Query | None:
        if isinstance(n, ql.Flag):
            fieldname, value = _FLAG_TERMS[n.name]
            if n.name == "trashed":
                self.out.trashed = True
            return wq.Term(fieldname, value)
        if isinstance(n, ql.IntRange):
            return wq.NumericRange(n.field, n.low, n.high)
        if isinstance(n, ql.DateRange) and n.field == "published":
            low = day_number(n.low) if n.low else None
            return wq.NumericRange("published", low, day_number(n.high) if n.high else None)
        if isinstance(n, ql.DateRange):
            start = minute_number(dt.datetime.combine(n.low, dt.time())) if n.low else None
            end = minute_number(dt.datetime.combine(n.high, dt.time.max)) if n.high else None
            return wq.NumericRange(n.field, start, end)
        if isinstance(n, ql.Recent):
            since = minute_number(self.now - dt.timedelta(days=n.days))
            return wq.NumericRange(n.field, since, None)
        return None

    # -- words --------------------------------------------------------------------------------

    def fields_for(self, fieldname: str | None) -> tuple[str, ...]:
        return WORD_FIELDS if fieldname is None else (fieldname,)

    def word(self, w: ql.Word, positive: bool) -> wq.Query | None:
        parts: list[wq.Query] = []
        terms = analyze(w.text)
        if w.field is None and not terms and not w.prefix:
            self.out.too_common.append(w.text)  # "the": not even as a tag
            return None
        if len(terms) > 1 and not w.prefix and w.field not in KEYWORD_FIELDS:
            return self.compound_word(w, positive)
        for f in self.fields_for(w.field):
            boost = BOOSTS[f]
            if f in KEYWORD_FIELDS:
                q = self.keyword(f, w.text.lower(), w.prefix, boost)
            elif w.prefix:
                q = self.prefix(f, w.text.lower(), terms, boost, positive)
            elif not terms:
                continue
            else:
                q = self.terms(f, terms, boost, positive)
            if q is not None:
                parts.append(q)
        if not parts:
            return None
        if positive:
            self.out.scored = True
        return parts[0] if len(parts) == 1 else _Or(parts)

    def compound_word(self, w: ql.Word, positive: bool) -> wq.Query | None:
        """A word the analyzer splits (fine-tuning): its parts, all of them, anywhere.

        Like Whoosh's own query parser, and unlike a phrase, this needs no positions: a
        phrase query over a common compound costs several times a plain search.  Quote it
        ("fine-tuning") to ask for the parts side by side.  As a tag it stays one word.
        """
        pieces = [m.group() for m in TOKEN_RE.finditer(w.text)]
        parts = [
            q
            for piece in pieces
            if (q := self.word(ql.Word(piece, w.field, False, w.span), positive)) is not None
        ]
        if not parts:
            return None
        q = parts[0] if len(parts) == 1 else wq.And(parts)
        if w.field is None:
            q = _Or([q, wq.Term("tag", w.text.lower(), boost=BOOSTS["tag"])])
        return q

    def phrase(self, p: ql.Phrase, positive: bool) -> wq.Query | None:
        parts: list[wq.Query] = []
        terms = analyze(p.text)
        for f in self.fields_for(p.field):
            boost = BOOSTS[f]
            if f in KEYWORD_FIELDS:
                parts.append(wq.Term(f, " ".join(p.text.lower().split()), boost=boost))
            elif terms:
                q = self.terms(f, terms, boost, positive)
                if q is not None:
                    parts.append(q)
        if not parts:
            self.out.too_common.append(p.text)
            return None
        if positive:
            self.out.scored = True
        return parts[0] if len(parts) == 1 else _Or(parts)

    def terms(self, f: str, terms: list[str], boost: float, positive: bool) -> wq.Query | None:
        if positive:
            for t in terms:
                self.mark(f, t)
        if len(terms) == 1:
            return wq.Term(f, terms[0], boost=boost)
        return wq.Phrase(f, terms, boost=boost)

    def keyword(self, f: str, text: str, prefix: bool, boost: float) -> wq.Query | None:
        if not prefix:
            return wq.Term(f, text, boost=boost)
        expanded = self.expand(f, text)
        return _Or([wq.Term(f, t, boost=boost) for t in expanded]) if expanded else None

    def prefix(
        self, f: str, text: str, terms: list[str], boost: float, positive: bool
    ) -> wq.Query | None:
        words = text.split()
        expanded = set(self.expand(f, text))
        if terms and len(terms) == 1:
            expanded.add(terms[0])  # "tuning*" also finds "tuned" (stem "tune")
        if positive:
            self.mark(f, prefix=text)
            for t in expanded:
                self.mark(f, t)
        if not expanded or len(words) != 1:
            return None
        return _Or([wq.Term(f, t, boost=boost) for t in sorted(expanded)])

    def expand(self, f: str, prefix: str) -> list[str]:
        """The commonest indexed words of ``f`` starting with ``prefix``."""
        found: list[tuple[int, str]] = []
        for n, btext in enumerate(self.reader.expand_prefix(f, prefix)):
            if n >= MAX_SCAN:
                break
            text = btext.decode("utf-8") if isinstance(btext, bytes) else str(btext)
            found.append((self.reader.doc_frequency(f, text), text))
        found.sort(reverse=True)
        return [t for _df, t in found[:MAX_EXPANSIONS]]


def compile_query(
    searcher: Searcher, parsed: ql.ParsedQuery, *, include_trashed: bool, now: dt.datetime
) -> Compiled:
    tr = _Translator(searcher, now)
    q = tr.node(parsed.tree, True)
    out = tr.out
    if q is None:
        q = wq.NullQuery
    if not include_trashed and not out.trashed and searcher.doc_frequency("trashed", True):
        q = Without(q, wq.Term("trashed", True))  # (an empty Trash costs nothing)
    out.query = q.normalize()
    return out


def _is_null(q: wq.Query) -> bool:
    return q is wq.NullQuery or isinstance(q, type(wq.NullQuery))


def search(
    searcher: Searcher,
    parsed: ql.ParsedQuery,
    *,
    limit: int | None,
    snippets: bool,
    include_trashed: bool,
    now: dt.datetime,
    suggest_for: ql.ParsedQuery | None = None,
) -> SearchOutcome:
    """Ranked hits for a parsed query (see SearchIndex.search)."""
    c = compile_query(searcher, parsed, include_trashed=include_trashed, now=now)
    problems = list(parsed.problems)
    if c.too_common and _is_null(c.query):
        words = ", ".join(repr(w) for w in c.too_common)
        problems.append(f"{words}: too common to search for")
    if _is_null(c.query):
        results = None
        hits: tuple[Hit, ...] = ()
        total = 0
    else:
        if c.scored:
            results = searcher.search(c.query, limit=limit)
        else:
            results = searcher.search(c.query, limit=limit, sortedby="added", reverse=True)
        hits = tuple(_hits(results, c, snippets))
        total = _total(results, limit)
    suggestion = None
    if total < SUGGEST_BELOW:
        suggestion = suggest(
            searcher, suggest_for or parsed, total, include_trashed=include_trashed, now=now
        )
    return SearchOutcome(
        query=parsed.text,
        hits=hits,
        total=total,
        terms=tuple(ql.positive_words(parsed.tree)),
        suggestion=suggestion,
        message="; ".join(problems) if problems else None,
    )


def _total(results: Results, limit: int | None) -> int:
    """All matches when the search saw them all; otherwise an estimate, never below the hits.

    Counting every match of a common word exactly costs more than the search itself at
    100,000 papers (Whoosh skips most of the postings a ranked search does not need).
    """
    scored: int = results.scored_length()
    if results.has_exact_length():
        return len(results)
    if limit is None or scored < limit:
        return scored
    reader = results.searcher.reader()
    if results.q.estimate_size(reader) <= EXACT_COUNT_MAX:
        return len(results)  # short postings: counting is cheap
    return max(scored, round(_estimate(results.q, reader, reader.doc_count())))


def _estimate(q: wq.Query, reader: Any, n: int) -> float:
    """How many documents ``q`` matches, assuming words occur independently."""
    if n <= 0:
        return 0.0
    if isinstance(q, wq.Term):
        return float(min(n, reader.doc_frequency(q.fieldname, q.text)))
    if isinstance(q, Without):
        return _estimate(q.a, reader, n) * (1 - _estimate(q.b, reader, n) / n)
    if isinstance(q, wq.And):
        share = 1.0
        for sub in q.subqueries:
            share *= _estimate(sub, reader, n) / n
        return n * share
    if isinstance(q, wq.Or):
        missing = 1.0
        for sub in q.subqueries:
            missing *= 1 - _estimate(sub, reader, n) / n
        return n * (1 - missing)
    return float(min(n, q.estimate_size(reader)))


def _hits(results: Results, c: Compiled, snippets: bool) -> Iterable[Hit]:
    for hit in results:
        stored = hit.fields()
        paper_id = int(stored["id"])
        score = float(hit.score) if c.scored and hit.score is not None else 0.0
        if not snippets:
            yield Hit(paper_id, score, "", "", "")
            continue
        title = str(stored.get("title", ""))
        title_html, _plain = render(title, matches(title, c.marks.get("title", Marks())))
        snippet_html, snippet_plain = _snippet(stored, c)
        yield Hit(paper_id, score, title_html, snippet_html, snippet_plain)


def _snippet(stored: dict[str, Any], c: Compiled) -> tuple[str, str]:
    abstract = str(stored.get("abstract", ""))
    spans = matches(abstract, c.marks.get("abstract", Marks()))
    if not spans:
        note = str(stored.get("note", ""))
        note_spans = matches(note, c.marks.get("note", Marks()))
        if note_spans:
            html_, plain = snippet(note, note_spans)
            return "Note: " + html_, "Note: " + plain
    return snippet(abstract, spans)


# -- did you mean ------------------------------------------------------------------------------


def suggest(
    searcher: Searcher,
    parsed: ql.ParsedQuery,
    total: int,
    *,
    include_trashed: bool,
    now: dt.datetime,
) -> str | None:
    """A corrected query when words are unknown or rare and a correction finds more papers."""
    reader = searcher.reader()
    replaced: list[tuple[tuple[int, int], str]] = []
    for w in ql.words_with_spans(parsed.tree):
        if w.prefix or w.field in KEYWORD_FIELDS:
            continue
        terms = analyze(w.text)
        if len(terms) != 1 or not w.text.isalpha():
            continue
        fields_ = ("title", "abstract") if w.field is None else (w.field,)
        df = sum(reader.doc_frequency(f, terms[0]) for f in fields_)
        if df >= COMMON_DF:
            continue
        better = _correction(searcher, terms[0], fields_, df)
        if better is not None and better.lower() != w.text.lower():
            replaced.append((w.span, better))
    if not replaced:
        return None
    text = parsed.text
    for (start, end), word in sorted(replaced, reverse=True):
        text = text[:start] + word + text[end:]
    corrected = ql.parse(text)
    c = compile_query(searcher, corrected, include_trashed=include_trashed, now=now)
    if _is_null(c.query):
        return None
    found = searcher.search(c.query, limit=SUGGEST_BELOW + total).scored_length()
    return text if found > total else None


def _correction(searcher: Searcher, term: str, fields_: tuple[str, ...], df: int) -> str | None:
    """The nearest common indexed word (edit distance, then frequency), as a reader wrote it."""
    maxdist = 1 if len(term) <= 4 else 2
    best: tuple[int, int, str, str] | None = None  # (distance, -df, term, field)
    for f in fields_:
        for leaf in searcher.reader().leaf_readers():
            reader = leaf[0]
            for cand in reader.terms_within(f, term, maxdist, prefix=1):
                text = cand.decode("utf-8") if isinstance(cand, bytes) else str(cand)
                if text == term:
                    continue
                freq = searcher.reader().doc_frequency(f, text)
                if freq < 3 * df or freq == 0:
                    continue  # an unknown word takes any; a rare one, a clearly commoner one
                key = (_distance(term, text), -freq, text, f)
                if best is None or key < best:
                    best = key
    if best is None:
        return None
    return _surface(searcher, best[3], best[2])


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _surface(searcher: Searcher, f: str, term: str) -> str | None:
    """A word as the library writes it whose indexed form is ``term`` (forget: forgetting)."""
    counts: dict[str, int] = {}
    for hit in searcher.search(wq.Term(f, term), limit=5):
        text = str(hit.get(f, ""))
        for tok in _ANALYZER(text, chars=True, mode="index"):
            if tok.text == term:
                word = text[tok.startchar : tok.endchar].lower()
                counts[word] = counts.get(word, 0) + 1
    if not counts:
        return None
    return max(counts.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


# -- similar papers ----------------------------------------------------------------------------


def similar(searcher: Searcher, paper_id: int, *, limit: int) -> list[Similar] | None:
    """More like this: the paper's key terms (title and abstract) against every other paper."""
    docnum = searcher.document_number(id=str(paper_id))
    if docnum is None:
        return None
    stored = searcher.stored_fields(docnum)
    title, abstract = str(stored.get("title", "")), str(stored.get("abstract", ""))
    text = f"{title}. {title}. {abstract}"  # the title counts twice
    reader = searcher.reader()
    own = {"title": set(analyze(title)), "abstract": set(analyze(abstract))}

    def elsewhere(term: str) -> bool:
        """Whether another paper may hold the word (a word only this one has cannot match)."""
        return any(reader.doc_frequency(f, term) > (term in own[f]) for f in own)

    # Bo1 ranks the paper's telling words (frequent here, rare in the library).
    key = [
        (term, weight)
        for term, weight in searcher.key_terms_from_text(
            "abstract", text, numterms=3 * SIMILAR_TERMS, model=Bo1Model
        )
        if term not in _PLAIN_TERMS and len(term) > 2 and not term.isdigit() and elsewhere(term)
    ][:SIMILAR_TERMS]
    if not key:
        return []
    weights = dict(key)
    parts: list[wq.Query] = []
    for term, _weight in key:  # equal boosts: BM25's idf already favours the rarer words
        parts.append(wq.Term("title", term, boost=2.0))
        parts.append(wq.Term("abstract", term))
    q = Without(_Or(parts), _Or([wq.Term("id", str(paper_id)), wq.Term("trashed", True)]))
    surface = _surface_forms(text)
    out: list[Similar] = []
    for hit in searcher.search(q, limit=limit, terms=True):
        shared = {btext.decode("utf-8") for _f, btext in hit.matched_terms()}
        ordered = sorted(shared & weights.keys(), key=lambda t: -weights[t])
        out.append(
            Similar(
                id=int(hit["id"]),
                score=float(hit.score or 0.0),
                shared_terms=tuple(surface.get(t, t) for t in ordered),
            )
        )
    return out


_PLAIN_TERMS = frozenset(
    analyze(
        "via using towards toward based approach approaches method methods model models paper "
        "propose proposed show shows novel new work results also can use used large study "
        "however such while well first both different demonstrate without across"
    )
)
"""Words every abstract uses: sharing them says nothing about two papers being alike."""


def _surface_forms(text: str) -> dict[str, str]:
    """Each indexed term of ``text`` -> the first word that produced it, as written."""
    out: dict[str, str] = {}
    for tok in _ANALYZER(text, chars=True, mode="index"):
        out.setdefault(tok.text, text[tok.startchar : tok.endchar].lower())
    return out
