"""``python -m bench NAME [ARGS]``: run ``bench/NAME_bench.py`` (its ``main(argv)``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    """Benchmark names: every ``bench/*_bench.py`` module."""
    folder = str(Path(__file__).parent)
    return sorted(
        m.name.removesuffix("_bench")
        for m in pkgutil.iter_modules([folder])
        if m.name.endswith("_bench")
    )


def main(argv: list[str]) -> int:
    names = available()
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        print("benchmarks:", ", ".join(names) or "(none)")
        return 0 if argv else 2
    name = argv[0]
    if name not in names:
        print(f"unknown benchmark {name!r}; available: {', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{name}_bench")
    result: int = module.main(argv[1:])
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
