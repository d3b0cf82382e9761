"""What a drag of papers carries: ids (and the shelf they come from), Markdown and links.

The ids travel as JSON under our own format, never pickled: a drop from another program
is only ever parsed, and anything that is not exactly ``{"ids": [int...], "shelf": str|null}``
is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QUrl

from readinglist.gui.links import is_web_url

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord

PAPER_IDS_MIME = "application/x-readinglist-paper-ids"
MAX_DRAG_IDS = 100_000
"""More ids than this is not a drag from our table: refused."""


@dataclass(frozen=True, slots=True)
class PaperDrag:
    """The papers being dragged, in table order, and the manual shelf shown (if any)."""

    ids: tuple[int, ...]
    shelf: str | None = None


def paper_mime(drag: PaperDrag, records: Sequence[PaperRecord]) -> QMimeData:
    """Mime data for a drag: our ids, a Markdown list and the papers' web links."""
    mime = QMimeData()
    payload = {"ids": list(drag.ids), "shelf": drag.shelf}
    mime.setData(PAPER_IDS_MIME, json.dumps(payload).encode("utf-8"))
    mime.setText(markdown_list(records))
    urls = [QUrl(link) for r in records for link in r.links]
    web = [u for u in urls if is_web_url(u)]
    if web:
        mime.setUrls(web)
    return mime


def markdown_list(records: Sequence[PaperRecord]) -> str:
    """One line per paper: ``- Title (YYYY-MM-DD) <link> <link>``."""
    lines = []
    for r in records:
        line = f"- {' '.join(r.title.split())}"
        if r.published is not None:
            line += f" ({r.published.isoformat()})"
        links = [link for link in r.links if is_web_url(QUrl(link))]
        line += "".join(f" <{link}>" for link in links)
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def read_drag(mime: QMimeData | None) -> PaperDrag | None:
    """The papers a drop carries, or None for anything not exactly our format."""
    if mime is None or not mime.hasFormat(PAPER_IDS_MIME):
        return None
    raw = bytes(mime.data(PAPER_IDS_MIME).data())
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    ids, shelf = payload.get("ids"), payload.get("shelf")
    if not isinstance(ids, list) or not ids or len(ids) > MAX_DRAG_IDS:
        return None
    if not all(type(i) is int and i > 0 for i in ids):
        return None
    if shelf is not None and not isinstance(shelf, str):
        return None
    return PaperDrag(tuple(dict.fromkeys(ids)), shelf or None)
