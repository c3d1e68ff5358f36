"""Benchmark: import time of 10,000 synthetic rows, as the app runs it: a background
import job (`services.import_jobs.run_import_job`, called here in-process instead of by a
Celery worker) that checks the file (dry run), then one that imports it.

    .venv/bin/python bench/import_10k.py [--rows N] [--resource documents|holiday_overrides]
    bench/run import_10k

Runs on the benchmark database (bench/_setup.py: wego_bench, flushed and loaded with the
seed). The rows are SYNTHETIC and labelled as such ("SYNTHETIC BENCHMARK ROW …").
The **bare** baseline parses the same CSV with the csv module and inserts the same rows
with bulk_create, in one transaction, then rolls back: no checks, no audit trail.
"""

import argparse
import datetime
import time

from _report import figure
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
    from django.contrib.auth import get_user_model

    from compliance.models import AuditEntry, Document, HolidayOverride, ImportJob
    from compliance.services.import_jobs import do_request_import, report_from_dict, run_import_job

    user = get_user_model().objects.create(username="synthetic-benchmark-importer")
    data = synthetic_csv(args.resource, args.rows)

    def job(dry_run):
        queued = do_request_import(user, args.resource, data, "bench.csv", dry_run=dry_run)
        started = time.perf_counter()
        done = run_import_job(queued.pk, worker="bench")
        elapsed = time.perf_counter() - started
        assert done.state == ImportJob.State.DONE, (done.state, done.error)
        return report_from_dict(done.report), elapsed

    dry, dry_s = job(dry_run=True)
    real, real_s = job(dry_run=False)
    again, again_s = job(dry_run=True)
    model = Document if args.resource == "documents" else HolidayOverride
    saved = model.objects.filter(source="SYNTHETIC BENCHMARK ROW").count()
    assert dry.ok and real.applied and saved == args.rows, (dry.summary(), real.summary(), saved)
    print(f"resource={args.resource} rows={args.rows} file={len(data) / 2**20:.1f} MiB")
    print(f"dry run job (validate, rolled back): {dry_s:.1f} s  -> {dry.summary()}")
    print(f"import job (all or nothing):         {real_s:.1f} s  -> {real.summary()}")
    print(f"dry run of the same file again:      {again_s:.1f} s  -> {again.summary()}")
    print(f"rows per second (import): {args.rows / real_s:.0f}")
    audited = AuditEntry.objects.filter(model=model._meta.label_lower).count()
    bare = bare_insert(args.resource, data)
    figure(
        f"import job {args.rows:,} rows ({args.resource}), audited",
        real_s,
        bare,
        target="<10 s",
        note=f"background job; {audited:,} audit entries for {model.__name__}; dry run {dry_s:.1f} s",
    )


def bare_insert(resource, data):
    """The same rows parsed with csv and inserted with bulk_create, then rolled back."""
    import csv
    import io

    from django.db import transaction

    from compliance.models import Document, HolidayOverride, Submission

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            if resource == "holiday_overrides":
                HolidayOverride.objects.bulk_create(
                    HolidayOverride(date=r["date"], kind=r["kind"], name_ko=r["name_ko"], name_en=r["name_en"])
                    for r in rows
                )
            else:
                subs = Submission.objects.bulk_create(
                    Submission(received_on=r["received_on"], source=r["source"]) for r in rows
                )
                Document.objects.bulk_create(
                    Document(submission=sub, kind=r["kind"], fiscal_year=r["fiscal_year"], title=r["title"])
                    for sub, r in zip(subs, rows, strict=True)
                )
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        return elapsed


if __name__ == "__main__":
    main()
