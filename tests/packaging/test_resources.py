"""The icons and the sample digest in resources/, and how readinglist.resources finds them."""

from __future__ import annotations

import datetime as dt
import struct
from typing import TYPE_CHECKING

import pytest

from readinglist import resources
from readinglist.digest.parser import parse_bytes

if TYPE_CHECKING:
    from pathlib import Path


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_icon_files_exist_at_every_size() -> None:
    files = resources.icon_files()
    assert files[0].name == "readinglist.svg"
    assert files[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    sizes = [_png_size(f) for f in files[1:]]
    assert sizes == [(n, n) for n in resources.ICON_SIZES]


def test_sample_digest_parses_cleanly() -> None:
    digest = parse_bytes(resources.sample_digest().read_bytes(), reference=dt.date(2025, 3, 7))
    assert 5 <= len(digest.entries) <= 8
    assert not any(e.incomplete for e in digest.entries)
    assert {e.organization for e in digest.entries} - {None}  # one entry names its organisation


@pytest.mark.parametrize("bad", ["../pyproject.toml", "/etc/passwd", "icons/../../setup.py"])
def test_paths_stay_inside_resources(bad: str) -> None:
    with pytest.raises(ValueError, match="stay inside"):
        resources.resource_path(bad)


def test_missing_resource_names_itself() -> None:
    with pytest.raises(FileNotFoundError, match=r"icons/nope\.svg"):
        resources.resource_path("icons/nope.svg")


def _fake_resources(root: Path) -> Path:
    (root / "icons").mkdir(parents=True)
    (root / "icons" / "readinglist.svg").write_text("<svg/>", encoding="utf-8")
    return root


def test_lookup_order_wheel_then_bundle_then_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "readinglist"
    package.mkdir(parents=True)
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    monkeypatch.delattr("sys._MEIPASS", raising=False)
    with pytest.raises(FileNotFoundError, match="resources not found"):
        resources.resources_root()
    checkout = _fake_resources(tmp_path / "site" / "resources")
    assert resources.resources_root() == checkout
    bundle = tmp_path / "bundle"
    _fake_resources(bundle / "resources")
    monkeypatch.setattr("sys._MEIPASS", str(bundle), raising=False)
    assert resources.resources_root() == bundle / "resources"
    wheel = _fake_resources(package / "_resources")
    assert resources.resource_path("icons/readinglist.svg") == wheel / "icons" / "readinglist.svg"
