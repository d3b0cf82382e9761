"""Full-text search: the only package that imports Whoosh, and only when an index is opened.

``IndexState``, ``IndexUpdate`` and ``IndexUnavailable`` come without Whoosh;
``SearchIndex`` (and ``SCHEMA_VERSION``) load it on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from readinglist.search.state import IndexState, IndexUnavailable, IndexUpdate

if TYPE_CHECKING:
    from readinglist.search.index import SCHEMA_VERSION, SearchIndex


def __getattr__(name: str) -> Any:
    if name in ("SearchIndex", "SCHEMA_VERSION"):
        from readinglist.search import index

        return getattr(index, name)
    raise AttributeError(name)


__all__ = ["SCHEMA_VERSION", "IndexState", "IndexUnavailable", "IndexUpdate", "SearchIndex"]
