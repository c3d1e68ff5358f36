"""One way to print a figure: ours, the bare baseline measured in the same run, the ratio.

Every benchmark reports through `figure()`; each line is also appended as JSON to
bench/out/figures.jsonl so `bench/run` can print one table at the end (the README's
table is copied from it).
"""

import json
import os
import statistics
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
FIGURES = Path(os.environ.get("BENCH_FIGURES", OUT / "figures.jsonl"))


def median_time(fn, repeat=5, warmup=1):
    """Median wall time of `fn()` in seconds, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_medians(ours, bare, repeat=5, warmup=1):
    """Medians of `ours()` and `bare()` timed alternately, so load on the machine hits both alike."""
    for _ in range(warmup):
        ours()
        bare()
    a, b = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        ours()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def after_writes(write, ours, bare, repeat=5, warmup=1):
    """Medians of (ours first after a write, ours again, bare after a write), timed in turn.

    Each round: `write()` (a real write, committed before it returns), `ours()` timed (the
    first view after that write), `ours()` timed again (a repeat view), then another
    `write()` and `bare()` timed: both sides pay for a write just made, alike, and load on
    the machine hits them alike. Writes are not timed here.
    """
    for _ in range(warmup):
        write()
        ours()
        ours()
        write()
        bare()
    first, again, plain = [], [], []
    for _ in range(repeat):
        write()
        for times in (first, again):
            start = time.perf_counter()
            ours()
            times.append(time.perf_counter() - start)
        write()
        start = time.perf_counter()
        bare()
        plain.append(time.perf_counter() - start)
    return statistics.median(first), statistics.median(again), statistics.median(plain)


def _fmt(value, unit):
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.0f} MiB"
    if unit == "req/s":
        return f"{value:.1f} req/s"
    return f"{value:g} {unit}".strip()


def fmt_ratio(ratio):
    """A ratio with two decimals, or three significant digits when it is far below 0.1."""
    return f"{ratio:.2f}×" if ratio >= 0.095 else f"{ratio:.3g}×"


def figure(name, ours, baseline=None, unit="s", target=None, note="", baseline_label="bare"):
    """Print one figure: `name: ours (bare: baseline, ratio ×r) [target]`; record it as JSON.

    `baseline_label` names what the baseline is when it is not the bare render (for
    instance "healthchecks", another program measured in the same run).
    """
    ratio = ours / baseline if baseline else None
    line = f"  {name:<52} {_fmt(ours, unit):>11}"
    if baseline is not None:
        line += f"   {baseline_label} {_fmt(baseline, unit):>11}   ratio {fmt_ratio(ratio):>6}"
    if target:
        line += f"   target {target}"
    if note:
        line += f"   ({note})"
    print(line, flush=True)
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    with FIGURES.open("a", encoding="utf-8") as fh:
        row = {"name": name, "ours": ours, "baseline": baseline, "ratio": ratio, "unit": unit}
        row.update({"target": target, "note": note, "baseline_label": baseline_label})
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return ratio
