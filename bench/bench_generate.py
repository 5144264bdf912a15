"""Time the sample-book generator: median seconds and peak RSS over several runs.

Each run is a fresh Python process (so one run's memory cannot hide in another's), timed inside the child
around ``generate_book`` alone; peak RSS is the child's maximum resident set size as the kernel reports it.

    python bench/bench_generate.py --loans 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys, time
sys.path.insert(0, {repo!r})
from analytics.generate import generate_book
start = time.perf_counter()
tables = generate_book({loans}, seed={seed}, as_of={as_of!r})
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "rows": {{name: t.num_rows for name, t in tables.items()}}}}))
"""


def run_once(loans: int, seed: int, as_of: str) -> tuple[float, float, dict[str, int]]:
    """One generation in a child process: (seconds, peak RSS in MiB, row counts)."""
    code = CHILD.format(repo=str(REPO), loans=loans, seed=seed, as_of=as_of)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"generator run failed with exit code {child.returncode}")
    result = json.loads(output.strip().splitlines()[-1])
    peak_mib = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result["seconds"], peak_mib, result["rows"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--as-of", default="2026-10")
    args = parser.parse_args(argv)

    seconds, peaks = [], []
    rows: dict[str, int] = {}
    for run in range(1, args.repeat + 1):
        elapsed, peak, rows = run_once(args.loans, args.seed + run - 1, args.as_of)
        seconds.append(elapsed)
        peaks.append(peak)
        print(f"run {run}: {elapsed:.2f} s, peak RSS {peak:.0f} MiB", flush=True)
    print(f"loans={args.loans} runs={args.repeat}")
    print(f"median seconds: {statistics.median(seconds):.2f}")
    print(f"peak RSS: {max(peaks):.0f} MiB")
    print("rows (last run): " + ", ".join(f"{name}={count:,}" for name, count in rows.items()))


if __name__ == "__main__":
    main()
