"""The search query language: a pure parser from text to a query tree."""
