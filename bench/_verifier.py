"""Timing the offline verifier as a reader runs it: its own process, no database settings."""

import os
import statistics
import subprocess
import time


def timed(args, cwd, repeat):
    """Median wall time of `args` over `repeat` runs in `cwd`, with no DATABASE*, DJANGO*
    or WEGO_* variables (the verifier needs none); its last output. A failed verification
    stops the benchmark."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DJANGO", "WEGO_"))}
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)
        runs.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"verification failed:\n{result.stdout}{result.stderr}")
    return statistics.median(runs), result.stdout
