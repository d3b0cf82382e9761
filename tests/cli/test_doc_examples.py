"""Every ``readinglist`` example in README.md, docs/*.md and the ``--help`` epilogs runs.

The examples are found at test time, so a new one is tested without touching this file:

* in the Markdown files, every line of a code block (fenced, or indented four spaces) that
  runs ``readinglist`` (also as ``eval "$(readinglist ...)"`` or ``echo ... | readinglist``).
  Inline code is a mention, not an example: write examples in code blocks;
* in the epilogs, every such line (a leading ``bash:`` style label is dropped).

A line whose words include an all-capitals placeholder (``NAME``, ``ID[,ID...]``) is a
synopsis, not an example. Each source (one file, or one command's epilog) runs its examples
in order, like a reader following it, on its own copy of one world: a temporary home whose
default library holds the real digests (169 papers), with the files the examples name (see
``world``). A precondition an example takes for granted is arranged before it runs (the
shelf it adds to exists; the shelf it creates does not yet): see ``arrange``.

Shell syntax is read, not run by a shell: ``&&``, ``|`` (``echo``'s words are the standard
input of the readinglist after it; a consumer after it gets the output:
``jq`` must get JSON), ``>`` (the output goes to a file in the sandbox, wherever the
example sends it), ``eval "$(...)"`` (a completion script that bash accepts), ``~`` and
globs. Examples on a PostgreSQL server run on a throwaway one, with the PostgreSQL backend
(READINGLIST_TEST_BACKENDS=sqlite,postgresql); without it they are deselected.
"""

from __future__ import annotations

import glob
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from readinglist.cli.examples import commands
from readinglist.cli.main import cli
from readinglist.errors import LibraryError
from readinglist.importing import Importer
from readinglist.library import Library
from readinglist.maintenance import backup as backups
from readinglist.shelves import Shelves
from tests.conftest import REAL_DIGESTS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.postgres import PgServer

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Examples that wait for an answer on a terminal, and the answer given (none is skipped).
INTERACTIVE = {
    "backup restore": "y\n",  # asks before replacing the library
    "restore": "y\n",  # `restore latest` (a backup) asks the same
}

_FENCE = re.compile(r"^\s*(```|~~~)")
_PLACEHOLDER = re.compile(r"^[(\[|]*[A-Z][A-Z0-9_]+(\[|\]|,|\.|\)|\|)*$")
_URL = re.compile(r"postgres(?:ql)?://\S+")
_LABEL = re.compile(r"^[a-z]+:\s+(?=readinglist |eval )")


@dataclass
class Source:
    name: str
    examples: list[str] = field(default_factory=list)

    @property
    def needs_postgresql(self) -> bool:
        return any(_URL.search(line) for line in self.examples)


def _is_example(line: str) -> bool:
    text = line.strip()
    command = text == "readinglist" or text.startswith(("readinglist ", 'eval "$(readinglist '))
    fed = text.startswith("echo ") and "| readinglist " in text  # standard input from echo
    if not (command or fed):
        return False
    words = shlex.split(text, comments=True)
    return not any(_PLACEHOLDER.match(w) for w in words[1:])


def markdown_examples(path: Path) -> list[str]:
    """Example lines of the code blocks in ``path`` (fenced, or indented four spaces)."""
    found: list[str] = []
    fenced = False
    previous_blank = True
    indented = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            starts_block = line.startswith("    ") and (previous_blank or indented)
            indented = starts_block and bool(line.strip())
            previous_blank = not line.strip()
            if not indented:
                continue
        if _is_example(line):
            found.append(line.strip())
    return found


def epilog_examples() -> list[Source]:
    sources = []
    for path, command in [("", cli), *commands(cli)]:
        lines = [_LABEL.sub("", line.strip()) for line in (command.epilog or "").splitlines()]
        examples = [line for line in lines if _is_example(line)]
        if examples:
            sources.append(Source(f"readinglist {path} --help".replace("  ", " "), examples))
    return sources


def all_sources() -> list[Source]:
    found = [Source(str(p.relative_to(ROOT)), markdown_examples(p)) for p in DOCS]
    return [s for s in found if s.examples] + epilog_examples()


def _params() -> list[object]:
    return [
        pytest.param(
            source,
            id=source.name,
            marks=[pytest.mark.postgresql_only] if source.needs_postgresql else [],
        )
        for source in all_sources()
    ]


# -- the world the examples live in ------------------------------------------------------------

BACKUP_NAME = "20250314T081500Z-daily.sqlite3"  # the name docs/your-data.md restores


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the default library (the real digests) and every file the examples name."""
    root = tmp_path_factory.mktemp("world")
    home = root / "home"
    library = home / ".local" / "share" / "readinglist"
    with Library.open(library) as lib:
        Importer(lib).import_files(sorted(REAL_DIGESTS.glob("*.txt")))
        lib.add_tags([3, 5, 8, 12, 42], ["lora"])
        Shelves(lib).create("LoRA", query="tag:lora")
    shutil.copytree(library, home / "lab-library")  # `--library ~/lab-library`: another one
    made = backups.create_backup(library)
    shutil.copy2(made.path, made.path.with_name(BACKUP_NAME))
    (home / "safe").mkdir()
    shutil.copy2(made.path, home / "safe" / "library.sqlite3")
    (home / "Backups").mkdir()
    downloads = home / "Downloads"
    downloads.mkdir()
    work = root / "work"
    (work / "digests").mkdir(parents=True)
    for n, digest in enumerate(sorted(REAL_DIGESTS.glob("*.txt"))):
        shutil.copy2(digest, downloads / f"digest-{n}.txt")
        shutil.copy2(digest, work / "digests" / digest.name)
    shutil.copy2(REAL_DIGESTS / "000_43621e96afd2c307.txt", downloads / "digest-mar-11.txt")
    (work / "notes.md").write_text("Read section 3 first.\n", encoding="utf-8")
    formats = REAL_DIGESTS.parents[1] / "formats"  # what other programs write
    shutil.copy2(formats / "zotero.bib", work / "zotero.bib")
    shutil.copy2(formats / "hf_daily.json", work / "daily-papers.json")
    shutil.copy2(formats / "arxiv_api.atom", work / "arxiv-lora.atom")
    return root


@dataclass
class Sandbox:
    home: Path
    work: Path
    library: Path
    url: str | None
    outputs: int = 0

    def expand(self, word: str) -> list[str]:
        if word.startswith("~"):
            word = str(self.home) + word[1:]
        if self.url and _URL.fullmatch(word):
            return [self.url]
        if any(c in word for c in "*?[") and not word.startswith("-"):
            matches = sorted(glob.glob(word if word.startswith("/") else str(self.work / word)))
            if matches:
                return matches
        return [word]

    def redirect(self) -> Path:
        self.outputs += 1
        return self.work / f"redirected-{self.outputs}.out"


def arrange(args: list[str], library: Path) -> None:
    """Make true what the example takes for granted about the library's shelves."""
    with Library.open(library, backups=False) as lib:
        shelves = Shelves(lib)
        names = {s.name for s in shelves.list()}

        def ensure(name: str) -> None:
            if name not in names:
                shelves.create(name)
                names.add(name)

        def absent(name: str) -> None:
            if name in names:
                shelves.delete(name)
                names.discard(name)

        if args[:2] == ["shelf", "create"]:
            absent(args[2])
        elif args[:2] == ["shelf", "rename"]:
            ensure(args[2])
            absent(args[3])
        elif args[:1] == ["shelf"] and len(args) > 2 and args[1] in ("add", "remove", "move"):
            ensure(args[2])
            on_shelf = set(shelves.paper_ids(args[2]))
            wanted = [int(a) for a in args[3:] if a.isdigit()][: 1 if args[1] == "move" else None]
            missing = [p for p in wanted if p not in on_shelf and args[1] != "add"]
            if missing:
                shelves.add(args[2], missing)
        elif args[:1] == ["shelf"] and len(args) > 2 and args[1] in ("show", "delete"):
            ensure(args[2])
        elif "--shelf" in args:
            ensure(args[args.index("--shelf") + 1])


def run_readinglist(box: Sandbox, words: list[str], stdin: str | None) -> tuple[int, str, str]:
    """Run one readinglist command in this process: its status, standard output, and all."""
    args = [expanded for word in words[1:] for expanded in box.expand(word)]
    command = [a for a in args if not a.startswith("-")][:2]
    answer = stdin
    for prefix, reply in INTERACTIVE.items():
        if " ".join(command).startswith(prefix):
            answer = reply
    if "--library" not in args and "copy-library" not in args:
        arrange(args, box.library)
    result = CliRunner().invoke(cli, args, input=answer, catch_exceptions=True)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"readinglist {shlex.join(args)} raised") from result.exception
    if result.exit_code == 0 and "--json" in args:
        json.loads(result.stdout)  # an example that says --json means JSON, wherever it says it
    return result.exit_code, result.stdout, result.output


def run_line(box: Sandbox, line: str) -> None:
    """One example line: commands joined by ``&&``, each maybe piped or redirected."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars="&|>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    tokens = list(lexer)
    for part in _split(tokens, "&&"):
        stages = _split(part, "|")
        target = None
        if ">" in stages[0]:
            at = stages[0].index(">")
            stages[0], target = stages[0][:at], stages[0][at + 1 :]
        stdin = None
        if stages[0][:1] == ["echo"]:  # echo TEXT | readinglist ...: TEXT on standard input
            stdin = " ".join(stages[0][1:]) + "\n"
            stages = stages[1:]
        words = stages[0]
        if words[:1] == ["eval"]:
            _run_eval(box, words[1])
            continue
        assert words[0] == "readinglist", f"{line!r}: cannot run {words[0]!r}"
        code, out, shown = run_readinglist(box, words, stdin)
        assert code == 0, f"{line!r} exited {code}:\n{shown}"
        if target is not None:
            box.redirect().write_text(out, encoding="utf-8")
        for consumer in stages[1:]:
            if consumer[0] == "jq":
                json.loads(out)  # what jq is given must be JSON
            assert out.strip(), f"{line!r}: nothing for {consumer[0]} to read"


def _split(tokens: list[str], separator: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for token in tokens:
        if token == separator:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _run_eval(box: Sandbox, word: str) -> None:
    match = re.fullmatch(r"\$\((readinglist .*)\)", word)
    assert match, f'eval of {word!r}: only eval "$(readinglist ...)" is understood'
    words = shlex.split(match.group(1))
    code, script, shown = run_readinglist(box, words, None)
    assert code == 0, shown
    if words[1:3] == ["completion", "bash"] and shutil.which("bash"):
        check = subprocess.run(
            ["bash", "-c", 'eval "$1" && complete -p readinglist', "_", script],
            capture_output=True,
            text=True,
            check=False,
        )
        assert check.returncode == 0, check.stderr


@pytest.fixture
def sandbox(
    world: Path, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    root = tmp_path / "sandbox"
    shutil.copytree(world, root, symlinks=True)
    url = None
    if request.node.get_closest_marker("postgresql_only"):
        server: PgServer = request.getfixturevalue("pg_server")
        name = server.create_database(migrated=False)
        url = server.url(name)
    library = root / "home" / ".local" / "share" / "readinglist"
    monkeypatch.setenv("HOME", str(root / "home"))
    monkeypatch.setenv("READINGLIST_HOME", str(library))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # `readinglist` alone: the summary
    monkeypatch.chdir(root / "work")
    yield Sandbox(root / "home", root / "work", library, url)
    if url is not None:
        server.drop_database(name)


def test_examples_are_found_in_every_source() -> None:
    sources = {s.name: s for s in all_sources()}
    assert "README.md" in sources
    assert "docs/query-language.md" in sources
    assert "docs/your-data.md" in sources  # indented code blocks count
    assert "readinglist export --help" in sources
    readme = sources["README.md"].examples
    assert 'eval "$(readinglist completion bash)"' in [e.split("  #")[0].strip() for e in readme]
    assert not any("NAME" in e for s in sources.values() for e in s.examples)  # synopses


@pytest.mark.parametrize("source", _params())
def test_every_example_runs(source: Source, sandbox: Sandbox) -> None:
    for line in source.examples:
        try:
            run_line(sandbox, line)
        except (AssertionError, LibraryError) as err:
            raise AssertionError(f"{source.name}: {line}\n{err}") from err
