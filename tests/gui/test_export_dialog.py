"""The export dialog: choices, remembered settings, export off the GUI thread, errors."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog

from readinglist import export as export_module
from readinglist.core import Scope
from readinglist.export import ExportResult
from readinglist.gui.export_dialog import ExportDialog, copy_as
from readinglist.gui.tasks import shutdown_tasks
from tests.exporters.readers import bibtexparser_entries, csv_rows, markdown_texts, ris_entries
from tests.exporters.sample import Sample, open_sample

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from readinglist.library import Library


@pytest.fixture(autouse=True)
def _no_leftover_tasks() -> Iterator[None]:
    yield
    assert shutdown_tasks(2000)


@pytest.fixture
def sample_library(tmp_path: Path) -> Iterator[tuple[Library, Sample]]:
    lib, sample = open_sample(tmp_path / "library")
    yield lib, sample
    lib.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _dialog(
    qtbot: QtBot, library: Library, settings: QSettings, scope: Scope | None = None
) -> ExportDialog:
    dialog = ExportDialog(library, scope=scope, settings=settings)
    qtbot.addWidget(dialog)
    return dialog


def _choose(dialog: ExportDialog, fmt: str, path: Path) -> None:
    dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))
    dialog.path_edit.setText(str(path))
    dialog.path_edit.setModified(True)


def test_exports_a_shelf_in_order_off_the_gui_thread(
    qtbot: QtBot, sample_library: tuple[Library, Sample], settings: QSettings, tmp_path: Path
) -> None:
    lib, sample = sample_library
    dialog = _dialog(qtbot, lib, settings, Scope.shelf("to read"))
    assert dialog.scope() == Scope.shelf("To read")
    dest = tmp_path / "shelf.bib"
    _choose(dialog, "bibtex", dest)
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.running
        assert not dialog.progress_bar.isHidden()
        assert not dialog.export_button.isEnabled()
    result = blocker.args[0]
    assert isinstance(result, ExportResult)
    assert result.papers == 4
    assert dialog.result() == QDialog.DialogCode.Accepted
    titles = [e["title"] for e in bibtexparser_entries(dest.read_text("utf-8"))]
    assert titles == [r.title for r in lib.papers(sample.order)]


def test_remembers_the_last_choices(
    qtbot: QtBot, sample_library: tuple[Library, Sample], settings: QSettings, tmp_path: Path
) -> None:
    lib, _ = sample_library
    dialog = _dialog(qtbot, lib, settings)
    _choose(dialog, "csv", tmp_path / "out" / "list.csv")
    (tmp_path / "out").mkdir()
    dialog.notes_check.setChecked(False)
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.start_export()
    assert "note" not in csv_rows((tmp_path / "out" / "list.csv").read_text("utf-8-sig"))[0]

    again = _dialog(qtbot, lib, settings)
    assert again.format() == "csv"
    assert not again.notes_check.isChecked()
    assert again.abstracts_check.isChecked()
    assert Path(again.path_edit.text()) == tmp_path / "out" / "reading-list.csv"
    assert settings.value("export/format") == "csv"


def test_scope_choices_cover_selection_shelves_tags_and_search(
    qtbot: QtBot, sample_library: tuple[Library, Sample], settings: QSettings, tmp_path: Path
) -> None:
    lib, sample = sample_library
    picked = (sample.ids["Epsilon"], sample.ids["Beta"])
    dialog = _dialog(qtbot, lib, settings, Scope.papers(picked))
    labels = [dialog.scope_box.itemText(n) for n in range(dialog.scope_box.count())]
    assert labels[0] == "Selection (2 selected papers)"
    assert {"Whole library", "Shelf: To read", "Shelf: LoRA papers", "Tag: lora"} <= set(labels)
    assert dialog.scope() == Scope.papers(picked)
    assert dialog.query_edit.isHidden()

    dialog.scope_box.setCurrentIndex(labels.index("Search results…"))
    assert not dialog.query_edit.isHidden()
    dialog.query_edit.setText("Epsilon")
    assert dialog.scope() == Scope.search("Epsilon")
    dest = tmp_path / "search.ris"
    _choose(dialog, "ris", dest)
    with qtbot.waitSignal(dialog.exported, timeout=10_000):
        dialog.start_export()
    assert [e["title"] for e in ris_entries(dest.read_text("utf-8"))] == [
        "Epsilon: A Paper Nobody Shelved"
    ]


def test_an_empty_search_is_refused_in_the_dialog(
    qtbot: QtBot, sample_library: tuple[Library, Sample], settings: QSettings, tmp_path: Path
) -> None:
    lib, _ = sample_library
    dialog = _dialog(qtbot, lib, settings, None)
    box = dialog.scope_box
    box.setCurrentIndex(box.findText("Search results…"))
    assert dialog.scope() == Scope.search("")
    _choose(dialog, "md", tmp_path / "x.md")
    dialog.start_export()
    assert not dialog.running
    assert "Type a search query" in dialog.message.text()


def test_browse_uses_the_file_dialog(
    qtbot: QtBot,
    sample_library: tuple[Library, Sample],
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib, _ = sample_library
    dialog = _dialog(qtbot, lib, settings)
    _choose(dialog, "html", tmp_path / "ignored.html")
    asked: list[str] = []

    def fake_save(_parent: object, _caption: str, start: str, filters: str) -> tuple[str, str]:
        asked.append(filters)
        return str(tmp_path / "chosen"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    dialog.browse_button.click()
    assert asked == ["Web page (HTML) (*.html);;All files (*)"]
    assert dialog.path_edit.text() == str(tmp_path / "chosen.html")
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("md"))
    assert dialog.path_edit.text() == str(tmp_path / "chosen.md")
    assert dialog.path_edit.isModified()  # a changed scope no longer renames it


def test_the_bundle_always_holds_everything(
    qtbot: QtBot, sample_library: tuple[Library, Sample], settings: QSettings
) -> None:
    lib, _ = sample_library
    dialog = _dialog(qtbot, lib, settings)
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("json"))
    assert not dialog.abstracts_check.isEnabled()
    assert not dialog.notes_check.isEnabled()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("md"))
    assert dialog.abstracts_check.isEnabled()
    assert dialog.notes_check.isEnabled()


def test_a_write_error_is_shown_and_the_old_file_kept(
    qtbot: QtBot,
    sample_library: tuple[Library, Sample],
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib, _ = sample_library
    dest = tmp_path / "list.md"
    dest.write_text("previous")

    def full(*_a: object, **_k: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("readinglist.export.os.fsync", full)
    dialog = _dialog(qtbot, lib, settings)
    _choose(dialog, "md", dest)
    with qtbot.assertNotEmitted(dialog.exported):
        dialog.start_export()
        qtbot.waitUntil(lambda: "disk is full" in dialog.message.text(), timeout=10_000)
    assert dialog.message.text() == f"{dest}: cannot write the export: the disk is full"
    assert dialog.export_button.isEnabled()
    assert dialog.progress_bar.isHidden()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dest.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_cancel_while_exporting_writes_nothing(
    qtbot: QtBot,
    sample_library: tuple[Library, Sample],
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib, _ = sample_library
    started, idle = threading.Event(), threading.Event()
    real_records = export_module.Exporter.records

    def slow_records(self: export_module.Exporter, scope: Scope, **kw: Any) -> Any:
        started.set()
        for _ in range(500):  # a long export, until the user presses Cancel (5 s at most)
            if kw["cancelled"]():
                break
            idle.wait(0.01)
        return real_records(self, scope, **kw)

    monkeypatch.setattr(export_module.Exporter, "records", slow_records)
    dialog = _dialog(qtbot, lib, settings)
    dest = tmp_path / "x.md"
    _choose(dialog, "md", dest)
    dialog.start_export()
    qtbot.waitUntil(started.is_set, timeout=5000)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert not dest.exists()


def test_copy_as_markdown_and_bibtex(sample_library: tuple[Library, Sample]) -> None:
    lib, sample = sample_library
    records = lib.papers(sample.order[:2])
    texts = markdown_texts(copy_as(records, "md"))
    assert texts[0] == "Selected papers"
    assert f"1. {records[0].title}" in texts
    assert [e["title"] for e in bibtexparser_entries(copy_as(records, "bibtex"))] == [
        r.title for r in records
    ]
    with pytest.raises(ValueError, match="needs the library"):
        copy_as(records, "json")


def test_the_vault_is_exported_into_a_chosen_folder_with_force_offered(
    qtbot: QtBot,
    sample_library: tuple[Library, Sample],
    settings: QSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lib, sample = sample_library
    dialog = _dialog(qtbot, lib, settings, Scope.shelf(sample.shelf))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("vault"))
    assert not dialog.force_check.isHidden()
    assert not Path(dialog.path_edit.text()).suffix  # a folder, not a file
    folder = tmp_path / "vault"
    folder.mkdir()
    (folder / "mine.md").write_text("# my page\n", encoding="utf-8")
    asked: list[str] = []

    def fake_folder(_parent: object, caption: str, _start: str) -> str:
        asked.append(caption)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(fake_folder))
    dialog.browse_button.click()
    assert asked
    assert dialog.path_edit.text() == str(folder)

    # A folder holding a page readinglist did not write: refused, the reason shown.
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=10_000)
    assert "readinglist did not write (mine.md)" in dialog.message.text()
    assert sorted(p.name for p in folder.iterdir()) == ["mine.md"]

    dialog.force_check.setChecked(True)
    with qtbot.waitSignal(dialog.exported, timeout=10_000) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    result = blocker.args[0]
    assert isinstance(result, ExportResult)
    assert result.vault is not None
    assert len(result.vault.created) == result.papers == 4
    assert (folder / "mine.md").read_text("utf-8") == "# my page\n"
    assert len(list(folder.glob("*.md"))) == 5
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("md"))
    assert dialog.force_check.isHidden()
