"""Where the application's bundled files (icons, sample digest) are, however it was installed.

Three layouts, tried in this order:

- an installed wheel: the build copies the repository's ``resources/`` into the package
  as ``readinglist/_resources`` (see ``setup.py``);
- a PyInstaller bundle: ``resources/`` sits in the bundle directory (``sys._MEIPASS``);
- a source checkout or editable install: ``resources/`` beside the ``readinglist`` package.

Only path arithmetic and existence checks: nothing here reads a file or imports Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP_ID = "io.github.readinglist"
ICON_NAME = "readinglist"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    found = [_PACKAGE_DIR / "_resources"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.append(Path(bundle) / "resources")
    found.append(_PACKAGE_DIR.parent / "resources")
    return found


def resources_root() -> Path:
    """The directory holding ``icons/`` and ``sample/``; FileNotFoundError if none is found."""
    for root in _candidates():
        if (root / "icons").is_dir():
            return root
    tried = ", ".join(str(c) for c in _candidates())
    raise FileNotFoundError(f"readinglist resources not found (looked in {tried})")


def resource_path(relative: str) -> Path:
    """The absolute path of ``relative`` (e.g. ``"icons/readinglist.svg"``) inside resources/.

    Raises FileNotFoundError naming the resource when it does not exist, so a broken
    install says what is missing instead of showing a blank icon.
    """
    rel = Path(relative)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"{relative!r}: resource paths are relative and stay inside resources/")
    path = resources_root() / rel
    if not path.exists():
        raise FileNotFoundError(f"{path}: resource {relative!r} is missing from this install")
    return path


def icon_files() -> list[Path]:
    """The application icon: the SVG first, then every PNG size (for QIcon.addFile)."""
    files = [resource_path(f"icons/{ICON_NAME}.svg")]
    files += [resource_path(f"icons/hicolor/{n}x{n}/apps/{ICON_NAME}.png") for n in ICON_SIZES]
    return files


def sample_digest() -> Path:
    """A small example digest, for first-run help and demos."""
    return resource_path("sample/sample-digest.txt")
