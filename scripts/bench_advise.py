"""Benchmark `advise`: warm in-process latency over the example profiles, each call as a new profile.

    .venv/bin/python scripts/bench_advise.py --runs 20

Prints a Markdown table for docs/benchmarks.md. "New profile": the coder's result memo, the encoders' text
memo and the advisor's occupation-card and degree-field caches are cleared before every call, as for a
profile never seen before; what is built once per pack and never depends on a profile (the tool index, the
programs linked to each code, O*NET task groups, data versions) stays warm, as in a running server. "Repeated": the same profiles again with those memos warm (what a web session re-running a
profile after answering a question sees).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from socfit.advisor import advise, load_profile
from socfit.api import get_pack
from socfit.coder import get_coder
from socfit.render.report import render

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20, help="calls per example profile")
    args = ap.parse_args()
    t0 = time.perf_counter()
    pack = get_pack()
    coder = get_coder(pack)
    profiles = {p.name: load_profile(p) for p in sorted(EXAMPLES.iterdir()) if p.suffix in (".yaml", ".json")}
    advise(next(iter(profiles.values())), pack=pack)  # first call loads the CIP vectors and caches
    load = time.perf_counter() - t0

    def forget() -> None:
        coder._memo.clear()
        for enc in (coder.minilm, coder.e5, coder.use):
            if enc is not None:
                enc._memo.clear()
        pack.cached("advise_cards", dict).clear()
        pack.cached("advise_fields", dict).clear()

    times: list[float] = []
    warm: list[float] = []
    per: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for name, prof in profiles.items():
            forget()
            t = time.perf_counter()
            advise(prof, pack=pack)
            dt = (time.perf_counter() - t) * 1000
            times.append(dt)
            per.setdefault(name, []).append(dt)
            t = time.perf_counter()
            advise(prof, pack=pack)
            warm.append((time.perf_counter() - t) * 1000)
    a = advise(profiles["ml_engineer_niw.yaml"], pack=pack).to_dict()
    rt = {}
    for fmt in ("md", "html", "pdf"):
        t = time.perf_counter()
        render(a, fmt)
        rt[fmt] = (time.perf_counter() - t) * 1000
    print(f"Date: {time.strftime('%Y-%m-%d')}  ")
    print(f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}  ")
    print(f"Command: `.venv/bin/python scripts/bench_advise.py --runs {args.runs}`\n")
    print("| measure | value |\n|---|---|")
    print(f"| pack + coder + first advise (cold process) | {load:.2f} s |")
    print(f"| `advise`, warm process, new profile, all examples (n={len(times)}) | "
          f"p50 {statistics.median(times):.0f} ms, p95 {pct(times, 0.95):.0f} ms, max {max(times):.0f} ms |")
    print(f"| `advise`, repeated profile (n={len(warm)}) | p50 {statistics.median(warm):.0f} ms, "
          f"p95 {pct(warm, 0.95):.0f} ms |")
    for name, xs in per.items():
        print(f"| `{name}`, new profile | p50 {statistics.median(xs):.0f} ms, p95 {pct(xs, 0.95):.0f} ms |")
    print(f"| render md / html / pdf (one report) | {rt['md']:.0f} / {rt['html']:.0f} / {rt['pdf']:.0f} ms |")


if __name__ == "__main__":
    main()
