"""Benchmark: import time of 10,000 synthetic rows (dry run, then the real import).

    .venv/bin/python bench/import_10k.py [--rows N] [--resource documents|holiday_overrides]
    bench/run import_10k

Runs on the benchmark database (bench/_setup.py: wego_bench, flushed and loaded with the
seed). The rows are SYNTHETIC and labelled as such ("SYNTHETIC BENCHMARK ROW …").
"""

import argparse
import datetime
import time

from _setup import setup


def synthetic_csv(resource, rows):
    from compliance.dataio.tables import write_table

    start = datetime.date(1900, 1, 1)
    if resource == "holiday_overrides":
        headers = ["date", "kind", "name_ko", "name_en", "source"]
        data = [
            [
                start + datetime.timedelta(days=i),
                "add",
                f"합성 휴일 {i}",
                f"Synthetic holiday {i}",
                "SYNTHETIC BENCHMARK ROW",
            ]
            for i in range(rows)
        ]
    else:
        headers = ["received_on", "fiscal_year", "kind", "title", "source"]
        data = [
            [
                start + datetime.timedelta(days=i // 3),
                2021 + i % 8,  # fiscal years the forms (and so imports) accept
                "other",
                f"SYNTHETIC BENCHMARK ROW {i}",
                "SYNTHETIC BENCHMARK ROW",
            ]
            for i in range(rows)
        ]
    return write_table(headers, data, "csv")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--resource", default="documents", choices=["documents", "holiday_overrides"])
    args = parser.parse_args()

    setup()
    from compliance.models import Document, HolidayOverride
    from compliance.services.imports import do_import_records

    data = synthetic_csv(args.resource, args.rows)
    t0 = time.perf_counter()
    dry = do_import_records(args.resource, data, "bench.csv", dry_run=True)
    t1 = time.perf_counter()
    real = do_import_records(args.resource, data, "bench.csv", dry_run=False)
    t2 = time.perf_counter()
    again = do_import_records(args.resource, data, "bench.csv", dry_run=True)
    t3 = time.perf_counter()
    model = Document if args.resource == "documents" else HolidayOverride
    saved = model.objects.filter(source="SYNTHETIC BENCHMARK ROW").count()
    assert dry.ok and real.applied and saved == args.rows, (dry.summary(), real.summary(), saved)
    print(f"resource={args.resource} rows={args.rows} file={len(data) / 2**20:.1f} MiB")
    print(f"dry run (validate, rolled back): {t1 - t0:.1f} s  -> {dry.summary()}")
    print(f"import (all or nothing):         {t2 - t1:.1f} s  -> {real.summary()}")
    print(f"re-import of the same file:      {t3 - t2:.1f} s  -> {again.summary()}")
    print(f"rows per second (import): {args.rows / (t2 - t1):.0f}")


if __name__ == "__main__":
    main()
