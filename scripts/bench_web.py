#!/usr/bin/env python
"""Load test of the web API: start `socfit serve` on 127.0.0.1 (a subprocess), run N concurrent clients
(httpx, asyncio) for a fixed time, and report requests/s, latency percentiles and errors.

    .venv/bin/python scripts/bench_web.py --clients 50 --seconds 60
    .venv/bin/python scripts/bench_web.py --clients 50 --seconds 60 --profiles distinct --workers 2
    .venv/bin/python scripts/bench_web.py --endpoint code --clients 20 --seconds 30

--profiles repeat   the five example profiles of docs/examples, in turn (people re-opening the same cases:
                    served from the advice cache after the first request of each)
--profiles distinct every request a new profile (the examples with a different salary and experience:
                    the advice is recomputed each time; the coder's own memo still helps)
--profiles new-duties every request a new profile whose duties are new too (one numbered duty added):
                    nothing the coder or the advisor computed for an earlier request can be reused
Not a test: a measurement for docs/benchmarks.md. Closed loop: each client sends its next request when
the previous one is answered, so latency includes the time spent queueing behind the other clients.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.*"))
TITLES = [("Data Scientist", "Build predictive models. Present findings to stakeholders."),
          ("Registered Nurse", "Monitor patients' conditions. Administer medications."),
          ("Sr. Software Engineer", None), ("Mechanical Engineer", "Design battery cooling systems."),
          ("Financial Analyst", None), ("Ingeniero de software", None)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_profiles() -> list[dict]:
    out = []
    for p in EXAMPLES:
        text = p.read_text(encoding="utf-8")
        out.append(json.loads(text) if p.suffix == ".json" else yaml.safe_load(text))
    return out


def requests(endpoint: str, mode: str):
    """An endless stream of (path, json body)."""
    profiles = load_profiles()
    counter = itertools.count()
    for i in counter:
        kind = endpoint if endpoint != "mix" else ("advise" if i % 4 else "code")
        if kind == "code":
            t, d = TITLES[i % len(TITLES)]
            yield "/api/code", {"title": t, "duties": d, "top": 5}
            continue
        p = dict(profiles[i % len(profiles)])
        if mode in ("distinct", "new-duties"):
            p["salary"] = 60_000 + (i * 37) % 200_000
            p["years_experience"] = (i * 7) % 30
        if mode == "new-duties":
            d = p.get("duties") or []
            d = [d] if isinstance(d, str) else list(d)
            p["duties"] = d + [f"Coordinate work package {i} with the project team."]
        yield "/api/advise", p


def percentile(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(q / 100 * (len(xs) - 1))))
    return xs[k]


async def client(base: str, stream, until: float, lat: dict, errors: list, http: httpx.AsyncClient):
    while time.perf_counter() < until:
        path, body = next(stream)
        t = time.perf_counter()
        try:
            r = await http.post(base + path, json=body)
            ok = r.status_code == 200
            if not ok:
                errors.append(f"{path} {r.status_code} {r.text[:120]}")
        except httpx.HTTPError as e:
            ok = False
            errors.append(f"{path} {type(e).__name__} {e}")
        if ok:
            lat.setdefault(path, []).append(time.perf_counter() - t)


async def load(base: str, clients: int, seconds: float, endpoint: str, mode: str) -> tuple[dict, list, float]:
    stream = requests(endpoint, mode)
    lat: dict[str, list[float]] = {}
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as http:
        t0 = time.perf_counter()
        until = t0 + seconds
        await asyncio.gather(*(client(base, stream, until, lat, errors, http) for _ in range(clients)))
        took = time.perf_counter() - t0
    return lat, errors, took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--endpoint", choices=["advise", "code", "mix"], default="advise")
    ap.add_argument("--profiles", choices=["repeat", "distinct", "new-duties"], default="repeat")
    ap.add_argument("--workers", type=int, default=int(os.environ.get("SOCFIT_WEB_WORKERS", "1")))
    ap.add_argument("--pack", help="pack file (default: $SOCFIT_PACK, else the per-user pack)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    a = ap.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    home = tempfile.mkdtemp(prefix="socfit-bench-")
    env = dict(os.environ, SOCFIT_WEB_WORKERS=str(a.workers), SOCFIT_CASES_DB=str(Path(home) / "cases.sqlite"))
    env.pop("SOCFIT_TOKEN", None)
    cmd = [sys.executable, "-m", "socfit", "serve", "--port", str(port)] + (["--pack", a.pack] if a.pack else [])
    # The server's log goes to a file: a pipe nobody reads during the run would block the server once full (64 KB).
    log = Path(home) / "server.log"
    with log.open("wb") as err:
        srv = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)

    def log_tail() -> str:
        return f"(server log {log})\n" + log.read_text(encoding="utf-8", errors="replace")[-2000:]

    try:
        t = time.perf_counter()
        while True:
            if srv.poll() is not None:
                sys.exit(f"server exited: {log_tail()}")
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - t > 600:
                sys.exit(f"server did not start within 10 minutes: {log_tail()}")
            time.sleep(0.5)
        startup = time.perf_counter() - t
        # One pass over the examples first so model loading is not measured.
        for p in load_profiles():
            httpx.post(base + "/api/advise", json=p, timeout=300)
        lat, errors, took = asyncio.run(load(base, a.clients, a.seconds, a.endpoint, a.profiles))
    finally:
        srv.terminate()
        try:
            srv.wait(15)
        except subprocess.TimeoutExpired:
            srv.kill()

    n = sum(len(v) for v in lat.values())
    every = [x for v in lat.values() for x in v]
    result = {"clients": a.clients, "seconds": round(took, 1), "endpoint": a.endpoint, "profiles": a.profiles,
              "workers": a.workers, "cpus": os.cpu_count(), "startup_s": round(startup, 1), "requests": n,
              "errors": len(errors), "rps": round(n / took, 1),
              "p50_ms": round(percentile(every, 50) * 1000, 1), "p95_ms": round(percentile(every, 95) * 1000, 1),
              "p99_ms": round(percentile(every, 99) * 1000, 1), "max_ms": round(max(every, default=0) * 1000, 1),
              "by_path": {p: {"requests": len(v), "p50_ms": round(percentile(v, 50) * 1000, 1),
                              "p95_ms": round(percentile(v, 95) * 1000, 1),
                              "mean_ms": round(statistics.fmean(v) * 1000, 1)} for p, v in lat.items()},
              "first_errors": errors[:5]}
    if a.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{a.endpoint} ({a.profiles} profiles), {a.clients} clients, {took:.0f} s, {a.workers} worker(s), "
          f"{os.cpu_count()} CPUs (server ready in {startup:.0f} s)")
    print("| requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {n:,} | {result['rps']} | {result['p50_ms']} | {result['p95_ms']} | {result['p99_ms']} | "
          f"{result['max_ms']} | {len(errors)} |")
    for p, s in result["by_path"].items():
        print(f"  {p}: {s['requests']:,} requests, p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms")
    for e in errors[:5]:
        print("  error:", e)
    if errors:
        print(log_tail())


if __name__ == "__main__":
    main()
