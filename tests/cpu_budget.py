"""Run a script in a child process that the kernel stops after a number of CPU seconds.

Work is counted, not timed: a shared machine makes wall-clock budgets flaky, while a
quadratic pattern on a megabyte needs minutes of CPU whatever else runs.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_within_cpu_seconds(script: str, seconds: int) -> subprocess.CompletedProcess[str]:
    """The finished child; its stdout is empty when `RLIMIT_CPU` killed it."""
    limited = f"import resource\nresource.setrlimit(resource.RLIMIT_CPU, ({seconds}, {seconds}))\n"
    return subprocess.run(
        [sys.executable, "-c", limited + script], capture_output=True, text=True,
        timeout=seconds * 12, cwd=ROOT,
    )  # fmt: skip
