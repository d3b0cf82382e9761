"""Export formats: pure functions from plain records to text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from readinglist.exporters import bibtex, csljson, csvfmt, html, markdown, ris
from readinglist.exporters.common import ExportOptions
from readinglist.records import PaperRecord

Renderer = Callable[[Sequence[PaperRecord], ExportOptions], str]


@dataclass(frozen=True, slots=True)
class Format:
    name: str  # as the command line spells it: --format NAME
    label: str  # as the export dialog shows it
    extension: str
    render: Renderer | None  # None: the bundle and the vault, which need more than records
    folder: bool = False  # written into a folder (the vault), not one file


BUNDLE = "json"
VAULT = "vault"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("md", "Markdown reading list", ".md", markdown.render),
        Format("md-checklist", "Markdown checklist", ".md", markdown.render_checklist),
        Format("html", "Web page (HTML)", ".html", html.render),
        Format("bibtex", "BibTeX", ".bib", bibtex.render),
        Format("csljson", "CSL-JSON (Zotero, Pandoc)", ".json", csljson.render),
        Format("ris", "RIS (EndNote, Zotero, Mendeley)", ".ris", ris.render),
        Format("csv", "Spreadsheet (CSV)", ".csv", csvfmt.render),
        Format(BUNDLE, "readinglist bundle (JSON, lossless)", ".json", None),
        Format(VAULT, "Notes vault (Obsidian, Logseq): a folder", "", None, folder=True),
    )
}


def render(records: Sequence[PaperRecord], fmt: str, options: ExportOptions) -> str:
    """Format records in one of the record formats (every format but the bundle)."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    if spec.render is None:
        raise ValueError(f"format {fmt!r} needs the library: use readinglist.export")
    return spec.render(records, options)


__all__ = ["BUNDLE", "FORMATS", "VAULT", "ExportOptions", "Format", "Renderer", "render"]
