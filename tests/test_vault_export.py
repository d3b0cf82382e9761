"""The notes vault through the real command line: one file per paper, front matter a YAML
library reads, the user's text kept on re-export, stale files listed, foreign files refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import yaml
from click.testing import CliRunner, Result

from readinglist.cli.main import cli
from readinglist.core import Scope
from readinglist.errors import LibraryError
from readinglist.export import ExportCancelled, Exporter
from readinglist.exporters.common import citation_keys
from readinglist.exporters.vault import MARKER
from readinglist.importing import Importer
from tests.conftest import FIXTURES
from tests.exporters.sample import Sample, open_sample

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from readinglist.library import Library


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[tuple[Library, Sample, Path]]:
    lib, sample = open_sample(tmp_path / "library")
    report = Importer(lib).import_files([FIXTURES / "formats" / "hf_daily.json"]).files[0]
    assert report.ok
    yield lib, sample, tmp_path / "library"
    lib.close()


def run(location: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--library", str(location), *args])


def front(text: str) -> dict[str, Any]:
    assert text.startswith("---\n")
    head, _, _ = text[4:].partition("\n---\n")
    doc = yaml.safe_load(head)
    assert isinstance(doc, dict)
    return doc


def test_vault_export_parses_and_a_re_export_keeps_the_users_text(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    lib, _, location = sample
    vault = tmp_path / "Papers"
    done = run(location, "export", "--all", "-f", "vault", "-o", str(vault))
    assert done.exit_code == 0, done.output
    records = lib.list_papers(Scope.library())
    keys = citation_keys(records)
    assert sorted(p.name for p in vault.iterdir()) == sorted(f"{k}.md" for k in keys.values())
    assert f"{len(records)} new, 0 updated, 0 unchanged" in done.output
    for r in records:
        text = (vault / f"{keys[r.id]}.md").read_text("utf-8")
        meta = front(text)
        assert meta["citekey"] == keys[r.id]
        assert (meta["title"], meta["tags"], meta["status"]) == (
            r.title,
            list(r.tags),
            r.read_status.value,
        )
        assert (meta["authors"], meta["arxiv_id"]) == (list(r.authors), r.arxiv_id)
        assert meta["digests"] == list(dict.fromkeys(s.file_name for s in r.digests))
        assert text.rstrip("\n").endswith(MARKER)
    proxy = next(r for r in records if r.arxiv_id == "2403.01234")
    assert front((vault / f"{keys[proxy.id]}.md").read_text("utf-8"))["authors"] == [
        "Alisa Liu",
        "Noah A. Smith",
    ]

    # The user writes below the marker; the paper changes; a second export keeps both.
    target = vault / f"{keys[proxy.id]}.md"
    mine = "\n## My thoughts\n\nCompare with [[other-paper]].\n---\nnot: front matter\n"
    target.write_text(target.read_text("utf-8") + mine, encoding="utf-8")
    lib.add_tags([proxy.id], ["proxy"])
    again = run(location, "export", "--all", "-f", "vault", "-o", str(vault))
    assert again.exit_code == 0, again.output
    assert f"0 new, 1 updated, {len(records) - 1} unchanged" in again.output
    text = target.read_text("utf-8")
    assert text.endswith(MARKER + "\n" + mine)
    assert front(text)["tags"] == ["proxy"]


def test_stale_files_are_listed_not_deleted_and_foreign_files_need_force(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    _lib, sample_, location = sample
    vault = tmp_path / "Papers"
    assert run(location, "export", "--all", "-f", "vault", "-o", str(vault)).exit_code == 0
    before = {p.name: p.read_bytes() for p in vault.iterdir()}
    shelf = run(location, "export", "--shelf", sample_.shelf, "-f", "vault", "-o", str(vault))
    assert shelf.exit_code == 0, shelf.output
    assert "of papers no longer exported were kept" in shelf.output
    assert set(before) == {p.name for p in vault.iterdir()}  # nothing deleted

    (vault / "My own page.md").write_text("# mine\n", encoding="utf-8")
    (vault / "figure.png").write_bytes(b"\x89PNG")
    (vault / ".obsidian").mkdir()  # an editor's settings folder is not looked at
    refused = run(location, "export", "--all", "-f", "vault", "-o", str(vault))
    assert refused.exit_code != 0
    assert "2 Markdown file(s) readinglist did not write" in refused.output
    assert "figure.png" in refused.output
    assert "My own page.md" in refused.output
    forced = run(location, "export", "--all", "-f", "vault", "-o", str(vault), "--force")
    assert forced.exit_code == 0, forced.output
    assert (vault / "My own page.md").read_text("utf-8") == "# mine\n"
    assert (vault / "figure.png").read_bytes() == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-f", "vault"], "give it with -o FOLDER"),
        (["-f", "md", "--force", "-o", "x.md"], "--force is for --format vault only"),
    ],
)
def test_vault_usage_errors(
    sample: tuple[Library, Sample, Path], args: list[str], message: str
) -> None:
    _, _, location = sample
    result = run(location, "export", "--all", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_folder_given_for_a_file_format_and_a_file_given_for_the_vault(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    _, _, location = sample
    folder = tmp_path / "out"
    folder.mkdir()
    assert "give --format vault" in run(location, "export", "--all", "-o", str(folder)).output
    afile = tmp_path / "notes.md"
    afile.write_text("x", encoding="utf-8")
    result = run(location, "export", "--all", "-f", "vault", "-o", str(afile))
    assert result.exit_code == 1
    assert "is a file; a vault is written into a folder" in result.output


def test_a_cancelled_vault_export_leaves_whole_files(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    lib, _, _ = sample
    vault = tmp_path / "Papers"
    calls = iter(range(1000))

    def cancelled() -> bool:
        return next(calls) >= 3  # after the papers are loaded, during the writing

    with pytest.raises(ExportCancelled):
        Exporter(lib).export_vault(Scope.library(), vault, cancelled=cancelled)
    for path in vault.iterdir():
        assert path.read_text("utf-8").rstrip("\n").endswith(MARKER)
    assert not [p for p in vault.iterdir() if p.name.endswith(".part")]


def test_the_user_text_of_a_file_not_in_utf8_comes_back_byte_for_byte(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    lib, _, _ = sample
    vault = tmp_path / "Papers"
    Exporter(lib).export_vault(Scope.library(), vault)
    path = sorted(vault.iterdir())[0]
    data = path.read_bytes() + "Café in Latin-1\n".encode("latin-1")
    path.write_bytes(data)
    result = Exporter(lib).export_vault(Scope.library(), vault)
    assert result.vault is not None
    assert result.vault.updated == ()
    assert path.read_bytes() == data


def test_a_new_folder_is_made_and_a_file_in_the_way_is_refused(
    sample: tuple[Library, Sample, Path], tmp_path: Path
) -> None:
    lib, _, _ = sample
    result = Exporter(lib).export_vault(Scope.library(), tmp_path / "new" / "vault")
    assert result.vault is not None
    assert len(list((tmp_path / "new" / "vault").glob("*.md"))) == result.papers
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(LibraryError, match="cannot make the folder"):
        Exporter(lib).export_vault(Scope.library(), tmp_path / "file" / "vault")


def test_the_vault_is_never_written_into_the_library_folder(
    sample: tuple[Library, Sample, Path],
) -> None:
    lib, _, location = sample
    with pytest.raises(LibraryError, match="inside the library's own folder"):
        Exporter(lib).export_vault(Scope.library(), location / "notes")
