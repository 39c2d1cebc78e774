"""Benchmark the knowledge pack: build time and size, `occupation` warm latency. Prints Markdown.

usage: .venv/bin/python scripts/bench_pack.py [--sources DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from socfit.assess.occupation import card
from socfit.config import resolve_sources
from socfit.pack import build_pack, open_pack


def machine() -> str:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    mem = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal"))) / 2**20
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sources")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    src = resolve_sources(a.sources)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "pack.sqlite"
        builds = []
        for _ in range(a.runs):
            t = time.perf_counter()
            rep = build_pack(src, out)
            builds.append(time.perf_counter() - t)
        t = time.perf_counter()
        pack = open_pack(out)
        opened = time.perf_counter() - t
        codes = ["15-1252", "151252", "15-1299.08", "29-1141", "15-1132", "17-2061", "19-1042", "11-9121"]
        card(pack, "15-1252")  # warm
        lat = []
        for _ in range(20):
            for c in codes:
                t = time.perf_counter()
                card(pack, c)
                lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        cli = []
        env = dict(os.environ, SOCFIT_PACK=str(out))
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "socfit", "occupation", "15-1252", "--json"], env=env, check=True,
                           capture_output=True)
            cli.append(time.perf_counter() - t)
    print(f"Date: {dt.date.today()}  \nMachine: {machine()}  \nCommand: `.venv/bin/python scripts/bench_pack.py --runs {a.runs}`\n")
    print("| measure | value |\n|---|---|")
    print(f"| pack build (median of {a.runs}) | {statistics.median(builds):.1f} s (min {min(builds):.1f}, max {max(builds):.1f}) |")
    print(f"| pack size | {rep.bytes / 2**20:.1f} MiB |")
    print(f"| pack open | {opened * 1000:.1f} ms |")
    print(f"| `occupation` card, warm, in-process (n={len(lat)}) | p50 {lat[len(lat) // 2]:.1f} ms, p95 {lat[int(len(lat) * .95)]:.1f} ms |")
    print(f"| `socfit occupation 15-1252 --json`, whole process | median {statistics.median(cli) * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
