"""The import wing: every file and text that brings papers in goes through here.

``sources`` reads a file as what its content is; ``merging`` holds the one paper factory
and merge rules; ``importer`` lands each file in one transaction; ``bundles`` adds what a
readinglist bundle carries beyond papers.
"""

from readinglist.importing.importer import (
    IMPORT_LOCK,
    ImportCancelled,
    Importer,
    chain_previews,
)
from readinglist.importing.merging import NOTE_SEPARATOR
from readinglist.importing.reports import FileReport, ImportResult
from readinglist.importing.sources import ImportRefused, looks_like_bundle

__all__ = [
    "IMPORT_LOCK",
    "NOTE_SEPARATOR",
    "FileReport",
    "ImportCancelled",
    "ImportRefused",
    "ImportResult",
    "Importer",
    "chain_previews",
    "looks_like_bundle",
]
