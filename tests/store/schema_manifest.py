"""What a library holds, as plain JSON: kept beside each schema fixture, compared after upgrades."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from readinglist.core import Scope
from readinglist.shelves import Shelves

if TYPE_CHECKING:
    from readinglist.library import Library


def library_manifest(lib: Library) -> dict[str, Any]:
    """Papers (with tags, notes, status, provenance), tags, shelves in order, digests."""
    records = lib.list_papers(Scope.library()) + lib.list_papers(Scope.trash())
    titles = {r.id: r.title for r in records}
    shelves = Shelves(lib)
    return {
        "papers": sorted(
            (
                {
                    "title": r.title,
                    "abstract": r.abstract,
                    "starred": r.starred,
                    "read_status": str(r.read_status),
                    "triage": str(r.triage),
                    "tags": sorted(r.tags),
                    "note": r.note,
                    "trashed": r.trashed,
                    "incomplete": r.incomplete,
                    "upvotes": r.upvotes,
                    "published": r.published.isoformat() if r.published else None,
                    "links": list(r.links),
                    "digests": sorted(s.file_name for s in r.digests),
                    # Since 0004; absent (so older manifests still compare) when unknown.
                    **({"authors": list(r.authors)} if r.authors else {}),
                    **({"arxiv_id": r.arxiv_id} if r.arxiv_id else {}),
                }
                for r in records
            ),
            key=lambda p: str(p["title"]),
        ),
        "tags": [{"name": t.name, "color": t.color} for t in lib.tags()],
        "shelves": [
            {
                "name": s.name,
                "query": s.query,
                "papers": [] if s.query else [titles[i] for i in shelves.paper_ids(s.name)],
            }
            for s in shelves.list()
        ],
        "digests": sorted(
            ({"file_name": d.file_name, "entry_count": d.entry_count} for d in lib.digests()),
            key=lambda d: str(d["file_name"]),
        ),
    }
