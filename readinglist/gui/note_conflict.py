"""A note saved over someone else's newer one: never silently; the user chooses.

The notes editor saves with the version it started from; when the library says a
colleague (or the command line) saved the note since, the window asks. Keeping both is
the default: the other text stays and the user's follows it after a rule.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from readinglist.errors import EditConflict


class ConflictChoice(enum.Enum):
    KEEP_BOTH = "both"  # theirs, then mine after a rule
    RELOAD = "reload"  # take the colleague's version (mine goes to the clipboard)
    OVERWRITE = "overwrite"  # save mine over theirs
    KEEP_EDITING = "keep"  # do nothing yet


def conflict_box(parent: QWidget | None, conflict: EditConflict, what: str = "note") -> QMessageBox:
    """The question, with its answers (built apart from exec() so tests can look)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed by someone else")
    who = conflict.author or "someone else"
    box.setText(f"This {what} was changed by {who} while you were editing it.")
    box.setInformativeText(
        f"{str(conflict)[:1].upper()}{str(conflict)[1:]}.\n\nKeep both texts (theirs first, "
        "then yours), reload theirs (your text is copied to the clipboard), or save yours "
        "over it."
    )
    both = box.addButton("Keep &Both", QMessageBox.ButtonRole.YesRole)
    box.addButton("&Reload Theirs", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Save Mine", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("&Keep Editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(both)
    return box


def resolve_conflict(
    parent: QWidget | None, conflict: EditConflict, mine: str, what: str = "note"
) -> ConflictChoice:
    """Ask what to do about a save that met a colleague's; RELOAD puts ``mine`` on the clipboard."""
    box = conflict_box(parent, conflict, what)
    box.exec()
    role = box.buttonRole(box.clickedButton()) if box.clickedButton() else None
    if role == QMessageBox.ButtonRole.YesRole:
        return ConflictChoice.KEEP_BOTH
    if role == QMessageBox.ButtonRole.AcceptRole:
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(mine)
        return ConflictChoice.RELOAD
    if role == QMessageBox.ButtonRole.DestructiveRole:
        return ConflictChoice.OVERWRITE
    return ConflictChoice.KEEP_EDITING


__all__ = ["ConflictChoice", "conflict_box", "resolve_conflict"]
