"""CSV: UTF-8, a header row, one paper a row; cells a spreadsheet would run are defused."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from readinglist.exporters.common import ExportOptions, date_text, http_links

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

# A cell starting with one of these is read as a formula (or a command) by Excel,
# LibreOffice and Google Sheets; a leading apostrophe makes it plain text (OWASP advice).
# Spreadsheets skip leading spaces and line breaks before a formula, and read the full-width
# signs of East Asian keyboards (＝ ＋ － ＠) as the ASCII ones.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_LEADING_SPACE = " \t\r\n\u00a0\u3000"

COLUMNS = (
    "id",
    "title",
    "published",
    "year_inferred",
    "upvotes",
    "authors",
    "organization",
    "status",
    "starred",
    "tags",
    "shelves",
    "links",
    "seen_in_digests",
    "added",
)


def neutralise(cell: str) -> str:
    starts_formula = cell.lstrip(_LEADING_SPACE).startswith(FORMULA_START)
    return "'" + cell if starts_formula or cell.startswith(FORMULA_START) else cell


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    buf = io.StringIO()
    if options.byte_order_mark:
        buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180 line ends
    header = list(COLUMNS)
    if options.abstracts:
        header.append("abstract")
    if options.notes:
        header.append("note")
    writer.writerow(header)
    for r in records:
        row = [
            str(r.id),
            r.title,
            date_text(r),
            "yes" if r.year_inferred else "",
            "" if r.upvotes is None else str(r.upvotes),
            "" if r.authors_count is None else str(r.authors_count),
            r.organization or "",
            r.read_status.value,
            "yes" if r.starred else "",
            ", ".join(r.tags),  # tag names never hold commas
            "; ".join(r.shelves),
            " ".join(http_links(r)),
            str(r.seen_count),
            r.added.date().isoformat(),
        ]
        if options.abstracts:
            row.append(r.abstract)
        if options.notes:
            row.append(r.note)
        writer.writerow([neutralise(cell) for cell in row])
    return buf.getvalue()
