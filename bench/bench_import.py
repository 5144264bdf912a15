"""Time `import` (validation + marts + atomic swap) on a generated book; medians of several runs.

    python bench/bench_import.py --loans 20000 --runs 3
    python bench/bench_import.py --loans 1000000 --runs 1 --keep /tmp/book1m

Not a test: speed targets are measured here and reported, never asserted in the suite.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.generate import generate_book, write_book  # noqa: E402
from analytics.importer import import_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the book here (reused if it exists)")
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-book-"))
    if not (folder / "loans.parquet").exists():
        started = time.perf_counter()
        write_book(generate_book(n_loans=args.loans, seed=args.seed), folder)
        print(f"generated {args.loans:,} loans in {time.perf_counter() - started:.1f} s into {folder}")
    size = sum(p.stat().st_size for p in folder.glob("*.parquet"))
    times = []
    for run in range(args.runs):
        db = folder / "bench.duckdb"
        result = import_folder(folder, db)
        assert result.ok, [str(p) for p in result.problems]
        times.append(result.seconds)
        print(f"run {run + 1}: {result.seconds:.2f} s, fingerprint {result.fingerprint}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(result.row_counts.values())
    print(f"import of {args.loans:,} loans ({rows:,} rows, {size / 1e6:.0f} MB Parquet): "
          f"median {statistics.median(times):.2f} s over {len(times)} runs "
          f"(min {min(times):.2f}, max {max(times):.2f}); database {db.stat().st_size / 1e6:.0f} MB; "
          f"peak RSS {peak_mb:,.0f} MB; cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
