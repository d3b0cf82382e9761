"""Build hook: ship the repository's top-level ``resources/`` inside the wheel's package.

All metadata lives in pyproject.toml. ``resources/`` stays at the top of the repository
(PyInstaller and distribution packagers take it from there); a wheel carries a copy as
``readinglist/_resources``, where ``readinglist.resources`` looks first. Editable installs
skip the copy: they find ``resources/`` beside the package.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = ROOT / "resources"


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` to ``readinglist/_resources``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        if not RESOURCES.is_dir():
            raise SystemExit(f"{RESOURCES}: missing; the wheel would have no icons")
        target = Path(self.build_lib) / "readinglist" / "_resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(RESOURCES, target, ignore=shutil.ignore_patterns("*~", ".*"))


setup(cmdclass={"build_py": BuildWithResources})
