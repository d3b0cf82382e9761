"""The wheel (``python -m build``) carries resources/ and installs the desktop entry data."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from readinglist import __version__
from readinglist.resources import ICON_SIZES

ROOT = Path(__file__).resolve().parents[2]
# Only what a clean clone has: no virtualenv, caches or earlier builds.
IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("build") is None:
        pytest.skip("the `build` package is not installed (it is in the dev extra)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    run = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp / "dist"), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (found,) = (tmp / "dist").glob("readinglist-*.whl")
    return found


def test_wheel_contains_resources_and_desktop_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    data = f"readinglist-{__version__}.data/data/share"
    expected = {
        "readinglist/_resources/icons/readinglist.svg",
        "readinglist/_resources/sample/sample-digest.txt",
        "readinglist/store/migrations/env.py",
        f"{data}/applications/io.github.readinglist.desktop",
        f"{data}/metainfo/io.github.readinglist.metainfo.xml",
        f"{data}/icons/hicolor/scalable/apps/readinglist.svg",
    }
    for n in ICON_SIZES:
        expected.add(f"readinglist/_resources/icons/hicolor/{n}x{n}/apps/readinglist.png")
        expected.add(f"{data}/icons/hicolor/{n}x{n}/apps/readinglist.png")
    assert expected <= names, sorted(expected - names)
    assert not any(n.startswith(("tests/", "packaging/", "resources/")) for n in names)


def test_wheel_carries_the_full_license_text(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as whl:
        (license_name,) = [n for n in whl.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        text = whl.read(license_name).decode()
        metadata = whl.read(license_name.split("/licenses/")[0] + "/METADATA").decode()
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU GENERAL PUBLIC LICENSE" in text
    assert "License-Expression: GPL-3.0-or-later" in metadata
    assert "License-File: LICENSE" in metadata


def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)  # what pip puts in site-packages
    code = (
        "from readinglist.resources import icon_files, sample_digest;"
        "print(icon_files()[0]); print(sample_digest())"
    )
    run = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r}); {code}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    svg, sample = run.stdout.splitlines()
    assert Path(svg) == target / "readinglist" / "_resources" / "icons" / "readinglist.svg"
    assert Path(sample).is_file()
