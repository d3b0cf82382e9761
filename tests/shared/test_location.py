"""Library locations: directories stay paths, PostgreSQL URLs become shared locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

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


# --- passwords never shown -------------------------------------------------------------------

TRICKY_PASSWORDS = ["p@ss:w/rd", "%40", "p@ss", "a:b:c", "x?y#z", "s3cr3t@@", "sp ace", "ü@ß"]


@pytest.mark.parametrize("password", TRICKY_PASSWORDS)
def test_a_password_written_encoded_is_read_whole_and_never_shown(password: str) -> None:
    from readinglist.store.location import ServerAddress

    text = ServerAddress(host="db.lab", database="papers", user="alice", password=password).url()
    where = parse_location(text, data_dir=DATA)
    assert where.url is not None
    assert where.url.password == password
    assert (where.url.host, where.url.database) == ("db.lab", "papers")
    assert where.display == "postgresql://alice:***@db.lab/papers"
    assert ServerAddress.from_url(text).password == password


# Passwords typed as they are, unencoded: accepted when the URL still reads one way only.
UNENCODED = [
    pytest.param("postgresql://alice:p@ss@db.lab/papers", "p@ss", id="at-sign"),
    pytest.param("postgresql://alice:a:b:c@db.lab/papers", "a:b:c", id="colons"),
    pytest.param("postgresql://alice:s3cr3t@@db.lab/papers", "s3cr3t@", id="trailing-at"),
    pytest.param("postgresql://alice:%40@db.lab/papers", "@", id="percent-40"),
]


@pytest.mark.parametrize(("given", "password"), UNENCODED)
def test_an_unencoded_at_sign_in_a_password_is_read_as_typed(given: str, password: str) -> None:
    where = parse_location(given, data_dir=DATA)
    assert where.url is not None
    assert where.url.password == password
    assert where.url.host == "db.lab"
    assert where.display == "postgresql://alice:***@db.lab/papers"


SHOWN = "postgresql://alice:***@db.lab/papers"
AMBIGUOUS = [
    pytest.param("postgresql://alice:p@ss:w/rd@db.lab/papers", SHOWN, id="at-colon-slash"),
    pytest.param("postgresql://alice:p@ss/word@db.lab/papers", SHOWN, id="slash-parses"),
    pytest.param("postgresql://alice:pa#ss@db.lab/papers", SHOWN, id="hash"),
    pytest.param("postgresql://alice:pa?ss@db.lab/papers", SHOWN, id="question-mark"),
    pytest.param("postgresql://alice:12?x=y@db.lab/papers", SHOWN, id="digits-then-query"),
    pytest.param("postgresql://alice:p@ss?a=b@db.lab/papers", SHOWN, id="at-then-query"),
    pytest.param(
        "postgresql://alice:secret@db.lab:port/papers",
        "postgresql://alice:***@db.lab:port/papers",
        id="bad-port",
    ),
    pytest.param(
        "postgresql://alice:se@cret@[::1/papers",
        "postgresql://alice:***@[::1/papers",
        id="bad-ipv6",
    ),
    pytest.param(
        "mysql://alice:p@ss:w/rd@db.lab/papers",
        "mysql://alice:***@db.lab/papers",
        id="other-scheme",
    ),
    pytest.param(
        "postgresql://alice:p@ss:w/rd@db.lab", "postgresql://alice:***@db.lab", id="no-database"
    ),
]


@pytest.mark.parametrize(("given", "shown"), AMBIGUOUS)
def test_a_url_that_cannot_be_read_one_way_is_refused_without_its_password(
    given: str, shown: str
) -> None:
    with pytest.raises(LocationError) as caught:
        parse_location(given, data_dir=DATA)
    # The URL as shown, then one of a few fixed explanations that name no part of it.
    url, reason = str(caught.value).split(": ", 1)
    assert url == shown
    assert reason.startswith(("not a valid URL (", "unsupported library URL (", "the URL names"))


def test_the_percent_encoding_hint_is_given() -> None:
    with pytest.raises(LocationError, match="write @ as %40, / as %2F"):
        parse_location("postgresql://alice:p@ss:w/rd@db.lab/papers", data_dir=DATA)


def test_a_password_in_the_query_is_hidden_too() -> None:
    where = parse_location(
        "postgresql://alice@db.lab/papers?sslmode=require&password=s3cret", data_dir=DATA
    )
    assert where.display == "postgresql://alice@db.lab/papers?password=***&sslmode=require"
    assert where.url is not None
    assert where.url.query["password"] == "s3cret"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://alice:p@ss:w/rd@db.lab/papers", "postgresql://alice:***@db.lab/papers"),
        ("postgresql://alice@db.lab/papers", "postgresql://alice@db.lab/papers"),
        ("postgresql://db.lab/papers?password=x@y", "postgresql://db.lab/papers?password=***"),
        ("postgresql://a:b@h/d?user=c@d", "postgresql://a:***@d"),  # hides more, never less
        ("~/papers", "~/papers"),
    ],
)
def test_redact_url_hides_passwords_in_any_text(text: str, shown: str) -> None:
    from readinglist.store.location import redact_url

    assert redact_url(text) == shown


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), min_size=4))
def test_no_password_ever_reaches_a_message_or_the_display(password: str) -> None:
    assume(password == password.strip() and "secret" not in password)
    marked = f"secret{password}secret"  # a password no URL part can hold by chance
    given = f"postgresql://alice:{marked}@db.lab/papers"
    try:
        shown = parse_location(given, data_dir=DATA).display
    except LocationError as err:
        shown = str(err)
    assert "secret" not in shown
