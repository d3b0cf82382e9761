"""CSL-JSON, as Zotero, Pandoc and citeproc read it: one ``article`` item per paper."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from readinglist.exporters.common import ARXIV_ABS, ExportOptions, citation_keys, http_links

if TYPE_CHECKING:
    from collections.abc import Sequence

    from readinglist.records import PaperRecord


def items(records: Sequence[PaperRecord], options: ExportOptions) -> list[dict[str, Any]]:
    """CSL items; ``id`` is the same citation key the BibTeX export uses."""
    keys = citation_keys(records)
    out: list[dict[str, Any]] = []
    for r in records:
        # CSL 1.0.2 "article": a preprint or working paper, which digest papers are.
        item: dict[str, Any] = {"id": keys[r.id], "type": "article", "title": r.title}
        if r.authors:
            item["author"] = [_name(a) for a in r.authors]
        if r.published:
            item["issued"] = {
                "date-parts": [[r.published.year, r.published.month, r.published.day]]
            }
        if options.abstracts and r.abstract.strip():
            item["abstract"] = r.abstract
        if r.tags:
            item["keyword"] = ", ".join(r.tags)
        if options.notes and r.note.strip():
            item["note"] = r.note
        links = http_links(r)
        if r.arxiv_id:
            item["number"] = f"arXiv:{r.arxiv_id}"  # where Zotero puts a preprint's id
            links = links or [ARXIV_ABS + r.arxiv_id]
        if links:
            item["URL"] = links[0]
        if len(links) > 1:
            # CSL has one URL; "custom" is CSL-JSON's place for what it has no variable for.
            item["custom"] = {"links": links}
        out.append(item)
    return out


def _name(full: str) -> dict[str, str]:
    """A full name as CSL splits it: the last word is the family name."""
    given, _, family = full.rpartition(" ")
    if not given or "," in full:
        return {"literal": full}
    return {"family": family, "given": given}


def render(records: Sequence[PaperRecord], options: ExportOptions) -> str:
    return json.dumps(items(records, options), ensure_ascii=False, indent=2) + "\n"
