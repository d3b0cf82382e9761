"""Full-text search: the only package that imports Whoosh."""

from readinglist.search.index import IndexState, IndexUpdate, SearchIndex

__all__ = ["IndexState", "IndexUpdate", "SearchIndex"]
