"""The desktop entry and AppStream metadata: valid for freedesktop tools, true to the app."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from readinglist import __version__
from readinglist.resources import APP_ID, ICON_NAME, resource_path

LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(
            f"{name} is not installed (Debian: apt-get install desktop-file-utils appstream)"
        )
    return path


def test_desktop_file_validates() -> None:
    run = subprocess.run(
        [_tool("desktop-file-validate"), str(DESKTOP)], capture_output=True, text=True, check=False
    )
    # The validator prints hints on success; errors and warnings fail.
    problems = [line for line in run.stdout.splitlines() if "error:" in line or "warning:" in line]
    assert run.returncode == 0, run.stdout + run.stderr
    assert not problems, run.stdout


def test_metainfo_validates() -> None:
    run = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--explain", str(METAINFO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_opens_digests_with_the_app() -> None:
    entry = _entry()
    assert entry["Exec"] == "readinglist gui %F"  # `readinglist gui FILE...` imports them
    assert "text/plain" in entry["MimeType"].split(";")
    assert entry["Icon"] == ICON_NAME
    resource_path(f"icons/{ICON_NAME}.svg")  # the icon the entry names is shipped


def test_metainfo_matches_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == DESKTOP.name  # type: ignore[union-attr]
    assert root.findtext("project_license") == "GPL-3.0-or-later"
    newest = root.find("releases/release")
    assert newest is not None
    assert newest.get("version") == __version__, "add a <release> for the new version"
