"""Full-text search: the only package that imports Whoosh."""

from readinglist.search.index import (
    SCHEMA_VERSION,
    IndexState,
    IndexUnavailable,
    IndexUpdate,
    SearchIndex,
)

__all__ = ["SCHEMA_VERSION", "IndexState", "IndexUnavailable", "IndexUpdate", "SearchIndex"]
