"""The PyInstaller spec names files that exist, the GPL's text among them (no build needed).

The spec is Python that PyInstaller runs with its own names defined; here it runs with
stand-ins that record what it asks for. The bundle itself is built and checked by
tests/packaging/test_bundle.py (collected only when asked: building takes minutes).
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "readinglist.spec"


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda _name: []  # type: ignore[attr-defined]
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    seen: dict[str, Any] = {}

    def analysis(scripts: list[str], **options: Any) -> types.SimpleNamespace:
        seen.update(options, scripts=scripts)
        return types.SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])

    names = {
        "SPECPATH": str(SPEC.parent),
        "Analysis": analysis,
        "PYZ": lambda *_a, **_k: None,
        "EXE": lambda *_a, **_k: None,
        "COLLECT": lambda *_a, **_k: None,
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), names)
    return seen


def test_the_bundle_carries_the_license(analysed: dict[str, Any]) -> None:
    assert (str(ROOT / "LICENSE"), ".") in analysed["datas"]
    assert "GNU GENERAL PUBLIC LICENSE" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_every_file_the_spec_bundles_exists(analysed: dict[str, Any]) -> None:
    missing = [src for src, _dest in analysed["datas"] if not Path(src).exists()]
    assert missing == []
    assert all(Path(script).is_file() for script in analysed["scripts"])
