"""``python -m bench NAME [ARGS]``: run the main(argv) of bench/NAME_bench.py or bench/NAME.py."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

_NOT_BENCHMARKS = frozenset({"generate", "__main__"})


def available() -> list[str]:
    """Benchmark names: ``bench/*_bench.py`` without the suffix, and the other modules."""
    folder = str(Path(__file__).parent)
    names = (m.name for m in pkgutil.iter_modules([folder]))
    return sorted(n.removesuffix("_bench") for n in names if n not in _NOT_BENCHMARKS)


def _module(name: str) -> str:
    folder = Path(__file__).parent
    return f"bench.{name}_bench" if (folder / f"{name}_bench.py").exists() else f"bench.{name}"


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
    module = importlib.import_module(_module(name))
    result: int = module.main(argv[1:])
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
