"""Benchmark: a submission and a forwarding through the services, as the history grows.

At about 100, 1,000 and 10,000 obligations (BENCH_SIZES; the same SYNTHETIC documents as
bench/pages.py, "[synthetic benchmark data]"), the writing process of bench/_writer.py
receives a submission (`do_receive_submission`: one plan draft with a small PDF, its
receipt number, its e-mails recorded, the register's rows of its lineage and fiscal year
refreshed in the same transaction) and forwards that document (`do_forward_to_council`),
in turn; each call is timed in that process. The figure at each size is compared with
the same write at the smallest size (the target: within 1.2× at 10,000).

    bench/run write                       BENCH_SIZES=100,10000 bench/run write
"""

import os
import statistics
import sys

from _report import figure
from _setup import setup

ROUNDS = int(os.environ.get("BENCH_WRITE_ROUNDS", "9"))


def main():
    setup()
    from _writer import Writer
    from pages import LABEL, SIZES, add_documents, obligation_count

    base, added = obligation_count(), 0
    print(f"real seed: {base} obligations; adding synthetic documents ({LABEL}); {ROUNDS} writes of each kind a size")
    first = {}
    writer = Writer()
    try:
        for size in SIZES:
            if size > base + added:
                add_documents(size - base - added, added)
                added = size - base
            n = obligation_count()
            writer.ask("submission")  # warm-up: the writing process's first call of each
            writer.ask("forwarding")
            times = {"submission": [], "forwarding": []}
            queries = {}
            for _ in range(ROUNDS):
                for kind in times:
                    answer = writer.ask(kind)
                    times[kind].append(answer["seconds"])
                    queries[kind] = answer["queries"]
            for kind, values in times.items():
                median = statistics.median(values)
                note = f"median of {ROUNDS}, {queries[kind]} queries"
                name = f"write: a {kind} through the service @ {n:,} obligations"
                if kind not in first:
                    first[kind] = (n, median)
                    figure(name, median, note=note)
                else:
                    figure(
                        name,
                        median,
                        first[kind][1],
                        target="≤1.2× the same write @ ~100" if n >= 5000 else "",
                        baseline_label=f"@ {first[kind][0]:,}",
                        note=note,
                    )
    finally:
        writer.close()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
