"""readinglist: a desktop reading-list manager for paper digests."""

__version__ = "0.1.0"
