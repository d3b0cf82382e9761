"""Examples for the ``--help`` of commands defined without one, attached in one place.

Commands that carry their own ``epilog`` keep it; :func:`add_examples` fills in the rest,
so every ``readinglist ... --help`` ends with commands a user can copy.
"""

from __future__ import annotations

import click

EXAMPLES: dict[str, tuple[str, ...]] = {
    "summary": ("readinglist summary", "readinglist summary --json"),
    "gui": (
        "readinglist gui",
        "readinglist gui ~/Downloads/digest-mar-11.txt",
        "readinglist --library ~/lab-library gui",
    ),
    "reindex": ("readinglist reindex",),
    "trash": ("readinglist trash 42", "readinglist trash 42 43 44"),
    "restore": ("readinglist restore 42",),
    "shelf": (
        "readinglist shelf create 'To read'",
        "readinglist shelf add 'To read' 42 43",
        "readinglist shelf show 'To read' --json",
    ),
    "shelf list": ("readinglist shelf list", "readinglist shelf list --json"),
    "shelf rename": ("readinglist shelf rename 'To read' 'This week'",),
    "shelf delete": ("readinglist shelf delete 'This week'",),
    "shelf add": ("readinglist shelf add 'To read' 42 43 44",),
    "shelf remove": ("readinglist shelf remove 'To read' 43",),
    "shelf move": ("readinglist shelf move 'To read' 44 1",),
    "shelf show": ("readinglist shelf show 'To read'", "readinglist shelf show LoRA --json"),
    "backup create": (
        "readinglist backup create",
        "readinglist backup create ~/Backups/readinglist.sqlite3",
    ),
    "backup list": ("readinglist backup list", "readinglist backup list --json"),
    "backup keep": ("readinglist backup keep", "readinglist backup keep --daily 14 --weekly 8"),
}


def _walk(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found += _walk(command, f"{path} ")
    return found


def add_examples(root: click.Group) -> None:
    """Give each command without an epilog its examples from :data:`EXAMPLES`."""
    for path, command in _walk(root):
        if command.epilog:
            continue
        lines = EXAMPLES.get(path)
        if lines:
            heading = "Example:" if len(lines) == 1 else "Examples:"
            command.epilog = "\b\n" + heading + "\n" + "\n".join(f"  {line}" for line in lines)


def commands(root: click.Group) -> list[tuple[str, click.Command]]:
    """Every command under ``root`` with its space-separated path (for tests and docs)."""
    return _walk(root)
