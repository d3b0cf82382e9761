"""The search query language: a pure parser from text to a query tree.

Grammar by example (``parse`` never raises; a problem becomes a ``message`` and the rest of
the query is still read as well as it can be)::

    catastrophic forgetting     both words, anywhere (title, abstract, tags, note, org),
                                ranked; words are stemmed: tuning finds tuned, tunes
    "low-rank adaptation"       the exact phrase
    lora OR adapter             either word; OR binds tighter than the implicit AND, so
    lora OR adapter vision      means (lora OR adapter) AND vision
    diffus*                     any word starting with "diffus"
    -survey   NOT survey        papers without the word (also -tag:x, -"a phrase", -(a b))
    (lora OR adapter) -survey   parentheses group
    title:lora                  a word in one field: title: abstract: tag: note: shelf: org:
    title:"exact phrase"        a phrase in one field; tag:"to read" is the whole tag
    tag:(lora OR peft)          a group applied to one field
    is:starred  is:unread       status filters: starred, unread, skimmed, read, and triage
    is:skimmed  is:read         new (the Inbox), kept, dismissed; is:trashed searches the
                                Trash (otherwise trashed papers are left out)
    year:2024  year:2020..2023  published in a year or a range of years (also >=, >, <, <=)
    date:2024-03..2024-06       published from March to June 2024 (days: 2024-03-05)
    date:>=2024-03              open-ended ranges: >=, >, <, <=, 2024-03.., ..2024-06
    upvotes:>=5  upvotes:3..10  upvote count (>=, >, <, <=, =, ranges)
    seen:>=2                    seen in at least two digests
    added:7d   added:2w         imported in the last 7 days (d, w, m = 30 days, y = 365);
    added:2024-03..             or an absolute date range like date:

Operators are the upper-case words ``OR``, ``AND`` (the same as a space) and ``NOT``;
lower-case "or" is an ordinary word.  Anything odd is read leniently: an unclosed quote
runs to the end, an unbalanced parenthesis is closed or dropped, an unknown ``field:``
is searched as plain words, and a query longer than ``MAX_QUERY_CHARS`` characters or
``MAX_TERMS`` terms is cut, each with a message saying so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")

MAX_QUERY_CHARS = 2_000
MAX_TERMS = 64
MAX_DEPTH = 20

TEXT_FIELDS = ("title", "abstract", "tag", "note", "shelf", "org")
"""Fields that hold words: ``field:word``."""
FLAGS = ("starred", "unread", "skimmed", "read", "new", "kept", "dismissed", "trashed")
"""Values of ``is:``."""
FILTERS = ("is", "year", "date", "upvotes", "seen", "added")

TextField: TypeAlias = Literal["title", "abstract", "tag", "note", "shelf", "org"]
DateField: TypeAlias = Literal["published", "added"]
IntField: TypeAlias = Literal["upvotes", "seen"]


# -- the tree ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One word; ``field`` None means every text field.  ``span`` locates it in the query."""

    text: str
    field: TextField | None = None
    prefix: bool = False
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that must appear together in this order (a whole tag or shelf name for those)."""

    text: str
    field: TextField | None = None
    span: tuple[int, int] = (0, 0)


@dataclass(frozen=True, slots=True)
class Flag:
    name: str  # one of FLAGS


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive; an open end is None."""

    field: DateField
    low: dt.date | None
    high: dt.date | None


@dataclass(frozen=True, slots=True)
class Recent:
    """Within the last ``days`` days of the moment the query runs (``added:7d``)."""

    field: DateField
    days: int


@dataclass(frozen=True, slots=True)
class IntRange:
    """Inclusive; an open end is None."""

    field: IntField
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class Everything:
    """The empty query: every paper (filters narrow it down)."""


@dataclass(frozen=True, slots=True)
class Nothing:
    """A query that cannot match anything (e.g. ``year:2024..2020``)."""


@dataclass(frozen=True, slots=True)
class InDigest:
    """Papers seen in one digest. Not written in queries: the views compose it (the index
    does not hold digests, so the database answers it)."""

    digest_id: int


@dataclass(frozen=True, slots=True)
class Ids:
    """Exactly these papers (a selection). Not written in queries: the views compose it."""

    ids: tuple[int, ...]


Node: TypeAlias = (
    Word
    | Phrase
    | Flag
    | DateRange
    | Recent
    | IntRange
    | And
    | Or
    | Not
    | Everything
    | Nothing
    | InDigest
    | Ids
)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    tree: Node
    problems: tuple[str, ...] = ()

    @property
    def message(self) -> str | None:
        """The problems as one sentence for the user, or None when the query was fine."""
        return "; ".join(self.problems) if self.problems else None


# -- lexing ------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<neg>-(?=[^\s\-]))
  | (?P<phrase>"(?P<body>[^"]*)(?P<close>"?))
  | (?P<field>(?P<name>[A-Za-z]+):(?=[("]))
  | (?P<chunk>[^\s()"]+)
    """,
    re.VERBOSE,
)
_FIELDED_RE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_PLAIN_RE = re.compile(r"\w+\*?")
"""A quoted single word like this is just a word; "fine-tuning" stays a phrase."""

TokKind: TypeAlias = Literal["(", ")", "-", "OR", "AND", "NOT", "word", "phrase", "field"]


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: TokKind
    text: str
    start: int
    end: int
    name: str = ""  # the field of a fielded word or phrase; or of a "field" token (field:( )


def _lex(text: str, problems: list[str]) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        start, end = m.span()
        if kind == "space":
            continue
        if kind == "lparen":
            out.append(_Tok("(", "(", start, end))
        elif kind == "rparen":
            out.append(_Tok(")", ")", start, end))
        elif kind == "neg":
            out.append(_Tok("-", "-", start, end))
        elif kind == "phrase":
            if not m["close"]:
                problems.append("a quote is not closed: the phrase runs to the end")
            out.append(_Tok("phrase", m["body"], start + 1, start + 1 + len(m["body"])))
        elif kind == "field":
            out.append(_Tok("field", "", start, end, name=m["name"].lower()))
        else:
            chunk = m["chunk"]
            if chunk in ("OR", "AND", "NOT"):
                out.append(_Tok(chunk, chunk, start, end))  # type: ignore[arg-type]
            else:
                out.append(_Tok("word", chunk, start, end))
    _attach_fields(out)
    return out


def _attach_fields(toks: list[_Tok]) -> None:
    """Turn ``title:`` followed by a phrase into a fielded phrase token (in place)."""
    i = 0
    while i < len(toks) - 1:
        tok, nxt = toks[i], toks[i + 1]
        if tok.kind == "field" and nxt.kind == "phrase":
            toks[i : i + 2] = [_Tok("phrase", nxt.text, nxt.start, nxt.end, name=tok.name)]
        i += 1


# -- parsing -----------------------------------------------------------------------------------


@dataclass
class _Parser:
    toks: list[_Tok]
    problems: list[str]
    pos: int = 0
    depth: int = 0
    terms: int = 0
    cut: bool = False
    filter_name: str | None = None  # inside "is:( ... )": words are values of this filter
    _said: set[str] = field(default_factory=set)

    def say(self, problem: str) -> None:
        if problem not in self._said:
            self._said.add(problem)
            self.problems.append(problem)

    def peek(self) -> _Tok | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    # and_expr := or_expr ([AND] or_expr)*
    def and_expr(self, field_: TextField | None, closing: bool) -> Node:
        children: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == ")":
                if closing:
                    break
                self.take()
                self.say("a ')' has no matching '(' and was ignored")
                continue
            if tok.kind == "AND":
                self.take()
                continue
            if tok.kind == "OR":
                self.take()
                self.say("OR needs a term on each side")
                continue
            node = self.or_expr(field_)
            if node is not None:
                children.append(node)
        return _and(children)

    # or_expr := unary (OR unary)*
    def or_expr(self, field_: TextField | None) -> Node | None:
        first = self.unary(field_)
        alternatives = [first] if first is not None else []
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                self.say("OR needs a term on each side")
                continue
            node = self.unary(field_)
            if node is not None:
                alternatives.append(node)
        if not alternatives:
            return None
        if first is None:
            self.say("OR needs a term on each side")
        return _or(alternatives)

    # unary := ("-" | NOT) unary | atom
    def unary(self, field_: TextField | None) -> Node | None:
        negations = 0
        while (tok := self.peek()) is not None and tok.kind in ("-", "NOT"):
            self.take()
            negations += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                if tok.kind == "NOT":
                    self.say("NOT needs a term after it")
                return None
        child = self.atom(field_)
        if child is None or negations % 2 == 0:
            return child
        return Not(child)

    def atom(self, field_: TextField | None) -> Node | None:
        tok = self.take()
        if tok.kind == "(":
            return self.group(field_)
        if tok.kind == "field":
            return self.fielded_group(tok)
        if not self.count_term():
            return None
        if tok.kind == "phrase":
            if tok.name in FILTERS:
                return self.filter(tok.name, tok.text, tok)
            if tok.name in TEXT_FIELDS:
                return self.phrase(tok.text, tok.name, tok)  # type: ignore[arg-type]
            if tok.name:
                self.say(_unknown_field(tok.name))
            return self.phrase(tok.text, field_, tok)
        if tok.kind == "word":
            return self.word(tok, field_)
        return None  # operators are consumed by the callers

    def count_term(self) -> bool:
        self.terms += 1
        if self.terms > MAX_TERMS:
            if not self.cut:
                self.cut = True
                self.say(f"the query is too long: only its first {MAX_TERMS} terms were used")
            return False
        return True

    def group(self, field_: TextField | None) -> Node | None:
        if self.depth >= MAX_DEPTH:
            self.say(
                f"parentheses nest deeper than {MAX_DEPTH} levels: the inner ones were ignored"
            )
            return None
        self.depth += 1
        node = self.and_expr(field_, closing=True)
        self.depth -= 1
        if (tok := self.peek()) is not None and tok.kind == ")":
            self.take()
        else:
            self.say("a '(' is not closed: it was closed at the end")
        return None if isinstance(node, Everything) else node

    def fielded_group(self, tok: _Tok) -> Node | None:
        # "name:(" - the lexer only makes these when a parenthesis follows
        if not (self.peek() is not None and self.take().kind == "("):
            return None
        if tok.name in TEXT_FIELDS:
            return self.group(tok.name)  # type: ignore[arg-type]
        if tok.name in FILTERS:
            outer, self.filter_name = self.filter_name, tok.name
            try:
                return self.group(None)  # is:(starred OR read): each word is a filter value
            finally:
                self.filter_name = outer
        self.say(_unknown_field(tok.name))
        return self.group(None)

    def word(self, tok: _Tok, field_: TextField | None) -> Node | None:
        text = tok.text
        if self.filter_name is not None and ":" not in text:
            return self.filter(self.filter_name, text, tok)
        m = _FIELDED_RE.fullmatch(text)
        if m is not None and not m[2].startswith("//"):
            name, value = m[1].lower(), m[2]
            start = tok.start + len(m[1]) + 1
            if not value:
                if name in TEXT_FIELDS or name in FILTERS:
                    self.say(f"{name}: needs a value, e.g. {_EXAMPLES[name]}")
                    return None
            elif name in FILTERS:
                return self.filter(name, value, tok)
            elif name in TEXT_FIELDS:
                return self.word(_Tok("word", value, start, tok.end), name)  # type: ignore[arg-type]
            else:
                self.say(_unknown_field(m[1]))
                return Phrase(text, field_, (tok.start, tok.end))
        prefix = text.endswith("*")
        core = text.strip("*?")
        if "*" in core or "?" in core:
            words = core.replace("*", " ").replace("?", " ").split()
            if len(words) > 1:
                return Phrase(" ".join(words), field_, (tok.start, tok.end))
            core = words[0]
        if not core:
            return None
        if prefix and len(core) < 2:
            self.say(f"'{text}' is too short for a prefix search: at least 2 letters before *")
            return Word(core, field_, False, (tok.start, tok.start + len(core)))
        return Word(core, field_, prefix, (tok.start, tok.start + len(core)))

    def phrase(self, text: str, field_: TextField | None, tok: _Tok) -> Node | None:
        words = text.split()
        if not words:
            return None
        if len(words) == 1 and field_ not in ("tag", "shelf") and _PLAIN_RE.fullmatch(words[0]):
            return Word(words[0].rstrip("*"), field_, words[0].endswith("*"), (tok.start, tok.end))
        return Phrase(" ".join(words), field_, (tok.start, tok.end))

    def filter(self, name: str, value: str, tok: _Tok) -> Node | None:
        node = _filter(name, value.strip())
        if node is None:
            self.say(f"{name}:{value} is not understood (e.g. {_EXAMPLES[name]}): it was ignored")
        return node


def _unknown_field(name: str) -> str:
    return (
        f"unknown field {name}: (fields are {', '.join(TEXT_FIELDS)}; filters are "
        f"{', '.join(FILTERS)}): searched as words"
    )


_EXAMPLES = {
    "is": "is:starred, is:unread, is:skimmed, is:read, is:new, is:kept, is:dismissed",
    "year": "year:2024 or year:2020..2023",
    "date": "date:2024-03..2024-06",
    "upvotes": "upvotes:>=5",
    "seen": "seen:>=2",
    "added": "added:7d or added:2024-03..",
    "title": 'title:lora or title:"low-rank adaptation"',
    "abstract": "abstract:forgetting",
    "tag": 'tag:lora or tag:"to read"',
    "note": "note:reproduce",
    "shelf": 'shelf:"to read"',
    "org": "org:deepmind",
}


def _and(children: list[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        if isinstance(child, And):
            flat.extend(child.children)
        elif not isinstance(child, Everything):
            flat.append(child)
    if not flat:
        return Everything()
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def _or(children: list[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, Or) else (child,))
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


# -- filters -----------------------------------------------------------------------------------

_CMP_RE = re.compile(r"(>=|<=|>|<|=)?(.+)")
_DAYS_RE = re.compile(r"(\d{1,5})\s*([dwmy])", re.IGNORECASE)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}


def _filter(name: str, value: str) -> Node | None:
    if name == "is":
        flag = value.lower()
        if flag == "inbox":
            flag = "new"
        return Flag(flag) if flag in FLAGS else None
    if name in ("upvotes", "seen"):
        ints = _range(value, _int)
        return IntRange(name, *ints) if ints is not None else None  # type: ignore[arg-type]
    if name == "added" and (m := _DAYS_RE.fullmatch(value)):
        return Recent("added", int(m[1]) * _UNIT_DAYS[m[2].lower()])
    parse = _year if name == "year" else _date
    dates = _range(value, parse)
    if dates is None:
        return None
    low, high = dates[0][0] if dates[0] else None, dates[1][1] if dates[1] else None
    if low is not None and high is not None and low > high:
        return Nothing()
    return DateRange("added" if name == "added" else "published", low, high)


def _range(value: str, parse: Callable[[str, str], T | None]) -> tuple[T | None, T | None] | None:
    """``a``, ``a..b``, ``a..``, ``..b``, ``>=a``, ``>a``, ``<a``, ``<=a``, ``=a``."""
    if ".." in value:
        lo_text, _, hi_text = value.partition("..")
        lo = parse(lo_text, "low") if lo_text else None
        hi = parse(hi_text, "high") if hi_text else None
        if (lo_text and lo is None) or (hi_text and hi is None) or (lo is None and hi is None):
            return None
        return lo, hi
    m = _CMP_RE.fullmatch(value)
    if m is None:
        return None
    op, rest = m[1] or "=", m[2]
    if op == "=":
        lo, hi = parse(rest, "low"), parse(rest, "high")
        return (lo, hi) if lo is not None and hi is not None else None
    if op in (">=", ">"):
        lo = parse(rest, "after" if op == ">" else "low")
        return (lo, None) if lo is not None else None
    hi = parse(rest, "before" if op == "<" else "high")
    return (None, hi) if hi is not None else None


def _int(text: str, end: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or len(text) > 9:
        return None
    n = int(text)
    return n + 1 if end == "after" else n - 1 if end == "before" else n


def _year(text: str, end: str) -> tuple[dt.date, dt.date] | None:
    text = text.strip()
    if not (text.isdigit() and len(text) == 4):
        return None
    y = int(text) + (1 if end == "after" else -1 if end == "before" else 0)
    if not 1 <= y <= 9999:
        return None
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


_DATE_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def _date(text: str, end: str) -> tuple[dt.date, dt.date] | None:
    """A year, month or day as its first and last day; ``after``/``before`` step past it."""
    m = _DATE_RE.fullmatch(text.strip())
    if m is None:
        return None
    try:
        year = int(m[1])
        if m[3]:
            first = last = dt.date(year, int(m[2]), int(m[3]))
        elif m[2]:
            first = dt.date(year, int(m[2]), 1)
            last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            last -= dt.timedelta(days=1)
        else:
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if end == "after":
            first = last = last + dt.timedelta(days=1)
        elif end == "before":
            first = last = first - dt.timedelta(days=1)
    except (ValueError, OverflowError):
        return None
    return first, last


# -- entry points ------------------------------------------------------------------------------


def parse(text: str) -> ParsedQuery:
    """Read a query; never raises.  See the module docstring for the grammar."""
    problems: list[str] = []
    source = text
    if len(text) > MAX_QUERY_CHARS:
        problems.append(
            f"the query is too long ({len(text):,} characters): only its first "
            f"{MAX_QUERY_CHARS:,} were used"
        )
        source = text[:MAX_QUERY_CHARS]
    parser = _Parser(_lex(source, problems), problems)
    tree = parser.and_expr(None, closing=False)
    if isinstance(tree, Everything) and text.strip():
        # Nothing usable was left of a non-blank query: match nothing rather than everything.
        tree = Nothing()
    return ParsedQuery(text, tree, tuple(problems))


def conjoin(*nodes: Node) -> Node:
    """Every one of ``nodes``: how a view's own condition and a typed query are combined
    (as trees, never by splicing query text)."""
    children: list[Node] = []
    for n in nodes:
        if isinstance(n, Everything):
            continue
        children.extend(n.children if isinstance(n, And) else (n,))
    if any(isinstance(c, Nothing) for c in children):
        return Nothing()
    if not children:
        return Everything()
    return children[0] if len(children) == 1 else And(tuple(children))


def mentions_flag(node: Node, name: str) -> bool:
    """True when ``is:NAME`` appears anywhere in the tree, negated or not."""
    if isinstance(node, Flag):
        return node.name == name
    if isinstance(node, And | Or):
        return any(mentions_flag(c, name) for c in node.children)
    if isinstance(node, Not):
        return mentions_flag(node.child, name)
    return False


def positive_words(node: Node) -> list[str]:
    """The words a match is made of (not those under NOT): what to highlight elsewhere."""
    out: list[str] = []

    def walk(n: Node, negated: bool) -> None:
        if isinstance(n, Word | Phrase):
            if not negated and n.field not in ("shelf",):
                out.extend(n.text.split())
        elif isinstance(n, And | Or):
            for child in n.children:
                walk(child, negated)
        elif isinstance(n, Not):
            walk(n.child, not negated)

    walk(node, False)
    return list(dict.fromkeys(w.lower() for w in out))


def words_with_spans(node: Node) -> list[Word]:
    """Every plain word of the query (for spelling suggestions), in query order."""
    out: list[Word] = []

    def walk(n: Node) -> None:
        if isinstance(n, Word):
            out.append(n)
        elif isinstance(n, And | Or):
            for child in n.children:
                walk(child)
        elif isinstance(n, Not):
            walk(n.child)

    walk(node)
    return sorted(out, key=lambda w: w.span)
