"""Tests of the ranking engine (readinglist.ranking)."""
