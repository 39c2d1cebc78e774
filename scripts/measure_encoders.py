"""Measure each offline encoder: load time, throughput, latency, memory, and a rough quality proxy.

Each encoder runs in its own subprocess so load time (imports included) and memory (RSS, MB) are not
shared between them. Prints a Markdown table.

    python scripts/measure_encoders.py [--n 2000] [--encoders minilm,e5,use]

Quality proxy: O*NET's reported job titles (a seeded sample) are matched by cosine to the
1,016 O*NET-SOC occupation titles; top-1 / top-5 = how often the title's own occupation
comes first / in the first five. Crude (titles only, no descriptions), but comparable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONET = ROOT.parent / "shared" / "data" / "onet" / "onet_30_3_csv"
if not ONET.is_dir():
    ONET = Path("/work/shared/data/onet/onet_30_3_csv")


def _rss_mb() -> float:
    """Resident memory now, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _read(name: str) -> list[dict[str, str]]:
    with open(ONET / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def measure_one(name: str, n: int) -> dict[str, object]:
    """Runs in the child process: everything about one encoder."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from socfit.retrieve.encoders import get_encoder

    reported = _read("sample_of_reported_titles.csv")
    sample = random.Random(0).sample(reported, min(n, len(reported)))
    titles = [r["Reported Job Title"] for r in sample]
    occ = _read("occupation_data.csv")

    rss0 = _rss_mb()
    t0 = time.perf_counter()
    enc = get_encoder(name)
    enc.load()
    load_s = time.perf_counter() - t0
    rss_load = _rss_mb()

    enc.encode(titles[:64])  # warm-up (thread pools, allocator)
    t0 = time.perf_counter()
    vecs = enc.encode(titles, batch_size=64)
    tput = len(titles) / (time.perf_counter() - t0)
    lat = []
    for t in titles[:50]:
        t1 = time.perf_counter()
        enc.encode([t])
        lat.append(time.perf_counter() - t1)

    occ_vecs = enc.encode([o["Title"] for o in occ])
    codes = np.array([o["O*NET-SOC Code"] for o in occ])
    top5 = np.argsort(-(vecs @ occ_vecs.T), axis=1)[:, :5]
    truth = np.array([r["O*NET-SOC Code"] for r in sample])
    hits = codes[top5] == truth[:, None]
    return {
        "name": enc.name,
        "dim": enc.dim,
        "load_s": load_s,
        "titles_per_s": tput,
        "latency_ms": 1000 * float(np.median(lat)),
        "rss_mb": rss_load - rss0,
        "peak_rss_mb": _rss_mb() - rss0,
        "top1": float(hits[:, 0].mean()),
        "top5": float(hits.any(axis=1).mean()),
        "n": len(titles),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="number of job titles to encode")
    ap.add_argument("--encoders", default="minilm,e5,use")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: child process mode
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.n)))
        return

    print(f"{os.cpu_count()} CPUs; {args.n} O*NET reported titles; batch 64\n")
    print("| encoder | id | dim | load s | titles/s | 1-title ms | RSS load | RSS run | top-1 | top-5 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.encoders.split(","):
        proc = subprocess.run(
            [sys.executable, __file__, "--one", name, "--n", str(args.n)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            err = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            print(f"| {name} | unavailable: {err} | | | | | | | | |")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"| {name} | {r['name']} | {r['dim']} | {r['load_s']:.2f} | {r['titles_per_s']:.0f} "
            f"| {r['latency_ms']:.1f} | {r['rss_mb']:.0f} | {r['peak_rss_mb']:.0f} "
            f"| {r['top1']:.1%} | {r['top5']:.1%} |"
        )


if __name__ == "__main__":
    main()
