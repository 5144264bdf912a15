"""Command line: ``python -m analytics <command>``. Each page has a twin here on the same code path."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import time
from datetime import date, datetime
from pathlib import Path

from analytics import contract
from analytics.settings import database_path

__all__ = ["main", "DEFAULT_DB"]

DEFAULT_DB = database_path()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Recovery Lens analytics engine.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = commands.add_parser("generate", help="write a synthetic loan book (every contract table)",
                              description="Write a deterministic synthetic loan book, one file per table.")
    gen.add_argument("--loans", type=int, default=20_000, help="number of loans (default 20000)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    gen.add_argument("--as-of", default="2026-10", help="last observed month, YYYY-MM (default 2026-10)")
    gen.add_argument("--out", required=True, type=Path, help="folder to write into")
    gen.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="file format (default parquet)")
    gen.set_defaults(run=_generate)

    imp = commands.add_parser("import", help="validate a folder of CSV/Parquet files and load it atomically",
                              description="Validate every file against the data contract (docs/data-contract.md); "
                                          "on success build the marts and swap the database in atomically. "
                                          "Exit status 2 and an unchanged database on any problem.")
    imp.add_argument("folder", type=Path, help="folder with one file per table (loans.csv, loan_months.parquet, ...)")
    imp.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    imp.set_defaults(run=_import)

    doc = commands.add_parser("contract-doc", help="print docs/data-contract.md from the contract",
                              description="Print the data contract as Markdown (docs/data-contract.md).")
    doc.set_defaults(run=lambda args: print(contract.markdown(), end="") or 0)

    kpi = commands.add_parser("kpis", help="every KPI for one month (the Overview page's numbers)",
                              description="Print the KPI snapshot for a month; definitions in docs/metrics.md.")
    kpi.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"database file (default {DEFAULT_DB})")
    kpi.add_argument("--month", required=True, help="month, YYYY-MM")
    kpi.add_argument("--product", action="append", default=[], help="product code (repeat for several)")
    kpi.add_argument("--region", action="append", default=[], help="region code (repeat for several)")
    kpi.add_argument("--channel", action="append", default=[], help="channel code (repeat for several)")
    kpi.add_argument("--min-cell", type=int, default=None,
                     help="suppress figures resting on fewer loans than this (default 10)")
    kpi.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")
    kpi.set_defaults(run=_kpis)
    return parser


def _generate(args) -> int:
    from analytics.generate import generate_book, write_book

    started = time.perf_counter()
    tables = generate_book(n_loans=args.loans, seed=args.seed, as_of=args.as_of)
    paths = write_book(tables, args.out, fmt=args.format)
    for name, path in paths.items():
        print(f"{name:22} {tables[name].num_rows:>12,} rows  {path}")
    print(f"generated {args.loans:,} loans in {time.perf_counter() - started:.1f} s")
    return 0


def _import(args) -> int:
    from analytics.importer import import_folder

    result = import_folder(args.folder, args.db)
    if not result.ok:
        print(f"import refused: {result.problem_count} problem(s); {args.db} is unchanged", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        if result.problem_count > len(result.problems):
            print(f"  ... and {result.problem_count - len(result.problems)} more", file=sys.stderr)
        return 2
    for name in contract.TABLES:
        note = "" if name in result.provided else "  (not provided: empty)"
        print(f"{name:22} {result.row_counts[name]:>12,} rows{note}")
    print(f"imported into {args.db} in {result.seconds:.1f} s; fingerprint {result.fingerprint}")
    return 0


def _kpis(args) -> int:
    from analytics import kpis
    from analytics.db import connect_readonly

    if not args.db.exists():
        raise FileNotFoundError(f"no database at {args.db}; run `python -m analytics import` first")
    month = kpis.month_start(args.month)
    filters = kpis.Filters(tuple(args.product), tuple(args.region), tuple(args.channel))
    con = connect_readonly(args.db)
    try:
        min_cell = kpis.DEFAULT_MIN_CELL if args.min_cell is None else args.min_cell
        result = kpis.snapshot(con, month=month, filters=filters, min_cell=min_cell)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(result, indent=2, ensure_ascii=False, default=_json_default))
    else:
        print(_snapshot_csv(result), end="")
    return 0


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _snapshot_csv(result: dict) -> str:
    """Flatten the snapshot to ``name,value`` rows (nested keys joined with dots)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "value"])

    def emit(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                emit(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, (list, tuple)):
            writer.writerow([prefix, " ".join(map(str, value))])
        else:
            writer.writerow([prefix, "" if value is None else value])

    emit("", result)
    return buffer.getvalue()
