"""Print the figures of one `bench/run` (bench/out/figures.jsonl) as a Markdown table."""

import json
import sys

from _report import _fmt, fmt_ratio


def main(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    print("| figure | ours | bare baseline | ratio | target |")
    print("|---|---:|---:|---:|---|")
    for r in rows:
        bare = _fmt(r["baseline"], r["unit"]) if r["baseline"] is not None else "—"
        if r.get("baseline_label", "bare") != "bare" and r["baseline"] is not None:
            bare = f"{r['baseline_label']}: {bare}"
        ratio = fmt_ratio(r["ratio"]) if r["ratio"] is not None else "—"
        name = r["name"] + (f" ({r['note']})" if r["note"] else "")
        print(f"| {name} | {_fmt(r['ours'], r['unit'])} | {bare} | {ratio} | {r['target'] or ''} |")


if __name__ == "__main__":
    main(sys.argv[1])
