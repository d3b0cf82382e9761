"""Library locations: directories stay paths, PostgreSQL URLs become shared locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from readinglist.cli.main import cli
from readinglist.layout import default_location, is_url
from readinglist.store.location import LocationError, parse_location

DATA = Path("/data")


@pytest.mark.parametrize(
    ("given", "url", "display"),
    [
        (
            "postgresql://alice@db.lab/papers",
            "postgresql+psycopg://alice@db.lab/papers",
            "postgresql://alice@db.lab/papers",
        ),
        (
            "postgres://alice:s3cret@127.0.0.1:5433/papers",
            "postgresql+psycopg://alice:s3cret@127.0.0.1:5433/papers",
            "postgresql://alice:***@127.0.0.1:5433/papers",
        ),
        (
            "postgresql+psycopg://bob@host/lab?sslmode=require",
            "postgresql+psycopg://bob@host/lab?sslmode=require",
            "postgresql://bob@host/lab?sslmode=require",
        ),
        (
            "  POSTGRESQL://carol@host/lab  ",
            "postgresql+psycopg://carol@host/lab",
            "postgresql://carol@host/lab",
        ),
    ],
)
def test_postgresql_urls_are_shared_locations(given: str, url: str, display: str) -> None:
    where = parse_location(given, data_dir=DATA)
    assert where.shared
    assert where.url is not None
    assert where.url.render_as_string(hide_password=False) == url
    assert where.display == display
    assert "s3cret" not in str(where.local_dir)
    assert where.local_dir.parent == DATA / "shared"


@pytest.mark.parametrize(
    "given", ["~/papers", "relative/lib", "/abs/lib", "C:\\Users\\me\\lib", "file:name"]
)
def test_anything_else_is_a_directory(given: str) -> None:
    where = parse_location(given, data_dir=DATA)
    assert not where.shared
    assert where.local_dir == Path(given).expanduser()
    assert not is_url(given)


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("mysql://alice@host/papers", "unsupported library URL"),
        ("sqlite:///tmp/x.sqlite3", "unsupported library URL"),
        ("postgresql://alice@host", "names no database"),
        ("postgresql://alice:pw@host/", "names no database"),
        ("https://example.org/lib", "unsupported library URL"),
        ("postgresql://alice@host:port/lib", "not a valid URL"),
    ],
)
def test_unusable_urls_are_refused_with_a_reason(given: str, reason: str) -> None:
    with pytest.raises(LocationError, match=reason) as err:
        parse_location(given, data_dir=DATA)
    assert "pw@" not in str(err.value)  # passwords never reach messages


def test_each_database_gets_its_own_local_directory() -> None:
    def local(url: str) -> Path:
        return parse_location(url, data_dir=DATA).local_dir

    assert local("postgresql://a@h/lab") == local("postgresql://b:pw@H/lab")  # same database
    assert local("postgresql://a@h/lab").name.startswith("h_lab_")
    assert local("postgresql://a@h/lab") != local("postgresql://a@h/other")
    assert local("postgresql://a@h/lab") != local("postgresql://a@h:5433/lab")
    assert local("postgresql://a@h/lab") != local("postgresql://a@other/lab")
    assert "/" not in local("postgresql://a@h/we%2Fird").name


def test_readinglist_home_may_be_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINGLIST_HOME", "postgresql://alice@db.lab/papers")
    assert default_location() == "postgresql://alice@db.lab/papers"
    monkeypatch.setenv("READINGLIST_HOME", "~/papers")
    assert default_location() == Path("~/papers").expanduser()


def test_the_command_line_refuses_a_bad_url_before_connecting() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--library", "mysql://alice@host/db", "summary"])
    assert result.exit_code == 2
    assert "unsupported library URL" in result.output
