"""Peak resident memory of this process, for the benchmarks' figures.

Reads ``VmHWM`` from ``/proc/self/status``: the high-water mark of this process's own
memory, which starts afresh at ``exec``. ``ru_maxrss`` does not: on Linux a child started
with ``subprocess`` inherits its parent's peak, so a phase run after the parent loaded a
large store would report the parent's memory as its own.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    """Peak resident set size of this process in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
