"""A notes vault (Obsidian, Logseq): one Markdown file per paper, named by its citation key.

Each file holds YAML front matter (the paper JSON's names), the title, the abstract and the
note, then a marker line; what the user writes below the marker is theirs and survives every
re-export. This module only plans: given the files already in the folder, it says what to
write; readinglist.export writes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import yaml

from readinglist.exporters.common import citation_keys, http_links

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from readinglist.records import PaperRecord

MARKER = "<!-- readinglist: write your own notes below this line; re-export keeps them -->"
"""An HTML comment: Obsidian, Logseq and every Markdown viewer hide it."""

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


class VaultRefused(Exception):
    """The folder holds Markdown files readinglist did not write; ``names`` lists them."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        shown = ", ".join(self.names[:5]) + (" ..." if len(self.names) > 5 else "")
        super().__init__(
            f"the folder holds {len(self.names)} Markdown file(s) readinglist did not write "
            f"({shown}); choose an empty folder, or force to write beside them"
        )


@dataclass(frozen=True, slots=True)
class VaultFile:
    name: str  # file name in the folder: "<citekey>.md"
    text: str
    action: str  # "create", "update" or "unchanged"


@dataclass(frozen=True, slots=True)
class VaultPlan:
    files: tuple[VaultFile, ...]
    stale: tuple[str, ...]  # our files whose papers are no longer exported: listed, kept
    foreign: tuple[str, ...]  # Markdown files we did not write (only with force)


def file_name(key: str) -> str:
    """A citation key as a file name every system accepts."""
    name = _UNSAFE_NAME.sub("-", key).strip(" .") or "paper"
    return name[:120] + ".md"


def is_ours(text: str) -> bool:
    return MARKER in text.splitlines()


def front_matter(r: PaperRecord, key: str) -> dict[str, object]:
    """The paper's properties, under the same names as the paper JSON."""
    return {
        "citekey": key,
        "title": r.title,
        "authors": list(r.authors),
        "arxiv_id": r.arxiv_id,
        "links": http_links(r),
        "tags": list(r.tags),
        "status": r.read_status.value,
        "starred": r.starred,
        "shelves": list(r.shelves),
        "digests": list(dict.fromkeys(s.file_name for s in r.digests)),
        "added": r.added.isoformat(timespec="seconds"),
    }


def render_file(r: PaperRecord, key: str, user_text: str = "") -> str:
    """One paper's file; ``user_text`` is what stood below the marker, kept as it was."""
    meta = yaml.safe_dump(
        front_matter(r, key), allow_unicode=True, sort_keys=False, width=1_000_000
    )
    body = [f"# {' '.join(r.title.split())}", ""]
    if r.abstract.strip():
        body += [r.abstract.strip(), ""]
    if r.note.strip():
        body += ["## Note", "", r.note.strip(), ""]
    return f"---\n{meta}---\n\n" + "\n".join(body) + "\n" + MARKER + "\n" + user_text


def _below_marker(text: str) -> str:
    lines = text.splitlines(keepends=True)
    for n, line in enumerate(lines):
        if line.rstrip("\r\n") == MARKER:
            return "".join(lines[n + 1 :])
    return ""


def plan(
    records: Sequence[PaperRecord], existing: Mapping[str, str], *, force: bool = False
) -> VaultPlan:
    """What to write into a folder whose Markdown files are ``existing`` (name -> text).

    Refuses (VaultRefused) when the folder holds Markdown files readinglist did not write,
    unless ``force``: then a foreign file in a paper's place is kept whole below the marker.
    """
    foreign = sorted(name for name, text in existing.items() if not is_ours(text))
    if foreign and not force:
        raise VaultRefused(foreign)
    keys = citation_keys(records)
    files: list[VaultFile] = []
    written: set[str] = set()
    for r in records:
        name = file_name(keys[r.id])
        old = existing.get(name)
        if old is None:
            files.append(VaultFile(name, render_file(r, keys[r.id]), "create"))
        else:
            kept = _below_marker(old) if is_ours(old) else old
            text = render_file(r, keys[r.id], kept)
            files.append(VaultFile(name, text, "unchanged" if text == old else "update"))
        written.add(name)
    stale = sorted(name for name in existing if name not in written and is_ours(existing[name]))
    return VaultPlan(tuple(files), tuple(stale), tuple(foreign))
