"""Import a folder of CSV or Parquet files into a DuckDB database, validated and swapped in atomically.

The new database is built in a temporary file beside the target. Nothing becomes visible until every
table has passed validation and the derived tables (marts) are built; then the file is checkpointed,
closed, flushed to disk and renamed over the target with ``os.replace``, which is atomic on POSIX
file systems. A process killed at any moment leaves either the old database or the new one.
"""

from __future__ import annotations

import csv
import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from analytics import contract
from analytics.db import quote_identifier, render
from analytics.privacy import mask_value

__all__ = ["Problem", "ImportResult", "import_folder", "MARTS", "VIEWS", "MAX_REPORTED_PROBLEMS"]

MAX_REPORTED_PROBLEMS = 20

# Built in this order at import time; each is analytics/sql/marts/<name>.sql (portable SQL).
MARTS = (
    "loan_month_facts",
    "portfolio_months",
    "transitions",
    "delinquency_entries",
    "payment_months",
    "promise_months",
    "action_months",
    "complaint_months",
    "plan_offer_months",
    "plan_acceptance_months",
)

# Views over personal data: pages, exports and the CLI read borrowers only through these.
VIEWS = ("borrowers_masked",)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located precisely enough to fix it in the file."""

    file: str
    line: int | None  # line in a CSV file (the header is line 1) or row number in a Parquet file
    column: str | None
    value: str | None  # masked where the column holds personal data
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", {'row' if self.file.endswith('.parquet') else 'line'} {self.line}"
        if self.column:
            where += f", column {self.column}"
        shown = "" if self.value is None else f": got {self.value!r}"
        return f"{where}{shown}; expected {self.expected}"


@dataclass
class ImportResult:
    ok: bool
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    row_counts: dict[str, int] = field(default_factory=dict)
    provided: tuple[str, ...] = ()
    fingerprint: str | None = None
    seconds: float = 0.0


class _Rejected(Exception):
    """Raised inside the build when the input cannot be loaded; carries the problems."""

    def __init__(self, problems: list[Problem], count: int):
        super().__init__(f"{count} problems")
        self.problems = problems
        self.count = count


def import_folder(src: str | Path, db_path: str | Path) -> ImportResult:
    """Validate every file in ``src`` against the contract and, if all is well, replace ``db_path``."""
    started = time.perf_counter()
    src, db_path = Path(src), Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(db_path)
    building = db_path.with_name(f".{db_path.name}.importing-{os.getpid()}")
    _remove(building)
    try:
        files, problems = _discover(src)
        if problems:
            raise _Rejected(problems, len(problems))
        con = duckdb.connect(str(building))
        try:
            con.execute("set threads = 2")
            counts, fingerprint = _build(con, src, files)
            con.execute("checkpoint")
        finally:
            con.close()
        _durable_replace(building, db_path)
    except _Rejected as rejected:
        _remove(building)
        return ImportResult(False, rejected.problems[:MAX_REPORTED_PROBLEMS], rejected.count,
                            seconds=time.perf_counter() - started)
    except BaseException:
        _remove(building)
        raise
    return ImportResult(True, row_counts=counts, provided=tuple(files), fingerprint=fingerprint,
                        seconds=time.perf_counter() - started)


def _discover(src: Path) -> tuple[dict[str, Path], list[Problem]]:
    if not src.is_dir():
        return {}, [Problem(str(src), None, None, None, "a folder of CSV or Parquet files, one per table")]
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for path in sorted(src.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if suffix not in (".csv", ".parquet") or stem not in contract.TABLES:
            continue
        if stem in found:
            problems.append(Problem(path.name, None, None, None,
                                    f"one file for table {stem}, but {found[stem].name} is there too"))
            continue
        found[stem] = path
    for name in contract.REQUIRED_TABLES:
        if name not in found:
            problems.append(Problem(f"{name}.csv", None, None, None,
                                    f"the required table {name} ({name}.csv or {name}.parquet)"))
    return found, problems


def _build(con: duckdb.DuckDBPyConnection, src: Path, files: dict[str, Path]) -> tuple[dict[str, int], str]:
    problems: list[Problem] = []
    count = 0
    # Loans first: the other tables' checks refer to stage_loans.
    ordered = sorted(files, key=lambda name: contract.TABLE_ORDER.index(name))
    for name in ordered:
        file_problems, file_count = _stage(con, name, files[name])
        problems += file_problems
        count += file_count
    if problems:
        raise _Rejected(problems, count)
    for name in ordered:
        found, total = _validate(con, name, files[name])
        problems += found
        count += total
    if count:
        raise _Rejected(problems, count)
    counts = {}
    for name, table in contract.TABLES.items():
        if name in files:
            columns = ", ".join(quote_identifier(c) for c in table.column_names)
            con.execute(render("load/publish_table", table=quote_identifier(name), columns=columns,
                               stage=quote_identifier(f"stage_{name}")))
            con.execute(render("load/drop_table", table=quote_identifier(f"stage_{name}")))
        else:
            definitions = ", ".join(f"{quote_identifier(c.name)} {c.sql_type}" for c in table.columns)
            con.execute(render("load/empty_table", table=quote_identifier(name), column_definitions=definitions))
        counts[name] = con.execute(render("load/row_count", table=quote_identifier(name))).fetchone()[0]
    for mart in MARTS:
        con.execute(render("load/create_mart", table=quote_identifier(mart), query=render(f"marts/{mart}")))
    for view in VIEWS:
        con.execute(render("load/create_view", view=quote_identifier(view), query=render(f"views/{view}")))
    fingerprint = _fingerprint(con)
    _record_dataset(con, src, files, counts, fingerprint)
    return counts, fingerprint


def _read_header(path: Path) -> list[str] | None:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        row = next(csv.reader(handle), None)
    return row


def _stage(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> tuple[list[Problem], int]:
    """Load one file into ``stage_<name>``, every contract column typed; report unreadable input.

    Returns the problems found (at most 20 per kind) and how many there are in all.
    """
    try:
        problems = _stage_problems(con, name, path)
    except _Rejected as unreadable:
        return unreadable.problems, unreadable.count
    return problems, len(problems)


def _stage_problems(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> list[Problem]:
    table = contract.TABLES[name]
    is_csv = path.suffix.lower() == ".csv"
    if is_csv:
        try:
            header = _read_header(path)
        except UnicodeDecodeError as error:
            return [Problem(path.name, None, None, None, f"UTF-8 text ({error.reason} at byte {error.start})")]
        if not header:
            return [Problem(path.name, 1, None, None, "a header line naming the columns")]
        raw_names = header
        raw_types = {h: "VARCHAR" for h in header}
    else:
        try:
            described = con.execute("describe select * from read_parquet($path)", {"path": str(path)}).fetchall()
        except duckdb.Error as error:
            return [Problem(path.name, None, None, None, f"a readable Parquet file ({_first_line(error)})")]
        raw_names = [row[0] for row in described]
        raw_types = {row[0]: row[1] for row in described}

    by_normalised: dict[str, str] = {}
    problems = []
    for position, raw in enumerate(raw_names, start=1):
        normalised = raw.strip().lower()
        if normalised in by_normalised:
            problems.append(Problem(path.name, 1, raw, None, f"each column once; column {position} repeats it"))
        by_normalised[normalised] = raw
    for column in table.columns:
        if column.required and column.name not in by_normalised:
            problems.append(Problem(path.name, 1, column.name, None,
                                    f"a column named {column.name} ({column.chinese}): {column.meaning}"))
    if problems:
        return problems

    select_list = ", ".join(
        _typed_column(column, by_normalised.get(column.name), raw_types) for column in table.columns
    )
    stage = quote_identifier(f"stage_{name}")
    try:
        if is_csv:
            rejects = f"rejects_{name}"
            con.execute(
                render("load/stage_csv", stage=stage, select_list=select_list),
                {"path": str(path), "columns": {h: "VARCHAR" for h in raw_names},
                 "rejects_table": rejects, "rejects_scan": f"rejects_scan_{name}"},
            )
            rejected = con.execute(render("load/csv_rejects", rejects=quote_identifier(rejects))).fetchall()
            total = con.execute(render("load/row_count", table=quote_identifier(rejects))).fetchone()[0]
            if total:
                found = [
                    Problem(path.name, line, column_name, None, _reject_expectation(error_type, len(raw_names)))
                    for line, column_name, error_type, _message in rejected
                ]
                # Only the first 20 are listed; the rest still count toward the total reported.
                raise _Rejected(found, total)
        else:
            con.execute(render("load/stage_parquet", stage=stage, select_list=select_list), {"path": str(path)})
    except duckdb.Error as error:
        return [Problem(path.name, None, None, None, f"a readable {'CSV' if is_csv else 'Parquet'} file "
                        f"({mask_value('', _first_line(error))})")]
    return []


def _reject_expectation(error_type: str, columns: int) -> str:
    if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
        return f"{columns} comma-separated values, as in the header ({error_type.lower()})"
    if error_type == "UNQUOTED VALUE":
        return "a closing double quote"
    if error_type == "INVALID ENCODING":
        return "UTF-8 text"
    return error_type.lower()


def _typed_column(column: contract.Column, raw: str | None, raw_types: dict[str, str]) -> str:
    """SELECT fragment: the typed value and, where it does not parse, the raw text in ``<name>__bad``."""
    name = quote_identifier(column.name)
    bad = quote_identifier(column.name + "__bad")
    if raw is None:
        return f"cast(null as {column.sql_type}) as {name}, cast(null as varchar) as {bad}"
    source = '"' + raw.replace('"', '""') + '"'
    if raw_types.get(raw) == "VARCHAR":
        source = f"nullif(trim({source}), '')"
    typed = f"try_cast({source} as {column.sql_type})"
    return (f"{typed} as {name}, "
            f"case when {source} is not null and {typed} is null then cast({source} as varchar) end as {bad}")


def _validate(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> tuple[list[Problem], int]:
    table = contract.TABLES[name]
    stage = quote_identifier(f"stage_{name}")
    problems: list[Problem] = []
    total = 0

    def check(template: str, reported: str | None, expected: str, params: dict | None = None, **slots: str):
        nonlocal total
        rows = con.execute(render(f"checks/{template}", table=stage, **slots), params or {}).fetchall()
        if rows:
            total += rows[0][2]
            problems.extend(Problem(path.name, line, reported, mask_value(reported or "", value), expected)
                            for line, value, _ in rows)

    for column in table.columns:
        ident = quote_identifier(column.name)
        bad = quote_identifier(column.name + "__bad")
        if column.type != "text":
            check("unparsed", column.name, f"a {_TYPE_WORDS[column.type]}", column=ident, bad=bad)
        if not column.nullable:
            check("missing", column.name, "a value (this column may not be empty)", column=ident, bad=bad)
        if column.enum:
            check("not_in_enum", column.name, "one of " + ", ".join(column.enum), {"allowed": list(column.enum)},
                  column=ident)
        if column.min is not None:
            template = "not_above_min" if column.min_exclusive else "below_min"
            words = "greater than" if column.min_exclusive else "at least"
            check(template, column.name, f"a number {words} {column.min:g}", {"bound": column.min}, column=ident)
        if column.max is not None:
            check("above_max", column.name, f"a number at most {column.max:g}", {"bound": column.max}, column=ident)
        if column.unique:
            check("duplicate_value", column.name, "a value not used on an earlier line (it must be unique)",
                  column=ident)
        if column.references_loan and name != "loans":
            check("orphan_loan", column.name, "a loan_id that appears in loans")
    if name == "loan_months":
        check("duplicate_loan_month", "month", "one row per loan per month")
        check("month_not_first_day", "month", "the first day of a month, e.g. 2024-07-01")
        check("rows_after_close", "month", "no rows after the loan's paid_off or charged_off month")
        check("month_gap", "month", "one row for every month from origination to close (a month is missing before)")
        check("first_month_not_origination", "month", "the loan's first row in its origination month")
    if name == "loans":
        check("loan_without_months", "loan_id", "at least one row for the loan in loan_months")
    return problems, total


_TYPE_WORDS = {
    "date": "date like 2024-07-31",
    "timestamp": "date and time like 2024-07-31 14:05:00",
    "double": "number",
    "integer": "whole number",
    "boolean": "true or false",
}


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A short hash of the contents of every contract table, independent of row order and file format."""
    digest = hashlib.sha256()
    for name in contract.TABLES:
        rows, hash_sum = con.execute(render("load/table_fingerprint", table=quote_identifier(name))).fetchone()
        digest.update(f"{name}:{rows}:{hash_sum};".encode())
    return digest.hexdigest()[:12]


def _record_dataset(con, src: Path, files: dict[str, Path], counts: dict[str, int], fingerprint: str) -> None:
    con.execute(
        "create table dataset_tables (table_name varchar, row_count bigint, provided boolean, source_file varchar)"
    )
    con.executemany(
        "insert into dataset_tables values ($1, $2, $3, $4)",
        [[name, counts[name], name in files, files[name].name if name in files else None] for name in contract.TABLES],
    )
    con.execute(render("load/record_dataset"), {
        "fingerprint": fingerprint,
        "loaded_at": datetime.now(timezone.utc).replace(tzinfo=None),
        "source": src.name,
    })


def _durable_replace(building: Path, target: Path) -> None:
    with open(building, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(building, target)
    # A write-ahead log beside the target would belong to the old file; the new one is checkpointed.
    _remove(target.with_name(target.name + ".wal"))
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _remove_abandoned_builds(db_path: Path) -> None:
    """Delete temporary files left by imports that were killed (their process no longer exists)."""
    for leftover in db_path.parent.glob(f".{db_path.name}.importing-*"):
        pid = leftover.name.rsplit("-", 1)[-1].split(".")[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            _remove(leftover)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
