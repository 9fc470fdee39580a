"""Turns bench/peers/run's measurements into its markdown table.

    table.py RESULTS META FAILED "CONNECTIONS" TARGET...

RESULTS: one line per wrk run: target, connections, req/s, p50 ms, p99 ms, errors, CPU % of one
core, peak RSS KiB. META: one line per verified target: target, label, version, idle RSS KiB.
FAILED (may be missing): target, label, reason. Targets are printed in the order given.

Each cell is the median over the runs, except errors (summed: one failed request in any run
matters) and peak RSS (the highest: a peak is a maximum). The ratios divide a target's median
req/s by nginx's and by Runnel Stateless's at the same connection count.
"""
import os
import statistics
import sys
from collections import defaultdict


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def ratio(value, reference):
    if not reference:
        return "—"
    r = value / reference
    # Small ratios keep two significant digits instead of printing as 0.00.
    return f"{r:.2f}" if r >= 0.1 else f"{r:.2g}"


def main():
    results_path, meta_path, failed_path, connections = sys.argv[1:5]
    order = sys.argv[5:]
    conns = [int(c) for c in connections.split()]

    runs = defaultdict(list)
    for t, c, rps, p50, p99, err, cpu, peak in read_tsv(results_path):
        runs[(t, int(c))].append((float(rps), float(p50), float(p99), int(err), float(cpu), int(peak)))
    meta = {t: (label, version, int(idle)) for t, label, version, idle in read_tsv(meta_path)}
    failed = {t: (label, reason) for t, label, reason in read_tsv(failed_path)}

    def median_rps(t, c):
        rows = runs.get((t, c))
        return statistics.median(r[0] for r in rows) if rows else None

    print("| target | version | connections | req/s | p50 ms | p99 ms | errors | CPU % | idle RSS MiB "
          "| peak RSS MiB | vs nginx | vs Runnel Stateless |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in order:
        if t in failed:
            label, reason = failed[t]
            print(f"| {label} | | | **{reason}** | | | | | | | | |")
            continue
        if t not in meta:
            continue
        label, version, idle = meta[t]
        for c in conns:
            rows = runs.get((t, c))
            if not rows:
                continue
            rps = statistics.median(r[0] for r in rows)
            p50 = statistics.median(r[1] for r in rows)
            p99 = statistics.median(r[2] for r in rows)
            errors = sum(r[3] for r in rows)
            cpu = statistics.median(r[4] for r in rows)
            peak = max(r[5] for r in rows)
            print(f"| {label} | {version} | {c} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {errors} | {cpu:.0f} "
                  f"| {idle / 1024:.1f} | {peak / 1024:.1f} | {ratio(rps, median_rps('nginx', c))} "
                  f"| {ratio(rps, median_rps('runnel-stateless', c))} |")


if __name__ == "__main__":
    main()
