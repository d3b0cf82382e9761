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
they do not (a title whose abstract was lost, an organisation line before the middle dot),
each line gets the role of lowest total cost: a title over 300 characters, an abstract under
200, a title without an abstract and a block without an author count each cost something.
A two-state dynamic programme picks the cheapest assignment in linear time; on well-formed
input plain alternation always wins.

The last entry may be cut off (a title alone, or an abstract that stops mid-sentence while no
metadata follows it): it is kept, marked ``incomplete`` and mentioned in ``warnings``.

Year inference: the source page leaves the year out only for dates in the year it was
captured, and shows it for earlier years.  So the capture year Y is the latest year among the
digest's full dates plus one, but never later than ``reference.year`` (the importer passes the
file's modification date, or today); with no full dates Y is ``reference.year``.  A year-less
date gets year Y, or Y - 1 when Y would put it after ``reference`` (in the future), and its
entry has ``year_inferred=True``.  The date label is resolved the same way.

Not a digest: JSON, HTML/XML, rows with a constant number of comma/tab/semicolon separated
fields (a spreadsheet export), lines that start with timestamps (a log), and text in which
fewer than half of the entries are plausible (a title of at most 300 characters with an
abstract of 200+ characters of prose, or with a metadata block) raise ``DigestError``.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Iterator

MAX_DIGEST_BYTES: int = 20 * 1024 * 1024

TITLE_MAX = 300  # real titles are under 200 characters; anything over 300 is not a title
ABSTRACT_MIN = 200  # real abstracts are over 1,000 characters
ORG_MAX = 100  # an organisation line ("UCAS ucas") is short
_META_MAX = 40  # metadata lines ("  • 11 authors", "Sep 10, 2024 123") are shorter than this

# Costs for the role assignment (see the module docstring).  A missing abstract must cost more
# than a short one, so that a short abstract is never mistaken for the next title.
_COST_LONG_TITLE = 10
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
# these only ever run on lines of at most _META_MAX characters, so they cannot backtrack badly.
_LABEL_RE = re.compile(rf"{_MONTH}\s+([0-9]{{1,2}})", re.IGNORECASE)
_DATE_RE = re.compile(
    rf"{_MONTH}\s+([0-9]{{1,2}})(?:\s*,\s*([0-9]{{4}}))?(?:\s+([0-9]{{1,9}}))?", re.IGNORECASE
)
_AUTHORS_RE = re.compile(r"[•*-]?\s*([0-9]{1,6})\s+authors?", re.IGNORECASE)
_DOT = "·"

_URL_RE = re.compile(r"https?://[^\s<>\"'`]+")
_URL_TRAILING = ".,;:)]}'\""
_URL_CLOSERS = {")": "(", "]": "[", "}": "{"}
_SENTENCE_END = frozenset(".!?)\"']”’»…。！？")

_MOJIBAKE_RE = re.compile("[ÂÃ][\u00a0-\u00bf]|â€")
_LOG_LINE_RE = re.compile(
    r"\[?(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}"
    r"|[0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2}"
    r"|(?:DEBUG|INFO|WARN|WARNING|ERROR|CRITICAL|FATAL|TRACE)\b)"
)
_MARKUP_RE = re.compile(r"<(?:\?xml|!doctype|html|svg|rss|feed)\b", re.IGNORECASE)

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "looks like a PDF"),
    (b"\x89PNG\r\n\x1a\n", "looks like a PNG image"),
    (b"\xff\xd8\xff", "looks like a JPEG image"),
    (b"GIF87a", "looks like a GIF image"),
    (b"GIF89a", "looks like a GIF image"),
    (b"PK\x03\x04", "looks like a ZIP archive"),
    (b"PK\x05\x06", "looks like a ZIP archive"),
    (b"\x1f\x8b", "looks like gzip-compressed data"),
    (b"\xfd7zXZ\x00", "looks like xz-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "looks like a 7-Zip archive"),
    (b"Rar!\x1a\x07", "looks like a RAR archive"),
    (b"SQLite format 3\x00", "looks like an SQLite database"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like an old Microsoft Office file (.doc/.xls)"),
    (b"\x7fELF", "looks like a program"),
)
# Office and e-book formats are ZIP archives; their member names are stored uncompressed.
_ZIP_KINDS: tuple[tuple[bytes, str], ...] = (
    (b"xl/workbook.xml", "looks like an Excel workbook (.xlsx)"),
    (b"word/document.xml", "looks like a Word document (.docx)"),
    (b"ppt/presentation.xml", "looks like a PowerPoint file (.pptx)"),
    (b"application/epub+zip", "looks like an EPUB e-book"),
    (b"application/vnd.oasis.opendocument", "looks like an OpenDocument file"),
)
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)
_C0_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CP1252_MAX_HIGH_RATIO = 0.3  # accented Western text stays far below; binary sits near 0.5
_CP1252_WARNING = "the file is not UTF-8: decoded it as Windows-1252 (Latin-1)"


class DigestError(ValueError):
    """The input is not a usable digest; str(err) is the reason, e.g. 'empty file'."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One paper as listed in a digest."""

    title: str
    abstract: str  # "" when the entry was cut off before its abstract
    position: int  # 0-based order in the digest
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


# --- bytes -> text ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """bytes -> text, refusing binary files and encodings that would import as mojibake.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM; otherwise Windows-1252 when the
    result is plausible text.  Known binary formats are named in the error.
    """
    return _decode(data)[0]


def _decode(data: bytes) -> tuple[str, str]:
    """decode(), also naming the encoding used, so that parse_bytes can warn about cp1252."""
    if not data:
        raise DigestError("empty file")
    if len(data) > MAX_DIGEST_BYTES:
        raise DigestError(
            f"file too large ({len(data):,} bytes; a digest is at most {MAX_DIGEST_BYTES:,})"
        )
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            if magic.startswith(b"PK"):
                what = next((kind for sig, kind in _ZIP_KINDS if sig in data), what)
            raise DigestError(f"binary data ({what})")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise DigestError(f"not valid {name} text despite its byte-order mark") from None
            if "\x00" in text:
                raise DigestError("binary data (contains NUL bytes)")
            return _check_not_empty(text), codec
    if b"\x00" in data:
        raise DigestError("binary data (contains NUL bytes)")
    try:
        return _check_not_empty(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8.  Windows-1252 decodes almost anything, so accept it only when the result looks
    # like text: no control characters, and few non-ASCII bytes.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise DigestError("unknown text encoding (not UTF-8, UTF-16 or Windows-1252)") from None
    if _C0_CONTROLS_RE.search(text):
        raise DigestError("binary data (control characters; not UTF-8 or Windows-1252 text)")
    high = len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))
    if high > _CP1252_MAX_HIGH_RATIO * len(data):
        raise DigestError("unknown text encoding (not UTF-8, UTF-16 or Windows-1252)")
    return _check_not_empty(text), "cp1252"


def _check_not_empty(text: str) -> str:
    if not text.strip().replace("\ufeff", ""):
        raise DigestError("empty file")
    return text


def parse_bytes(data: bytes, *, reference: dt.date) -> Digest:
    """decode() then parse(); a Windows-1252 decode is reported among the warnings."""
    text, codec = _decode(data)
    digest = parse(text, reference=reference)
    if codec == "cp1252":
        digest = dataclasses.replace(digest, warnings=(_CP1252_WARNING, *digest.warnings))
    return digest


# --- text -> lines ---------------------------------------------------------------------------

_Kind = Literal["text", "authors", "dot", "date"]
_Role = Literal["title", "abstract", "org"]


@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based line number in the text, for warnings
    text: str
    kind: _Kind


def _kind(text: str) -> _Kind:
    if len(text) > _META_MAX:
        return "text"
    if text == _DOT:
        return "dot"
    if _AUTHORS_RE.fullmatch(text):
        return "authors"
    match = _DATE_RE.fullmatch(text)
    if match and 1 <= int(match[2]) <= 31:
        return "date"
    return "text"


def _split_lines(text: str) -> list[_Line]:
    """Non-blank lines, stripped: every line is an element, blank lines or not."""
    # A BOM can also hide mid-text (two saved pages pasted together); it is never content.
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped:
            lines.append(_Line(number, stripped, _kind(stripped)))
    return lines


# --- not a digest? ---------------------------------------------------------------------------


def _refuse_obvious(text: str, lines: list[_Line]) -> None:
    """Refuse formats that the entry parser could mistake for a digest."""
    stripped = text.strip()
    if stripped[:1] in "{[" and stripped[-1:] in "}]":
        try:
            json.loads(stripped)
        except (ValueError, RecursionError):
            pass
        else:
            raise DigestError("not a digest: looks like JSON")
    if _MARKUP_RE.match(lines[0].text):
        raise DigestError("not a digest: looks like HTML or XML (save the page as plain text)")
    sample = [line.text[:10_000] for line in lines[:20]]
    if len(sample) < 3:
        return
    for delimiter, name in ((",", "comma"), ("\t", "tab"), (";", "semicolon")):
        try:
            widths = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        except csv.Error:
            continue
        if len(widths) == 1 and widths.pop() >= 2:
            raise DigestError(f"not a digest: looks like a spreadsheet/CSV ({name}-separated rows)")
    stamped = sum(1 for line in sample if _LOG_LINE_RE.match(line))
    if stamped >= 0.8 * len(sample):
        raise DigestError("not a digest: looks like a log file (lines start with timestamps)")


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


def _assign_roles(texts: list[str], org_allowed: bool) -> list[_Role]:
    """Title/abstract(/organisation) role of each line in a run between metadata blocks.

    Minimum-cost path over two states (the previous line was a title, or an abstract); see the
    module docstring.  Ties go to plain alternation.  ``org_allowed``: the run is followed by a
    block that starts with the middle dot, so its last line may be an organisation line.
    """
    n = len(texts)

    def title_cost(text: str) -> int:
        return _COST_LONG_TITLE if len(text) > TITLE_MAX else 0

    def abstract_cost(text: str) -> int:
        return _COST_SHORT_ABSTRACT if len(text) < ABSTRACT_MIN else 0

    # best_t/best_a: cheapest cost of lines[0..k] with line k a title/an abstract.
    # came_from_title[k]: whether the best path to "line k is a title" has line k-1 a title.
    came_from_title = bytearray(n)
    best_t, best_a = title_cost(texts[0]), _IMPOSSIBLE
    before_last_a = _IMPOSSIBLE
    for k in range(1, n):
        cost = title_cost(texts[k])
        via_abstract = best_a + cost
        via_title = best_t + _COST_MISSING_ABSTRACT + cost
        before_last_a = best_a
        new_a = best_t + abstract_cost(texts[k])  # an abstract always follows its title
        if via_abstract <= via_title:
            best_t = via_abstract
        else:
            best_t = via_title
            came_from_title[k] = 1
        best_a = new_a
    no_org = _COST_NO_ORG if org_allowed else 0
    end_a = best_a + no_org
    end_t = best_t + _COST_MISSING_ABSTRACT + no_org
    end_o = _IMPOSSIBLE
    if org_allowed and n >= 2 and len(texts[-1]) <= ORG_MAX:
        end_o = before_last_a

    roles: list[_Role] = ["title"] * n
    if end_o < end_a and end_o < end_t:
        roles[-1] = "org"
        state: _Role = "abstract"
        k = n - 2
    else:
        state = "abstract" if end_a <= end_t else "title"
        k = n - 1
    while k >= 0:
        roles[k] = state
        # An abstract always follows a title; a title follows whatever the path came from.
        state = "title" if state == "abstract" or came_from_title[k] else "abstract"
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
        missing.append("author count or organisation line")
    if "dot" not in kinds:
        missing.append("'·' line")
    if "date" not in kinds:
        missing.append("date")
    if not missing:
        return []
    if at_end and "date" not in kinds:
        return [f"entry {number}: metadata cut short at the end of the text (no date)"]
    return [f"entry {number}: metadata block has no {' or '.join(missing)}"]


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
                    drafts.append(_Draft(line.text))
                elif role == "abstract":
                    drafts[-1].abstract = line.text
                else:
                    drafts[-1].organization = line.text
            if blocks:
                at_end = blocks[0][-1] is lines[-1]
                warnings.extend(_apply_block(drafts[-1], blocks.pop(0), len(drafts), at_end))
        for block in blocks:
            where = f"after entry {len(drafts)}" if drafts else "before the first entry"
            warnings.append(f"line {block[0].number} ({where}): stray metadata lines ignored")
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


def _links(abstract: str) -> tuple[str, ...]:
    """http(s) URLs in order, without duplicates or trailing punctuation."""
    found: dict[str, None] = {}
    for match in _URL_RE.finditer(abstract):
        url = match[0]
        while url and url[-1] in _URL_TRAILING:
            closer = url[-1]
            # Keep a closing bracket that closes one inside the URL: .../Foo_(bar)
            opener = _URL_CLOSERS.get(closer)
            if opener and url.count(closer) <= url.count(opener):
                break
            url = url[:-1]
        if "://" in url and not url.endswith("://"):
            found.setdefault(url)
    return tuple(found)


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
        published, inferred, upvotes = None, False, None
        if draft.date_text is not None:
            published, inferred, upvotes = _parse_date(draft.date_text, capture, reference)
            if published is None:
                warnings.append(f"entry {number}: {draft.date_text!r} is not a real date")
        incomplete = False
        if not draft.abstract:
            incomplete = True
            if last:
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
                links=_links(draft.abstract),
                incomplete=incomplete,
            )
        )
    return entries, capture


def _is_plausible(entry: Entry) -> bool:
    has_metadata = entry.published is not None or entry.authors_count is not None
    return len(entry.title) <= TITLE_MAX and (has_metadata or _is_prose(entry.abstract))


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

    label: _Line | None = None
    start = 0
    while start < len(lines):
        line = lines[start]
        if line.text.casefold() in _CHROME:
            start += 1
        elif label is None and line.kind == "date" and _LABEL_RE.fullmatch(line.text):
            label = line
            start += 1
        else:
            break
    if start == len(lines):
        raise DigestError("not a digest: only page headings, no papers")

    warnings: list[str] = []
    drafts = _read_entries(lines[start:], warnings)
    entries, capture = _finish(drafts, reference, warnings)
    plausible = sum(1 for entry in entries if _is_plausible(entry))
    if not plausible or 2 * plausible < len(entries):
        raise DigestError(_why_not_a_digest(lines[start:]))

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
    if _MOJIBAKE_RE.search(text):
        warnings.insert(
            0,
            "the text holds mojibake such as 'Ã©' (it was saved with the wrong encoding): "
            "check accented titles",
        )
    return Digest(
        date_label=label.text if label else None,
        date=label_date,
        entries=tuple(entries),
        warnings=tuple(warnings),
    )
