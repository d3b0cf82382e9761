"""Tests of readinglist.search: the index, searching, recovery."""
