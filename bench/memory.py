"""Memory readings shared by the benchmarks: resident set size now, and the peak."""

from __future__ import annotations

import resource
import sys
from pathlib import Path


def peak_mb() -> float:
    """The peak resident set size of this process so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mb() -> float:
    """The current resident set size (Linux: /proc; elsewhere: the peak so far)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_mb()
