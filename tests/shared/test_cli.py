"""The command line on a shared library: the same commands, a URL instead of a directory."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from readinglist.cli.main import cli
from tests.conftest import ABSTRACT, digest_text


def test_commands_work_on_a_url_from_the_option_or_the_environment(
    pg_url: str, tmp_path: Path
) -> None:
    digest = tmp_path / "d.txt"
    digest.write_text(digest_text(("Sparse Adapters", ABSTRACT)), encoding="utf-8")
    runner = CliRunner()
    imported = runner.invoke(cli, ["--library", pg_url, "import", str(digest), "--json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.output)["new"] == 1

    summary = runner.invoke(cli, ["summary", "--json"], env={"READINGLIST_HOME": pg_url})
    assert summary.exit_code == 0, summary.output
    data = json.loads(summary.output)
    assert data["papers"] == 1
    assert data["location"].startswith("postgresql://readinglist:***@127.0.0.1:")
    assert "lab-secret" not in summary.output

    listed = runner.invoke(cli, ["--library", pg_url, "list", "-q", "adapters", "--json"])
    assert [p["title"] for p in json.loads(listed.output)] == ["Sparse Adapters"]


def test_file_level_maintenance_is_refused_with_a_pointer(pg_url: str) -> None:
    result = CliRunner().invoke(cli, ["--library", pg_url, "backup", "list"])
    assert result.exit_code == 1
    assert "a shared library has no library directory" in result.output
    assert "docs/shared-library.md" in result.output
    assert "lab-secret" not in result.output


def test_an_unreachable_server_is_a_clear_error() -> None:
    result = CliRunner().invoke(
        cli, ["--library", "postgresql://nobody@127.0.0.1:1/papers", "summary"]
    )
    assert result.exit_code == 1
    assert "postgresql://nobody@127.0.0.1:1/papers: cannot open the shared library" in (
        result.output
    )
