"""The import dialog: preview figures from the importer, choosing files, progress, cancel, close."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt, QTimer, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog

from readinglist.core import Changes
from readinglist.gui.import_dialog import (
    PASTED_NAME,
    Column,
    DialogState,
    ImportDialog,
    ImportModel,
    ImportRow,
    digest_paths_from_mime,
)
from readinglist.gui.tasks import TaskRunner, running_tasks, shutdown_tasks
from readinglist.importing import FileReport, Importer, ImportResult, chain_previews
from tests.conftest import ABSTRACT, digest_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.qtbot import QtBot

    from readinglist.library import Library

FIGURES = (Column.ENTRIES, Column.NEW, Column.KNOWN, Column.TRASH)
# A guard (pytest -m guard), not the target: the work runs off the GUI thread (asserted as
# behaviour), and no frame should wait over 100 ms. Measured: the longest wait while
# previewing 0.02-0.07 s, while importing 0.15-0.38 s (2 cores shared with other suites, load
# 7); the bound is ten times the import's typical 0.23 s, so only a GUI thread doing the work
# itself, or a flood of progress signals, can cross it.
GUI_BLOCKED_GUARD_S = 2.5


@pytest.fixture(autouse=True)
def _no_leftover_tasks() -> Iterator[None]:
    yield
    assert shutdown_tasks(2000)


def write_digests(folder: Path, count: int, entries: int = 5, prefix: str = "digest") -> list[Path]:
    """``count`` digests with ``entries`` papers each; no paper is in two files."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{prefix}-{i:02d}.txt"
        titles = [
            (f"Study {prefix} {i} number {j} of forgetting", ABSTRACT) for j in range(entries)
        ]
        path.write_text(digest_text(*titles), encoding="utf-8")
        paths.append(path)
    return paths


def open_dialog(
    qtbot: QtBot,
    library: Library,
    paths: list[Path] | tuple[Path, ...] = (),
    text: str | None = None,
) -> ImportDialog:
    dialog = ImportDialog(library, paths, text=text)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.state == DialogState.READY, timeout=10_000)
    return dialog


def cell(dialog: ImportDialog, row: int, column: Column, role: int = 0) -> object:
    model = dialog.table.model()
    return model.data(model.index(row, column), role)


def shown_figures(dialog: ImportDialog, row: int) -> tuple[object, ...]:
    return tuple(cell(dialog, row, c) for c in FIGURES)


def figures(report: FileReport) -> tuple[str, ...]:
    return tuple(f"{n:,}" for n in (report.entries, report.new, report.duplicates, report.in_trash))


def import_and_wait(qtbot: QtBot, dialog: ImportDialog) -> list[int]:
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        dialog.import_button.click()
    assert dialog.state == DialogState.DONE
    return list(dialog.new_ids)


def digest_names(library: Library) -> set[str]:
    return {d.file_name for d in library.digests()}


def assert_whole_files_only(library: Library, paths: list[Path], entries: int) -> list[str]:
    """Every file is in the library completely or not at all; returns the imported names."""
    digests = {d.file_name: d for d in library.digests()}
    for info in digests.values():
        assert info.entry_count == info.paper_count == entries
    assert library.count() == entries * len(digests)
    names = [p.name for p in paths]
    imported = [n for n in names if n in digests]
    # Files are imported in order: the imported ones are the first few.
    assert imported == names[: len(imported)]
    return imported


# -- preview -----------------------------------------------------------------------------------


def test_preview_figures_match_the_importer(
    qtbot: QtBot, library: Library, real_digests: list[Path], tmp_path: Path
) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8)
    paths = [*real_digests, pdf]
    expected = Importer(library).preview(paths)

    dialog = open_dialog(qtbot, library, paths)

    assert dialog.model.rowCount() == len(paths)
    for row, report in enumerate(expected):
        assert cell(dialog, row, Column.FILE) == Path(report.path).name
        assert cell(dialog, row, Column.FILE, Qt.ItemDataRole.ToolTipRole) == report.path
        if report.ok:
            assert shown_figures(dialog, row) == figures(report)
    # Across the three real digests 203 entries hold 169 distinct papers.
    assert sum(r.new for r in expected) == 169
    assert dialog.import_button.text().replace("&", "") == "Import 3 files (169 new papers)"
    assert dialog.import_button.isEnabled()
    assert "169 new papers" in dialog.heading.text()
    # Nothing was written by previewing.
    assert library.count() == 0
    assert digest_names(library) == set()


@pytest.mark.guard
def test_preview_runs_off_the_gui_thread(
    qtbot: QtBot, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is read in the background while the dialog keeps painting.

    1.4 MB rather than the 20 MB limit: the parser runs whole-text regular expressions that
    hold the GIL (about 20 ms per MB), which a bigger file turns into visible stalls.
    """
    big = tmp_path / "big.txt"
    titles = [(f"Paper {i} about remembering things", ABSTRACT * 4) for i in range(1200)]
    big.write_text(digest_text(*titles), encoding="utf-8")
    on_gui_thread: list[bool] = []
    preview = Importer.preview

    def spy(self: Importer, paths: list[Path]) -> list[FileReport]:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return preview(self, paths)

    monkeypatch.setattr(Importer, "preview", spy)
    dialog = ImportDialog(library, [big])
    qtbot.addWidget(dialog)
    dialog.show()
    # The constructor returned at once: the file is still being read in the background.
    assert dialog.state == DialogState.PREVIEWING
    assert not dialog.import_button.isEnabled()
    assert "Checking" in dialog.heading.text()
    gaps = measure_gaps(qtbot, lambda: is_in(dialog, DialogState.READY))
    assert on_gui_thread == [False]
    assert max(gaps) < GUI_BLOCKED_GUARD_S, f"GUI blocked {max(gaps):.2f} s while previewing"
    assert shown_figures(dialog, 0) == figures(Importer(library).preview([big])[0])


def is_in(dialog: ImportDialog, state: DialogState) -> bool:
    return dialog.state == state


def measure_gaps(qtbot: QtBot, until: object, timeout_ms: int = 20_000) -> list[float]:
    """Intervals between ticks of a 10 ms timer until ``until()``: how long frames waited."""
    ticks: list[float] = [time.perf_counter()]
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        qtbot.waitUntil(until, timeout=timeout_ms)  # type: ignore[arg-type]
    finally:
        timer.stop()
    return [b - a for a, b in itertools.pairwise(ticks)] or [0.0]


def test_errors_are_shown_with_name_and_reason_and_cannot_be_ticked(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    good = write_digests(tmp_path / "ok", 1)[0]
    paths = [binary, empty, good]
    expected = Importer(library).preview(paths)
    assert [r.ok for r in expected] == [False, False, True]

    dialog = open_dialog(qtbot, library, paths)
    model = dialog.table.model()
    for row in (0, 1):
        reason = expected[row].error
        assert reason
        assert cell(dialog, row, Column.FILE) == paths[row].name
        assert cell(dialog, row, Column.STATUS) == reason
        assert reason in str(cell(dialog, row, Column.STATUS, Qt.ItemDataRole.ToolTipRole))
        assert cell(dialog, row, Column.FILE, Qt.ItemDataRole.CheckStateRole) == (
            Qt.CheckState.Unchecked
        )
        flags = model.flags(model.index(row, Column.FILE))
        assert not flags & Qt.ItemFlag.ItemIsEnabled
        assert not flags & Qt.ItemFlag.ItemIsUserCheckable
        # Ticking it anyway is refused.
        assert not model.setData(
            model.index(row, Column.FILE), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
        assert shown_figures(dialog, row) == (None, None, None, None)
    assert "2 files cannot be imported" in dialog.detail.text()
    assert dialog.import_button.text().replace("&", "") == "Import 1 file (5 new papers)"

    import_and_wait(qtbot, dialog)
    assert digest_names(library) == {good.name}
    assert cell(dialog, 0, Column.STATUS) == expected[0].error


def test_unticking_a_file_rechains_figures_and_skips_it(
    qtbot: QtBot, library: Library, real_digests: list[Path]
) -> None:
    dialog = open_dialog(qtbot, library, real_digests)
    first_only = Importer(library).preview([real_digests[0], real_digests[2]])

    # Untick the middle file with the keyboard: current row, then Space.
    table = dialog.table
    table.setFocus()
    table.setCurrentIndex(table.model().index(1, Column.FILE))
    QTest.keyClick(table, Qt.Key.Key_Space)

    assert cell(dialog, 1, Column.FILE, Qt.ItemDataRole.CheckStateRole) == (Qt.CheckState.Unchecked)
    assert shown_figures(dialog, 0) == figures(first_only[0])
    assert shown_figures(dialog, 2) == figures(first_only[1])
    assert cell(dialog, 1, Column.STATUS) == "Skipped"
    new = first_only[0].new + first_only[1].new
    assert dialog.import_button.text().replace("&", "") == f"Import 2 files ({new} new papers)"

    ids = import_and_wait(qtbot, dialog)
    assert digest_names(library) == {real_digests[0].name, real_digests[2].name}
    assert len(ids) == new == library.count()
    assert cell(dialog, 1, Column.STATUS) == "Not imported"


def test_an_already_imported_file_starts_unticked(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    paths = write_digests(tmp_path, 2)
    Importer(library).import_files(paths[:1])
    dialog = open_dialog(qtbot, library, paths)
    assert cell(dialog, 0, Column.FILE, Qt.ItemDataRole.CheckStateRole) == (Qt.CheckState.Unchecked)
    assert cell(dialog, 0, Column.STATUS) == "Already imported"
    assert cell(dialog, 1, Column.FILE, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert dialog.import_button.text().replace("&", "") == "Import 1 file (5 new papers)"


def test_a_copy_of_a_file_above_adds_nothing(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    (original,) = write_digests(tmp_path, 1)
    copy = tmp_path / "copy.txt"
    copy.write_bytes(original.read_bytes())
    expected = Importer(library).preview([original, copy])
    assert (expected[1].already_imported, expected[1].new) == (True, 0)

    dialog = open_dialog(qtbot, library, [original, copy])
    assert shown_figures(dialog, 1) == figures(expected[1])
    assert cell(dialog, 1, Column.STATUS) == "Same content as a file above"
    assert dialog.import_button.text().replace("&", "") == "Import 2 files (5 new papers)"


# -- importing ---------------------------------------------------------------------------------


def test_import_shows_progress_and_a_summary_with_new_papers(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    paths = write_digests(tmp_path, 6)
    dialog = open_dialog(qtbot, library, paths)
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    states: list[DialogState] = []

    def started() -> None:
        states.append(dialog.state)
        assert dialog.progress.isVisible()
        assert not dialog.import_button.isEnabled()
        assert not dialog.add_button.isVisible()

    QTimer.singleShot(0, started)
    ids = import_and_wait(qtbot, dialog)

    assert states == [DialogState.IMPORTING]
    assert values[-1] == 6
    assert dialog.progress.maximum() == 6
    assert sorted(ids) == sorted(library.paper_ids())
    assert len(ids) == 30
    assert dialog.heading.text() == "Added 30 new papers from 6 files"
    for row in range(6):
        assert cell(dialog, row, Column.STATUS) == "Imported: 5 new papers"
    assert not dialog.progress.isVisible()
    assert dialog.show_button.isVisible()
    assert dialog.close_button.isVisible()
    assert not dialog.cancel_button.isVisible()

    with qtbot.waitSignal(dialog.show_papers) as shown:
        dialog.show_button.click()
    assert shown.args == [ids]
    assert not dialog.isVisible()


def test_a_second_import_reports_duplicates(
    qtbot: QtBot, library: Library, real_digests: list[Path]
) -> None:
    Importer(library).import_files(real_digests[:1])
    dialog = open_dialog(qtbot, library, real_digests[1:])
    expected = Importer(library).preview(real_digests[1:])
    ids = import_and_wait(qtbot, dialog)
    assert len(ids) == sum(r.new for r in expected)
    known = sum(r.duplicates for r in expected)
    assert f"{known} entries were papers already known" in dialog.detail.text()


def test_cancel_mid_import_keeps_finished_files_whole(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    paths = write_digests(tmp_path, 30)
    dialog = open_dialog(qtbot, library, paths)
    clicked: list[int] = []

    def cancel_after_first(done: int, total: int, message: str) -> None:
        if done >= 1 and not clicked:
            clicked.append(done)
            dialog.cancel_button.click()

    dialog.start_import()
    assert dialog._import_task is not None
    dialog._import_task.progress.connect(cancel_after_first)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as blocker:
        pass

    assert clicked
    imported = assert_whole_files_only(library, paths, entries=5)
    assert 1 <= len(imported) < len(paths)
    changes = blocker.args[0]  # what the import changed: every paper it brought in
    assert sorted(changes.papers) == sorted(library.paper_ids())
    assert dialog.state == DialogState.DONE
    assert dialog.isVisible()  # Cancel during an import stops it; the dialog stays
    skipped = len(paths) - len(imported)
    assert f"Cancelled: {skipped} files not imported" in dialog.detail.text()
    files = "1 file" if len(imported) == 1 else f"{len(imported)} files"
    assert dialog.heading.text() == (
        f"Import cancelled: added {5 * len(imported)} new papers from {files}"
    )
    for row in range(len(paths)):
        status = str(cell(dialog, row, Column.STATUS))
        assert status == ("Imported: 5 new papers" if row < len(imported) else "Not imported")


def test_escape_during_import_cancels_instead_of_closing(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    paths = write_digests(tmp_path, 30)
    dialog = open_dialog(qtbot, library, paths)
    dialog.start_import()
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.cancel_button.text() == "Cancelling…"
    assert dialog.isVisible()
    assert len(assert_whole_files_only(library, paths, entries=5)) < len(paths)


def test_closing_during_import_stops_within_two_seconds(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    paths = write_digests(tmp_path, 30)
    dialog = open_dialog(qtbot, library, paths)
    received: list[Changes] = []
    dialog.imported.connect(received.append)
    dialog.start_import()
    task = dialog._import_task
    assert task is not None
    qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=10_000)

    dialog.close()

    assert not dialog.isVisible()
    assert not task.running
    # The outcome reached the owner before the dialog went away.
    assert len(received) == 1
    assert sorted(received[0].papers) == sorted(library.paper_ids())
    assert len(assert_whole_files_only(library, paths, entries=5)) < len(paths)


def test_window_shutdown_during_import_stops_within_two_seconds(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    """The main window's closeEvent calls TaskRunner.shutdown(); the dialog's task stops."""
    runner = TaskRunner()
    paths = write_digests(tmp_path, 30)
    dialog = open_dialog(qtbot, library, paths)
    dialog.start_import()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=10_000)

    assert runner.shutdown(2000)  # True: every task stopped within the runner's 2 s deadline
    assert not running_tasks()
    assert_whole_files_only(library, paths, entries=5)


@pytest.mark.guard
def test_import_keeps_the_gui_responsive(
    qtbot: QtBot, library: Library, real_digests: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    on_gui_thread: list[bool] = []
    import_files = Importer.import_files

    def spy(self: Importer, *args: Any, **kwargs: Any) -> ImportResult:
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return import_files(self, *args, **kwargs)

    monkeypatch.setattr(Importer, "import_files", spy)
    dialog = open_dialog(qtbot, library, real_digests)
    dialog.start_import()
    gaps = measure_gaps(qtbot, lambda: dialog.state == DialogState.DONE)
    assert on_gui_thread == [False]
    assert max(gaps) < GUI_BLOCKED_GUARD_S, f"GUI blocked {max(gaps):.2f} s while importing"
    assert library.count() == 169


# -- pasted text and added files ------------------------------------------------------------


def test_pasted_text_is_previewed_and_imported(qtbot: QtBot, library: Library) -> None:
    text = digest_text(("Remembering Old Tasks", ABSTRACT), ("Forgetting New Ones", ABSTRACT))
    expected = Importer(library).preview_text(text)
    dialog = open_dialog(qtbot, library, text=text)

    assert cell(dialog, 0, Column.FILE) == PASTED_NAME
    assert "clipboard" in str(cell(dialog, 0, Column.FILE, Qt.ItemDataRole.ToolTipRole))
    assert shown_figures(dialog, 0) == figures(expected)
    assert dialog.import_button.text().replace("&", "") == ("Import pasted digest (2 new papers)")
    ids = import_and_wait(qtbot, dialog)
    assert len(ids) == 2
    assert {library.paper(i).title for i in ids} == {"Remembering Old Tasks", "Forgetting New Ones"}


def test_pasted_text_that_is_not_a_digest_cannot_be_imported(
    qtbot: QtBot, library: Library
) -> None:
    dialog = open_dialog(qtbot, library, text="   \n")
    reason = Importer(library).preview_text("   \n").error
    assert reason
    assert cell(dialog, 0, Column.STATUS) == reason
    assert not dialog.import_button.isEnabled()
    assert dialog.heading.text() == "Nothing to import"


def test_add_files_button_previews_the_chosen_files(
    qtbot: QtBot, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = write_digests(tmp_path, 3)
    dialog = open_dialog(qtbot, library, paths[:1])
    asked: list[str] = []

    def fake_dialog(*args: object, **kwargs: object) -> tuple[list[str], str]:
        asked.append(str(args[2]) if len(args) > 2 else "")
        return [str(p) for p in paths], ""  # paths[0] again: listed once only

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_dialog)
    dialog.start_folder = tmp_path
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.state == DialogState.READY, timeout=10_000)

    assert asked == [str(tmp_path)]
    assert dialog.last_folder == tmp_path
    assert [cell(dialog, r, Column.FILE) for r in range(3)] == [p.name for p in paths]
    assert dialog.import_button.text().replace("&", "") == "Import 3 files (15 new papers)"


def test_no_files_yet(qtbot: QtBot, library: Library) -> None:
    dialog = open_dialog(qtbot, library)
    assert dialog.heading.text() == "Choose files to import"
    assert not dialog.import_button.isEnabled()
    assert dialog.add_button.isEnabled()


# -- the model and drops -----------------------------------------------------------------------


def test_model_passes_qtmodeltester(qtmodeltester: object, library: Library) -> None:
    model = ImportModel()
    report = FileReport("/tmp/a.txt", entries=3, new=2, duplicates=1, warnings=["odd line 4"])
    model.add_rows([ImportRow("a.txt", Path("/tmp/a.txt")), ImportRow(PASTED_NAME, None)])
    model.set_preview(model.row(0), report)
    model.set_preview(model.row(1), FileReport(PASTED_NAME, error="empty text"))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.data(model.index(0, Column.NEW)) == "2"
    assert model.data(model.index(0, Column.STATUS)) == "Ready; 1 warning"
    assert model.data(QModelIndex()) is None


def _mime(urls: list[str] | None = None, text: str | None = None) -> QMimeData:
    mime = QMimeData()
    if urls is not None:
        mime.setUrls([QUrl(u) for u in urls])
    if text is not None:
        mime.setText(text)
    return mime


@pytest.mark.parametrize(
    ("urls", "text", "expected"),
    [
        (["file:///home/a/digest.txt"], None, ["/home/a/digest.txt"]),
        (
            ["file:///home/a/one.txt", "file:///home/a/two%20files.txt"],
            None,
            ["/home/a/one.txt", "/home/a/two files.txt"],
        ),
        (["https://example.org/digest.txt"], None, []),
        (["http://example.org/a.txt", "file:///tmp/b.txt"], None, ["/tmp/b.txt"]),
        (["file:///tmp/b.txt", "file:///tmp/b.txt"], None, ["/tmp/b.txt"]),
        (None, "file:///tmp/looks-like-a-url.txt", []),
        (None, "Daily Papers\n\nMar 11\n", []),
        ([], None, []),
    ],
)
def test_digest_paths_from_mime(
    urls: list[str] | None, text: str | None, expected: list[str]
) -> None:
    assert digest_paths_from_mime(_mime(urls, text)) == [Path(p) for p in expected]


# -- every format --------------------------------------------------------------------------------


def test_every_format_previews_and_imports_and_bad_files_say_why(
    qtbot: QtBot, library: Library, tmp_path: Path
) -> None:
    formats = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
    unknown = tmp_path / "data.json"
    unknown.write_text('{"rows": [1, 2, 3]}', encoding="utf-8")
    paths = [
        formats / "zotero.bib",  # a malformed entry and one without a title: partly read
        formats / "arxiv_api.atom",
        formats / "billion_laughs.atom",
        formats / "hf_daily.json",
        unknown,
        formats / "zotero.ris",
    ]
    expected = chain_previews(Importer(library).preview(paths))
    dialog = open_dialog(qtbot, library, paths)
    for row, report in enumerate(expected):
        if report.ok:
            assert shown_figures(dialog, row) == figures(report)
    # Reasons, each naming the entry at fault, are in the status tooltip.
    assert str(cell(dialog, 0, Column.STATUS)).startswith("Ready; 2 warnings")
    tip = str(cell(dialog, 0, Column.STATUS, Qt.ItemDataRole.ToolTipRole))
    assert "entry 2 (line 18): skipped, not valid BibTeX" in tip
    assert "entry 3 (line 23): skipped, it has no title" in tip
    assert "declares XML entities" in str(cell(dialog, 2, Column.STATUS))
    assert "JSON of a kind readinglist does not read" in str(cell(dialog, 4, Column.STATUS))
    for row in (2, 4):
        assert cell(dialog, row, Column.FILE, Qt.ItemDataRole.CheckStateRole) == (
            Qt.CheckState.Unchecked
        )
    # The Atom feed and the BibTeX file share LoRA (by arXiv id): Known counts it.
    assert shown_figures(dialog, 1)[2] == "1"

    # Untick the daily papers; import the rest.
    model = dialog.table.model()
    assert model.setData(
        model.index(3, Column.FILE), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole
    )
    ids = import_and_wait(qtbot, dialog)
    assert digest_names(library) == {"arxiv_api.atom"}  # feeds are listings; BibTeX is not
    titles = {p.title for p in library.list_papers()}
    assert "Tuning Language Models by Proxy" not in titles
    assert "An Old-Style Identifier" in titles
    lora = next(p for p in library.list_papers() if p.arxiv_id == "2106.09685")
    assert "Computer Science - Machine Learning" in lora.tags
    assert lora.authors[0] == "Edward J. Hu"
    assert len(ids) == len(titles)
    assert cell(dialog, 3, Column.STATUS) == "Not imported"
