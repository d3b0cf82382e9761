"""The index repairs itself: deleted, damaged, half-written by a killed writer, locked.

After each mishap the searches must answer exactly as a freshly rebuilt index does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from readinglist.layout import INDEX_DIR
from readinglist.library import Library
from readinglist.search import index as index_module
from readinglist.search.storage import MappedStorage
from tests.search.conftest import found

ROOT = Path(__file__).resolve().parents[2]
PROBES = [
    "catastrophic forgetting",
    "diffusion",
    "tag:killed",
    "tag:kept",
    "lora OR gans",
    "year:2024",
    "is:unread",
    "network*",
]


def answers(lib: Library) -> dict[str, list[int]]:
    return {q: sorted(found(lib.search(q, limit=None))) for q in PROBES}


def fresh_answers(lib: Library) -> dict[str, list[int]]:
    lib.reindex()
    return answers(lib)


def test_a_deleted_index_is_rebuilt_on_open(library_dir: Path, ids: dict[str, int]) -> None:
    with Library.open(library_dir) as lib:
        lib.add_tags([ids["lora"]], ["kept"])
        before = answers(lib)
    shutil.rmtree(library_dir / INDEX_DIR)
    with Library.open(library_dir) as lib:
        assert answers(lib) == before == fresh_answers(lib)
        assert found(lib.search("tag:kept")) == [ids["lora"]]


def test_deleting_the_index_under_an_open_library_just_works(
    library: Library, ids: dict[str, int]
) -> None:
    library.add_tags([ids["lora"]], ["kept"])
    before = answers(library)
    shutil.rmtree(library.location / INDEX_DIR)
    assert answers(library) == before
    library.add_tags([ids["tuning"]], ["kept"])  # edits work again too
    assert set(found(library.search("tag:kept"))) == {ids["lora"], ids["tuning"]}
    assert answers(library) == fresh_answers(library)


_KILLER = """
import os, signal, sys
sys.path.insert(0, {root!r})
import {module} as target
from readinglist.library import Library

lib = Library.open({path!r}, backups=False)
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(target.{owner}, {name!r}, die)
lib.add_tags([{paper}], ["killed"])
"""


@pytest.mark.parametrize(
    ("module", "owner", "name"),
    [
        ("whoosh.writing", "SegmentWriter", "_flush_segment"),  # writing the new segment
        ("whoosh.writing", "SegmentWriter", "_commit_toc"),  # segment written, not listed
        ("whoosh.filedb.filestore", "FileStorage", "rename_file"),  # new TOC not in place
    ],
)
def test_a_writer_killed_mid_commit(
    library: Library,
    ids: dict[str, int],
    module: str,
    owner: str,
    name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process dies (SIGKILL) inside the index commit, after its database commit."""
    library.add_tags([ids["lora"]], ["kept"])
    library.close()
    script = _KILLER.format(
        root=str(ROOT),
        module=module,
        owner=owner,
        name=name,
        path=str(library.location),
        paper=ids["diffusion"],
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    # Not one moment's wait for the index lock: a lock still held would defer the change.
    monkeypatch.setattr(index_module, "WRITER_TIMEOUT_S", 0.0)
    with Library.open(library.location) as lib:
        # The database has the tag; the journal replays it into the index on open.
        assert found(lib.search("tag:killed")) == [ids["diffusion"]]
        assert found(lib.search("tag:kept")) == [ids["lora"]]
        lib.add_tags([ids["tuning"]], ["killed"])  # the dead writer's lock is gone
        assert sorted(found(lib.search("tag:killed"))) == sorted([ids["diffusion"], ids["tuning"]])
        assert answers(lib) == fresh_answers(lib)


def test_a_stale_lock_file_does_not_block(
    library: Library, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    (library.location / INDEX_DIR / "MAIN_WRITELOCK").write_text("12345")
    # Not one moment's wait: a lock file taken for a held lock would defer the change.
    monkeypatch.setattr(index_module, "WRITER_TIMEOUT_S", 0.0)
    library.add_tags([ids["lora"]], ["kept"])
    assert found(library.search("tag:kept")) == [ids["lora"]]


def test_a_lock_held_too_long_defers_the_change_to_the_next_sync(
    library: Library, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "WRITER_TIMEOUT_S", 0.2)
    holder = MappedStorage(str(library.location / INDEX_DIR)).open_index().writer()
    try:
        library.add_tags([ids["lora"]], ["kept"])  # no error: the database has it
        assert library.paper(ids["lora"]).tags == ("kept",)
        assert found(library.search("tag:kept")) == []
    finally:
        holder.cancel()
    library.sync_index()
    assert found(library.search("tag:kept")) == [ids["lora"]]


def test_a_damaged_index_is_rebuilt(library_dir: Path, ids: dict[str, int]) -> None:
    with Library.open(library_dir) as lib:
        lib.add_tags([ids["lora"]], ["kept"])
        before = answers(lib)
    for path in (library_dir / INDEX_DIR).iterdir():
        if path.is_file() and path.stat().st_size:
            path.write_bytes(os.urandom(path.stat().st_size))
    with Library.open(library_dir) as lib:
        assert answers(lib) == before == fresh_answers(lib)


def test_a_toc_of_garbage_is_rebuilt(library_dir: Path, ids: dict[str, int]) -> None:
    with Library.open(library_dir) as lib:
        before = answers(lib)
    for toc in (library_dir / INDEX_DIR).glob("*.toc"):
        toc.write_bytes(b"not a table of contents")
    with Library.open(library_dir) as lib:
        assert answers(lib) == before


def test_an_index_of_another_schema_version_is_rebuilt(
    library_dir: Path, ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Library.open(library_dir) as lib:
        before = answers(lib)
        state = lib.index.state()
        assert state is not None
    monkeypatch.setattr(index_module, "SCHEMA_VERSION", index_module.SCHEMA_VERSION + 1)
    with Library.open(library_dir) as lib:
        assert lib.index.state() is not None
        assert answers(lib) == before


def test_another_process_rebuilding_under_an_open_searcher(
    library: Library, ids: dict[str, int]
) -> None:
    before = answers(library)
    with Library.open(library.location) as other:  # e.g. `readinglist reindex` meanwhile
        other.reindex()
        other.add_tags([ids["lora"]], ["kept"])
    assert found(library.search("tag:kept")) == [ids["lora"]]
    after = answers(library)
    assert {k: v for k, v in after.items() if k != "tag:kept"} == {
        k: v for k, v in before.items() if k != "tag:kept"
    }
    assert after == fresh_answers(library)


def _killed_rebuild_script(path: Path) -> str:
    return textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        from readinglist.library import Library
        from whoosh.writing import SegmentWriter
        lib = Library.open({str(path)!r}, backups=False)
        SegmentWriter.commit = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        lib.reindex()
        """
    )


def test_a_rebuild_killed_halfway_leaves_the_old_index(
    library: Library, ids: dict[str, int]
) -> None:
    before = answers(library)
    library.close()
    proc = subprocess.run(
        [sys.executable, "-c", _killed_rebuild_script(library.location)],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr.decode()
    leftovers = list(library.location.glob(INDEX_DIR + ".rebuild-*"))
    assert leftovers  # the half-written copy; the live index was never touched
    with Library.open(library.location) as lib:
        assert answers(lib) == before
