"""Digest parser: the text of a "Daily Papers" page -> ordered entries with their metadata.

Grammar by example (each non-blank line is one element; blank lines between them are optional)::

    new                                   page chrome: skipped before the first entry, any
    Subscribe                             subset, any order
    Mar 11                                date label: month and day, no year
    Some Paper Title                      title: one line
    We study ... https://github.com/x.    abstract: one long line
      • 4 authors                         optional metadata block: an author count (or an
    ·                                     organisation line such as "UCAS ucas"), a lone
    Sep 26 2                              middle dot, a date with an optional upvote count

Dates: ``Sep 10, 2024`` (a year), ``Sep 10, 2024 2`` (a year and 2 upvotes), ``Sep 26`` (no
year), ``Sep 26 2`` (no year, 2 upvotes): the comma is what separates a year from upvotes.

Title or abstract?  Between metadata blocks the text lines alternate title, abstract.  When
they do not (a title whose abstract was lost, an abstract whose title was lost, an
organisation line before the middle dot), each line gets the role of lowest total cost.
Costs: a title over 200 characters (more over 300), an abstract under 200, a title without
an abstract, a skipped line (an abstract with no title), a block without an author count.
A small dynamic programme picks the cheapest roles in linear time; on well-formed input
plain alternation always wins.

The last entry may be cut off (a title alone, or an abstract that stops mid-sentence while no
metadata follows it): it is kept, marked ``incomplete`` and mentioned in ``warnings``.

Limits (readinglist.textlimits): control characters leave titles, abstracts and organisation
lines (a warning names the entry); an entry whose title or abstract is over its limit is left
out with a warning naming it and its line, and keeps its place in the alternation, so a
megabyte "title" never makes its own abstract the next title.

Year inference: the source page leaves the year out only for dates in the year it was
captured, and shows it for earlier years.  So the capture year Y is the latest year among the
digest's full dates plus one, but never later than ``reference.year`` (the importer passes the
file's modification date, or today); with no full dates Y is ``reference.year``.  A year-less
date gets year Y, or Y - 1 when Y would put it after ``reference`` (in the future), and its
entry has ``year_inferred=True``.  The date label is resolved the same way.

Not a digest: JSON, HTML/XML, rows with a constant number of comma/tab/semicolon separated
fields (a spreadsheet export), lines that start with timestamps (a log), more than 200,000
lines, and text in which fewer than half of the entries are plausible raise ``DigestError``.
A plausible entry has a title of at most 300 characters that does not end with a full stop,
and either an abstract of 200+ characters of prose or a metadata block.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from readinglist import textlimits
from readinglist.digest.decoding import DigestError, decode_with_warnings
from readinglist.incoming import text_fingerprint
from readinglist.urls import urls_in

if TYPE_CHECKING:
    from collections.abc import Iterator

TITLE_MAX = 300  # real titles are under 200 characters; anything over 300 is not a title
ABSTRACT_MIN = 200  # real abstracts are over 1,000 characters
ORG_MAX = 100  # an organisation line ("UCAS ucas") is short
_SHORT_MAX = 64  # chrome and metadata lines ("  • 11 authors", "Sep 10, 2024 123") are short
# 20 MB of real digest pages hold some 60,000 non-blank lines.  Far more means something else
# (a log), and refusing it before any per-line work keeps the worst case near a second.
MAX_LINES = 200_000
_MAX_WARNINGS = 50

# Costs for the role assignment (see the module docstring).  A missing abstract must cost more
# than a short one, so that a short abstract is never mistaken for the next title.
_COST_LONG_TITLE = 10  # over TITLE_MAX
_COST_LONGISH_TITLE = 4  # over ABSTRACT_MIN: rare for a title, common for an abstract
_COST_ORPHAN = 6  # a long line where a title belongs: skipped, when that is cheaper
# A line longer than any abstract is no lost abstract either: it keeps its place in the
# alternation (a title, or its title's abstract) and its entry is left out with a warning
# naming it, rather than skipped with the next abstract promoted to a title.
_ORPHAN_MAX = textlimits.ABSTRACT.max_length
_COST_MISSING_ABSTRACT = 3
_COST_NO_ORG = 2
_COST_SHORT_ABSTRACT = 1
_IMPOSSIBLE = 1 << 60

_CHROME = frozenset(
    {
        "new",
        "get trending papers in your email inbox!",
        "subscribe",
        "daily papers",
        "byak and the research community",
    }
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTH = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
# Explicit [0-9]: \d would also accept other scripts' digits.  Every quantifier is bounded and
# these only ever run on lines of at most _SHORT_MAX characters, so they cannot backtrack badly.
_LABEL_RE = re.compile(rf"{_MONTH}\s+([0-9]{{1,2}})", re.IGNORECASE)
_DATE_RE = re.compile(
    rf"{_MONTH}\s+([0-9]{{1,2}})(?:\s*,\s*([0-9]{{4}}))?(?:\s+([0-9]{{1,9}}))?", re.IGNORECASE
)
_AUTHORS_RE = re.compile(r"[•*-]?\s*([0-9]{1,6})\s+authors?", re.IGNORECASE)
_DOT = "·"

_SENTENCE_END = frozenset(".!?)\"']”’»…。！？")

_MOJIBAKE_RE = re.compile("[ÂÃ][\u00a0-\u00bf]|â€")
_MOJIBAKE_MARKS = ("Â", "Ã", "â€")
_LOG_LINE_RE = re.compile(
    r"\[?(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}"
    r"|[0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL|TRACE)\b)"
)
_MARKUP_RE = re.compile(r"<(?:\?xml|!doctype|html|svg|rss|feed)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as listed in a digest."""

    title: str
    abstract: str  # "" when the entry was cut off before its abstract
    position: int  # 0-based order in the digest (an entry left out leaves its number unused)
    authors_count: int | None
    organization: str | None  # the organisation line when it replaces "• N authors"
    published: dt.date | None
    year_inferred: bool  # True when the date had no year and we inferred it
    upvotes: int | None
    links: tuple[str, ...]  # http(s) URLs in the abstract, in order, without duplicates
    incomplete: bool  # cut off (no abstract, or the last abstract stops mid-sentence)


@dataclass(frozen=True, slots=True)
class Digest:
    """A parsed digest: its date label, its entries in page order, and what looked odd."""

    date_label: str | None  # e.g. "Mar 11" exactly as on the page
    date: dt.date | None  # the label resolved to a full date (None when no label)
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...]  # e.g. "entry 76 looks cut off: kept and marked incomplete"
    fingerprint: str  # readinglist.incoming.text_fingerprint: the same whatever the encoding


def parse_bytes(data: bytes, *, reference: dt.date) -> Digest:
    """decode() then parse(); what decoding had to say comes first among the warnings."""
    decoded = decode_with_warnings(data)
    digest = parse(decoded.text, reference=reference)
    if decoded.warnings:
        digest = dataclasses.replace(digest, warnings=(*decoded.warnings, *digest.warnings))
    return digest


# --- text -> lines ---------------------------------------------------------------------------

_Kind = Literal["text", "chrome", "authors", "dot", "date"]
_Role = Literal["title", "abstract", "org", "skip"]
_ROLES: tuple[_Role, _Role, _Role] = ("title", "abstract", "skip")  # the DP states, by index
_T, _A, _S = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based line number in the text, for warnings
    text: str
    kind: _Kind


_AUTHORS_START = frozenset("•*-0123456789")
_MONTH_START = frozenset("JFMASONDjfmasond")


def _kind(text: str) -> _Kind:
    # Cheap tests first: most lines are long, and a regex runs only on a plausible first letter.
    if len(text) > _SHORT_MAX:
        return "text"
    if text == _DOT:
        return "dot"
    first = text[0]
    if first in _AUTHORS_START and _AUTHORS_RE.fullmatch(text):
        return "authors"
    if first in _MONTH_START:
        match = _DATE_RE.fullmatch(text)
        if match and 1 <= int(match[2]) <= 31:
            return "date"
    if text.casefold() in _CHROME:
        return "chrome"
    return "text"


def _split_lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped: every line is an element, blank lines or not."""
    # A BOM can also hide mid-text (two saved pages pasted together); it is never content.
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    too_many = "not a digest: {:,} lines, far more than any digest holds"
    if text.count("\n") > 4 * MAX_LINES:  # cheap, before splitting
        raise DigestError(too_many.format(text.count("\n") + 1))
    numbered = [
        (number, stripped)
        for number, stripped in enumerate(map(str.strip, text.split("\n")), 1)
        if stripped
    ]
    if len(numbered) > MAX_LINES:
        raise DigestError(too_many.format(len(numbered)))
    return [_Line(number, stripped, _kind(stripped)) for number, stripped in numbered]


# --- not a digest? ---------------------------------------------------------------------------


def _refuse_obvious(text: str, lines: list[_Line]) -> None:
    """Refuse formats that the entry parser could mistake for a digest."""
    if lines[0].text[:1] in "{[" and lines[-1].text[-1:] in "}]":
        try:
            json.loads(text.replace("\ufeff", ""))
        except (ValueError, RecursionError):
            pass
        else:
            raise DigestError("not a digest: looks like JSON")
    if _MARKUP_RE.match(lines[0].text):
        raise DigestError("not a digest: looks like HTML or XML (save the page as plain text)")
    sample = [line.text[:10_000] for line in lines[:20]]
    if len(sample) < 3:
        return
    # Timestamps first: log lines often hold a constant number of commas too.
    stamped = sum(1 for line in sample if _LOG_LINE_RE.match(line))
    if stamped >= 0.8 * len(sample):
        raise DigestError("not a digest: looks like a log file (lines start with timestamps)")
    for delimiter, name in ((",", "comma"), ("\t", "tab"), (";", "semicolon")):
        try:
            widths = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            raise DigestError(f"not a digest: looks like a spreadsheet/CSV ({name}-separated rows)")


def _is_prose(text: str) -> bool:
    return len(text) >= ABSTRACT_MIN and text.count(" ") >= 10


def _why_not_a_digest(lines: list[_Line]) -> str:
    longest = max(len(line.text) for line in lines)
    if len(lines) == 1 and longest > TITLE_MAX:
        return f"not a digest: one line of {longest:,} characters, no titles and abstracts"
    if longest < ABSTRACT_MIN:
        return "not a digest: no paper abstracts (every line is short; a log file or a list?)"
    return "not a digest: no title/abstract pairs found"


# --- lines -> entries ------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    """An entry being assembled; dates are resolved once the whole digest has been read."""

    title: str
    abstract: str = ""
    organization: str | None = None
    authors_count: int | None = None
    date_text: str | None = None
    has_block: bool = False
    line: int = 0  # of the title, for warnings


def _assign_roles(texts: list[str], org_allowed: bool) -> list[_Role]:
    """Role of each line in a run between metadata blocks: title, abstract, org or skip.

    A minimum-cost path (see the module docstring) over three states: the line is a title, an
    abstract (always right after its title), or skipped (a long line where a title belongs:
    an abstract whose title was lost).  Ties go to plain alternation.  ``org_allowed``: the run
    is followed by a block that starts with the middle dot, so its last line may instead be an
    organisation line.
    """
    # best_*: cheapest cost of lines[0..k] with line k in that state.  back_t[k]/back_s[k]: the
    # state of line k-1 on that path (an abstract always comes after a title).
    n = len(texts)
    back_t, back_s = bytearray(n), bytearray(n)

    def title_cost(length: int) -> int:
        if length > _ORPHAN_MAX:
            return 0  # no role fits it, and as an abstract it costs nothing: neighbours decide
        if length > TITLE_MAX:
            return _COST_LONG_TITLE
        return _COST_LONGISH_TITLE if length > ABSTRACT_MIN else 0

    best_t = title_cost(len(texts[0]))

    def orphan_cost(length: int) -> int:
        return _COST_ORPHAN if length <= _ORPHAN_MAX else _IMPOSSIBLE

    best_a, best_s = _IMPOSSIBLE, orphan_cost(len(texts[0]))
    before_last_a = _IMPOSSIBLE
    for k in range(1, n):
        length = len(texts[k])
        new_t, back_t[k] = best_a, _A  # checked first: ties keep alternation
        if best_s < new_t:
            new_t, back_t[k] = best_s, _S
        if best_t + _COST_MISSING_ABSTRACT < new_t:
            new_t, back_t[k] = best_t + _COST_MISSING_ABSTRACT, _T
        new_s, back_s[k] = best_a, _A
        if best_s < new_s:
            new_s, back_s[k] = best_s, _S
        before_last_a = best_a
        best_a = best_t + (_COST_SHORT_ABSTRACT if length < ABSTRACT_MIN else 0)
        best_t = new_t + title_cost(length)
        best_s = new_s + orphan_cost(length)

    no_org = _COST_NO_ORG if org_allowed else 0
    can_be_org = org_allowed and n >= 2 and len(texts[-1]) <= ORG_MAX
    ends = [
        (best_a + no_org, _A),
        (best_t + _COST_MISSING_ABSTRACT + no_org, _T),
        (best_s + no_org, _S),
        (before_last_a if can_be_org else _IMPOSSIBLE, -1),
    ]
    state = min(ends, key=lambda end: end[0])[1]  # min() keeps the first of equal costs
    roles: list[_Role] = ["title"] * n
    k = n - 1
    if state < 0:
        roles[k] = "org"
        state, k = _A, k - 1
    while k >= 0:
        roles[k] = _ROLES[state]
        state = _T if state == _A else back_t[k] if state == _T else back_s[k]
        k -= 1
    return roles


def _split_blocks(group: list[_Line]) -> list[list[_Line]]:
    """Consecutive metadata lines -> blocks, each at most one of: count, dot, date (in order)."""
    order = {"authors": 0, "dot": 1, "date": 2}
    blocks: list[list[_Line]] = []
    for line in group:
        if blocks and order[line.kind] > order[blocks[-1][-1].kind]:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def _apply_block(draft: _Draft, block: list[_Line], number: int, at_end: bool) -> list[str]:
    """Fill a draft from its metadata block; returns warnings about the block's shape."""
    draft.has_block = True
    kinds = {line.kind: line for line in block}
    if "authors" in kinds:
        match = _AUTHORS_RE.fullmatch(kinds["authors"].text)
        assert match is not None  # the line was classified by this very pattern
        draft.authors_count = int(match[1])
    if "date" in kinds:
        draft.date_text = kinds["date"].text
    missing = []
    if draft.authors_count is None and draft.organization is None:
        missing.append("author count or organisation")
    if "dot" not in kinds:
        missing.append("'·'")
    if "date" not in kinds:
        missing.append("date")
    if not missing:
        return []
    if at_end and "date" not in kinds:
        return [f"entry {number}: metadata cut short at the end of the text (no date)"]
    return [f"entry {number}: metadata block incomplete (missing: {', '.join(missing)})"]


def _segments(lines: list[_Line]) -> Iterator[tuple[list[_Line], list[_Line]]]:
    """Split lines into (run of text lines, following metadata lines) pairs; either may be []."""
    run: list[_Line] = []
    group: list[_Line] = []
    for line in lines:
        if line.kind != "text":
            group.append(line)
            continue
        if group:
            yield run, group
            run, group = [], []
        run.append(line)
    if run or group:
        yield run, group


def _read_entries(lines: list[_Line], warnings: list[str]) -> list[_Draft]:
    """Text runs between metadata groups -> drafts, in page order."""
    drafts: list[_Draft] = []
    for run, group in _segments(lines):
        blocks = _split_blocks(group)
        if run:
            org_allowed = bool(blocks) and blocks[0][0].kind == "dot"
            roles = _assign_roles([line.text for line in run], org_allowed)
            for line, role in zip(run, roles, strict=True):
                if role == "title":
                    drafts.append(_Draft(line.text, line=line.number))
                elif role == "abstract":
                    drafts[-1].abstract = line.text
                elif role == "org":
                    drafts[-1].organization = line.text
                else:
                    warnings.append(
                        f"line {line.number}: a paragraph with no title before it was skipped"
                    )
            # After a skipped paragraph the block belongs to the lost entry, not the one before.
            if blocks and roles[-1] != "skip":
                at_end = blocks[0][-1] is lines[-1]
                warnings.extend(_apply_block(drafts[-1], blocks.pop(0), len(drafts), at_end))
        if blocks:
            where = f"after entry {len(drafts)}" if drafts else "before the first entry"
            warnings.append(f"line {blocks[0][0].number} ({where}): stray metadata lines ignored")
    return drafts


# --- dates -----------------------------------------------------------------------------------


def _capture_year(drafts: list[_Draft], reference: dt.date) -> int:
    years = [
        int(match[3])
        for draft in drafts
        if draft.date_text and (match := _DATE_RE.fullmatch(draft.date_text)) and match[3]
    ]
    return min(max(years) + 1, reference.year) if years else reference.year


def _resolve(month: int, day: int, year: int | None, capture: int, reference: dt.date) -> dt.date:
    """A (possibly year-less) page date -> a full date; ValueError when there is no such day."""
    if year is not None:
        return dt.date(year, month, day)
    resolved = dt.date(capture, month, day)
    if resolved > reference and capture > dt.MINYEAR:
        resolved = dt.date(capture - 1, month, day)
    return resolved


def _parse_date(
    text: str, capture: int, reference: dt.date
) -> tuple[dt.date | None, bool, int | None]:
    """'Sep 26 2' -> (date, year_inferred, upvotes); the date is None when it does not exist."""
    match = _DATE_RE.fullmatch(text)
    assert match is not None  # only lines classified as dates get here
    year = int(match[3]) if match[3] else None
    upvotes = int(match[4]) if match[4] else None
    try:
        published = _resolve(_MONTHS[match[1].lower()], int(match[2]), year, capture, reference)
    except ValueError:
        return None, False, upvotes
    return published, year is None, upvotes


# --- entries ---------------------------------------------------------------------------------


def _looks_finished(abstract: str) -> bool:
    """Whether an abstract ends like a whole paragraph: sentence punctuation or a URL."""
    if abstract[-1] in _SENTENCE_END:
        return True
    last_word = abstract.rsplit(None, 1)[-1]
    return last_word.startswith(("http://", "https://"))


def _finish(
    drafts: list[_Draft], reference: dt.date, warnings: list[str]
) -> tuple[list[Entry], int]:
    """Drafts -> entries with resolved dates and cut-off marks; also returns the capture year."""
    capture = _capture_year(drafts, reference)
    entries = []
    for position, draft in enumerate(drafts):
        number = position + 1
        last = position == len(drafts) - 1
        if not _fit(draft, number, warnings):
            continue
        published, inferred, upvotes = None, False, None
        if draft.date_text is not None:
            published, inferred, upvotes = _parse_date(draft.date_text, capture, reference)
            if published is None:
                warnings.append(f"entry {number}: {draft.date_text!r} is not a real date")
        incomplete = False
        if not draft.abstract:
            incomplete = True
            if last and not draft.has_block:
                warnings.append(
                    f"entry {number} looks cut off (title only): kept and marked incomplete"
                )
            else:
                warnings.append(f"entry {number} has no abstract: kept and marked incomplete")
        elif last and not draft.has_block and not _looks_finished(draft.abstract):
            incomplete = True
            warnings.append(f"entry {number} looks cut off: kept and marked incomplete")
        if len(draft.title) > TITLE_MAX:
            warnings.append(f"entry {number}: the title is {len(draft.title):,} characters long")
        entries.append(
            Entry(
                title=draft.title,
                abstract=draft.abstract,
                position=position,
                authors_count=draft.authors_count,
                organization=draft.organization,
                published=published,
                year_inferred=inferred,
                upvotes=upvotes,
                links=urls_in(draft.abstract),
                incomplete=incomplete,
            )
        )
    return entries, capture


def _fit(draft: _Draft, number: int, warnings: list[str]) -> bool:
    """Clean the entry's text (see readinglist.textlimits); False when it is to be left out.

    An entry with a field over its limit is left out whole: a title of a megabyte is not a
    title, and cutting it would make up one.
    """
    cleaned = {
        "title": textlimits.clean(draft.title, textlimits.TITLE),
        "abstract": textlimits.clean(draft.abstract, textlimits.ABSTRACT),
    }
    if draft.organization is not None:
        cleaned["organisation"] = textlimits.clean(draft.organization, textlimits.ORGANIZATION)
    where = f"entry {number} (line {draft.line})"
    for result in cleaned.values():
        if result.too_long:
            warnings.append(f"{where}: {result.too_long}: left out")
            return False
    if not cleaned["title"].text:
        warnings.append(f"{where}: the title is all control characters: left out")
        return False
    for name, result in cleaned.items():
        if result.removed:
            warnings.append(f"entry {number}: {result.problems()[0]} from the {name}")
    draft.title, draft.abstract = cleaned["title"].text, cleaned["abstract"].text
    if draft.organization is not None:
        draft.organization = cleaned["organisation"].text or None
    return True


def _is_plausible(draft: _Draft) -> bool:
    has_metadata = (
        draft.date_text is not None
        or draft.authors_count is not None
        or draft.organization is not None
    )
    # A title is one short line that is not a sentence; prose paragraphs end with a full stop.
    title_ok = len(draft.title) <= TITLE_MAX and not draft.title.endswith(".")
    return title_ok and (has_metadata or _is_prose(draft.abstract))


def _strip_chrome(lines: list[_Line], warnings: list[str]) -> tuple[_Line | None, list[_Line]]:
    """Drop page chrome and take the date label; returns (label line, remaining lines).

    Chrome after the first entry means several pages were pasted into one text: it is skipped
    too, and so is a date label right after it (the digest keeps the first page's label).
    """
    label: _Line | None = None
    kept: list[_Line] = []
    label_allowed = True  # at the start, or right after chrome
    previous_was_chrome = False
    for line in lines:
        if line.kind == "chrome":
            if kept and not previous_was_chrome:
                warnings.append(
                    f"line {line.number}: page headings after the papers skipped "
                    "(several pages pasted together?)"
                )
            label_allowed = previous_was_chrome = True
            continue
        previous_was_chrome = False
        if label_allowed and line.kind == "date" and _LABEL_RE.fullmatch(line.text):
            label_allowed = False
            if label is None and not kept:
                label = line
            else:
                warnings.append(f"line {line.number}: another date label {line.text!r} skipped")
            continue
        label_allowed = False
        kept.append(line)
    return label, kept


def parse(text: str, *, reference: dt.date) -> Digest:
    """Parse digest text.

    ``reference`` is the capture-date context (the importer passes the file's modification
    date, or today) and bounds year inference.  Raises DigestError('not a digest: ...') when
    no entry can be found.
    """
    lines = _split_lines(text)
    if not lines:
        raise DigestError("empty file")
    _refuse_obvious(text, lines)
    warnings: list[str] = []
    label, lines = _strip_chrome(lines, warnings)
    if not lines:
        raise DigestError("not a digest: only page headings, no papers")
    drafts = _read_entries(lines, warnings)
    plausible = sum(1 for draft in drafts if _is_plausible(draft))
    if not plausible or 2 * plausible < len(drafts):
        raise DigestError(_why_not_a_digest(lines))
    entries, capture = _finish(drafts, reference, warnings)

    label_date = None
    if label is not None:
        match = _LABEL_RE.fullmatch(label.text)
        assert match is not None  # checked when the label was found
        try:
            label_date = _resolve(
                _MONTHS[match[1].lower()], int(match[2]), None, capture, reference
            )
        except ValueError:
            warnings.append(f"the date label {label.text!r} is not a real date")
    # The substring test is C-fast and rules out almost every file before the regex runs.
    if any(mark in text for mark in _MOJIBAKE_MARKS) and _MOJIBAKE_RE.search(text):
        warnings.insert(
            0,
            "the text holds mojibake such as 'Ã©' (it was saved with the wrong encoding): "
            "check accented titles",
        )
    if len(warnings) > _MAX_WARNINGS:
        hidden = len(warnings) - _MAX_WARNINGS + 1
        warnings[_MAX_WARNINGS - 1 :] = [f"... and {hidden:,} more warnings"]
    return Digest(
        date_label=label.text if label else None,
        date=label_date,
        entries=tuple(entries),
        warnings=tuple(warnings),
        fingerprint=text_fingerprint(text),
    )
