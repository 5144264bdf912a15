"""Import behaviour: every class of bad input is refused with file, line and column, the database is left
byte-for-byte as it was, personal data is masked, and a killed import leaves the old or the new book."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from analytics import contract
from analytics.db import connect_readonly
from analytics.importer import import_folder
from tiny_book import ID_B1, PHONE_B1, tiny_tables, write_tables, write_tiny_book

ROOT = Path(__file__).resolve().parent.parent

# Row counts of the tiny book, counted from tiny_book.py by hand.
TINY_COUNTS = {
    "loans": 7, "borrowers": 7,
    "loan_months": 9 + 10 + 4 + 10 + 9 + 8 + 6,   # L1 .. L7
    "strategy_assignments": 6, "collection_actions": 26, "promises": 7, "repayment_plans": 4,
    "payments": 3 + 7 + 2 + 9 + 4 + 2 + 5,          # L1 .. L7
    "agents": 3, "complaints": 3,
}


def run_import(folder: Path, db: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "import", str(folder), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint_of(db: Path) -> str:
    con = connect_readonly(db)
    try:
        return con.execute("select fingerprint from dataset_info").fetchone()[0]
    finally:
        con.close()


def index_of(rows: list[dict], **match) -> int:
    """Position of the one row matching ``match``; its CSV line is index + 2 (the header is line 1)."""
    found = [i for i, row in enumerate(rows) if all(row[k] == v for k, v in match.items())]
    assert len(found) == 1, match
    return found[0]


def line_of(index: int) -> int:
    return index + 2


@pytest.fixture(scope="module")
def good_db(tmp_path_factory) -> tuple[Path, str]:
    """A database holding a good import of the tiny book, and its fingerprint."""
    root = tmp_path_factory.mktemp("good")
    write_tiny_book(root / "book")
    result = import_folder(root / "book", root / "good.duckdb")
    assert result.ok
    return root / "good.duckdb", result.fingerprint


def refused(tmp_path: Path, good_db, tables: dict[str, list[dict]], edit_file=None) -> str:
    """Write ``tables`` (then ``edit_file(folder)``), import over a copy of the good database and check
    the refusal: exit status 2, database bytes unchanged, old fingerprint, no temporary files left.
    Returns stderr."""
    good_path, good_fingerprint = good_db
    folder = tmp_path / "book"
    write_tiny_book(folder, tables=tables)
    if edit_file is not None:
        edit_file(folder)
    target_dir = tmp_path / "data"
    target_dir.mkdir()
    db = target_dir / "book.duckdb"
    shutil.copyfile(good_path, db)
    before = sha256(db)
    done = run_import(folder, db)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "import refused" in done.stderr
    assert sha256(db) == before, "the database file changed"
    assert fingerprint_of(db) == good_fingerprint
    assert sorted(p.name for p in target_dir.iterdir()) == ["book.duckdb"], "temporary files left behind"
    return done.stderr


def assert_reports(stderr: str, file: str, line: int | None, column: str | None, *fragments: str) -> None:
    """One problem line names the file, the line and the column, and contains every fragment."""
    where = file + (f", line {line}" if line is not None else "") + (f", column {column}" if column else "")
    candidates = [text for text in stderr.splitlines() if text.strip().startswith(where)]
    if line is not None:
        # ", line 5" must not match ", line 57".
        candidates = [t for t in candidates if re.match(re.escape(where) + r"(\D|$)", t.strip())]
    assert candidates, f"no problem reported at {where!r}:\n{stderr}"
    assert any(all(f in text for f in fragments) for text in candidates), f"{fragments} not in:\n{stderr}"


# --------------------------------------------------------------------------------------------------
# One test per class of bad input
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("table", contract.REQUIRED_TABLES)
def test_missing_required_file(tmp_path, good_db, table):
    tables = tiny_tables()
    del tables[table]
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, f"{table}.csv", None, None, "required")


def test_missing_required_column(tmp_path, good_db):
    tables = tiny_tables()
    for row in tables["loan_months"]:
        del row["dpd"]
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", 1, "dpd")


def test_unparseable_date(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["loan_months"], loan_id="L4", month=date(2024, 10, 1))  # L4's last row
    tables["loan_months"][i]["month"] = "2024-13-01"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(i), "month", "2024-13-01", "date")


def test_unparseable_amount(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P203")
    tables["payments"][i]["amount"] = "12x"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "payments.csv", line_of(i), "amount", "12x", "number")
    assert "1 problem(s)" in stderr


def test_unparseable_timestamp_and_boolean(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["collection_actions"], action_id="A09")
    j = index_of(tables["collection_actions"], action_id="A20")
    tables["collection_actions"][i]["action_at"] = "2024-04-08 25:00:00"
    tables["collection_actions"][j]["connected"] = "maybe"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "collection_actions.csv", line_of(i), "action_at", "25:00:00")
    assert_reports(stderr, "collection_actions.csv", line_of(j), "connected", "maybe", "true or false")


def test_wrong_enum(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["loan_months"], loan_id="L2", month=date(2024, 7, 1))
    tables["loan_months"][i]["status"] = "closed"
    j = index_of(tables["payments"], payment_id="P502")
    tables["payments"][j]["kind"] = "refund"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(i), "status", "closed", "open, paid_off, charged_off")
    assert_reports(stderr, "payments.csv", line_of(j), "kind", "refund", "scheduled")


def test_negative_amount(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P601")
    tables["payments"][i]["amount"] = -350.0
    j = index_of(tables["loan_months"], loan_id="L7", month=date(2024, 8, 1))
    tables["loan_months"][j]["balance"] = -1.0
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "payments.csv", line_of(i), "amount", "-350", "greater than 0")
    assert_reports(stderr, "loan_months.csv", line_of(j), "balance", "-1", "at least 0")
    assert "2 problem(s)" in stderr


def test_duplicate_loan_id(tmp_path, good_db):
    tables = tiny_tables()
    tables["loans"].append(dict(tables["loans"][2]))  # L3 again, on the last line
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loans.csv", line_of(len(tables["loans"]) - 1), "loan_id", "L3", "unique")


def test_duplicate_payment_id(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P502")
    tables["payments"][i]["payment_id"] = "P501"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "payments.csv", line_of(i), "payment_id", "P501", "unique")
    assert "1 problem(s)" in stderr


def test_duplicate_loan_month(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["loan_months"], loan_id="L4", month=date(2024, 5, 1))
    tables["loan_months"].insert(i + 1, dict(tables["loan_months"][i]))  # the same (L4, May) once more
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(i + 1), "month", "L4 2024-05-01", "one row per loan per month")
    assert "1 problem(s)" in stderr


def test_orphan_loan_id_in_loan_months(tmp_path, good_db):
    tables = tiny_tables()
    tables["loan_months"].append({**tables["loan_months"][0], "loan_id": "L8"})
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(len(tables["loan_months"]) - 1), "loan_id", "L8", "in loans")
    assert "1 problem(s)" in stderr


def test_orphan_loan_id_in_payments(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P707")
    tables["payments"][i]["loan_id"] = "L9"
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "payments.csv", line_of(i), "loan_id", "L9", "in loans")
    assert "1 problem(s)" in stderr


def test_month_not_first_day(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["loan_months"], loan_id="L7", month=date(2024, 10, 1))  # L7's last row
    tables["loan_months"][i]["month"] = date(2024, 10, 15)
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(i), "month", "2024-10-15", "first day")


def test_row_after_charge_off(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["loan_months"], loan_id="L1", status="charged_off")
    tables["loan_months"].insert(i + 1, {**tables["loan_months"][i], "month": date(2024, 10, 1), "status": "open"})
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(i + 1), "month", "L1 2024-10-01", "after")
    assert "1 problem(s)" in stderr


def test_month_gap(tmp_path, good_db):
    tables = tiny_tables()
    del tables["loan_months"][index_of(tables["loan_months"], loan_id="L6", month=date(2024, 7, 1))]
    after_gap = index_of(tables["loan_months"], loan_id="L6", month=date(2024, 8, 1))
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "loan_months.csv", line_of(after_gap), "month", "L6 2024-08-01", "missing")
    assert "1 problem(s)" in stderr


def test_ragged_csv_line(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P301")

    def add_a_column(folder: Path) -> None:
        path = folder / "payments.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        lines[line_of(i) - 1] += ",surplus"
        path.write_text("\n".join(lines), encoding="utf-8")

    stderr = refused(tmp_path, good_db, tables, add_a_column)
    assert_reports(stderr, "payments.csv", line_of(i), None, "5 comma-separated values", "too many columns")


# --------------------------------------------------------------------------------------------------
# Messages: personal data masked, at most 20 problems listed
# --------------------------------------------------------------------------------------------------

def test_phone_and_id_number_are_masked_in_messages(tmp_path, good_db):
    tables = tiny_tables()
    # B1 (phone 13812345678): the phone lands in birth_year (a column shift); an ID number lands in
    # payments.loan_id (an orphan).
    b1 = index_of(tables["borrowers"], borrower_id="B1")
    assert tables["borrowers"][b1]["phone"] == PHONE_B1
    tables["borrowers"][b1]["birth_year"] = int(PHONE_B1)
    i = index_of(tables["payments"], payment_id="P101")
    tables["payments"][i]["loan_id"] = ID_B1
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "borrowers.csv", line_of(b1), "birth_year", "138****5678")
    assert_reports(stderr, "payments.csv", line_of(i), "loan_id", ID_B1[-4:])
    assert PHONE_B1 not in stderr
    assert ID_B1 not in stderr
    assert ID_B1[:14] not in stderr  # the birth date part of the ID number never shows


@pytest.mark.parametrize("written", ["138-1234-5678", "138 1234 5678", "+86 13812345678"])
def test_formatted_phone_is_masked_in_messages(tmp_path, good_db, written):
    """A phone written with separators, shifted into a number column, must not print its middle digits."""
    tables = tiny_tables()
    b1 = index_of(tables["borrowers"], borrower_id="B1")
    tables["borrowers"][b1]["monthly_income"] = written
    stderr = refused(tmp_path, good_db, tables)
    assert_reports(stderr, "borrowers.csv", line_of(b1), "monthly_income")
    digits_only = re.sub(r"\D", "", stderr)
    assert written not in stderr
    assert PHONE_B1 not in digits_only


def _problem_lines(stderr: str) -> list[str]:
    return [text for text in stderr.splitlines() if text.startswith("  ") and not text.strip().startswith("...")]


def test_more_than_twenty_problems_prints_twenty_then_the_rest(tmp_path, good_db):
    tables = tiny_tables()
    for row in tables["payments"][:25]:
        row["amount"] = -1.0
    stderr = refused(tmp_path, good_db, tables)
    assert "25 problem(s)" in stderr
    listed = _problem_lines(stderr)
    assert len(listed) == 20
    assert [f"line {n}," in text for n, text in zip(range(2, 22), listed)] == [True] * 20
    assert stderr.rstrip().splitlines()[-1].strip() == "... and 5 more"


def test_more_than_twenty_unreadable_lines_prints_twenty_then_the_rest(tmp_path, good_db):
    tables = tiny_tables()

    def make_25_lines_ragged(folder: Path) -> None:
        path = folder / "payments.csv"
        lines = path.read_text(encoding="utf-8").split("\n")
        for n in range(2, 27):  # lines 2..26
            lines[n - 1] += ",surplus"
        path.write_text("\n".join(lines), encoding="utf-8")

    stderr = refused(tmp_path, good_db, tables, make_25_lines_ragged)
    listed = _problem_lines(stderr)
    assert len(listed) == 20
    assert all("too many columns" in text for text in listed)
    assert "25 problem(s)" in stderr, stderr.splitlines()[0]
    assert stderr.rstrip().splitlines()[-1].strip() == "... and 5 more"


# --------------------------------------------------------------------------------------------------
# Successful imports
# --------------------------------------------------------------------------------------------------

def test_successful_import_prints_counts_time_and_fingerprint(tmp_path, good_db):
    write_tiny_book(tmp_path / "book")
    done = run_import(tmp_path / "book", tmp_path / "fresh.duckdb")
    assert done.returncode == 0, done.stderr
    for table, count in TINY_COUNTS.items():
        assert re.search(rf"^{table}\s+{count:,} rows", done.stdout, re.MULTILINE), (table, done.stdout)
    summary = re.search(r"in (\d+(\.\d+)?) s; fingerprint ([0-9a-f]{8,})", done.stdout)
    assert summary, done.stdout
    assert summary.group(3) == good_db[1] == fingerprint_of(tmp_path / "fresh.duckdb")


def test_csv_and_parquet_give_the_same_fingerprint(tmp_path):
    write_tiny_book(tmp_path / "csv", fmt="csv")
    write_tiny_book(tmp_path / "parquet", fmt="parquet")
    assert sorted(p.suffix for p in (tmp_path / "parquet").iterdir()) == [".parquet"] * len(contract.TABLES)
    from_csv = import_folder(tmp_path / "csv", tmp_path / "csv.duckdb")
    from_parquet = import_folder(tmp_path / "parquet", tmp_path / "parquet.duckdb")
    assert from_csv.ok and from_parquet.ok, [str(p) for p in from_parquet.problems]
    assert from_csv.row_counts == from_parquet.row_counts == TINY_COUNTS
    assert from_csv.fingerprint == from_parquet.fingerprint

    # ... and the fingerprint does see the data: one amount changed changes it.
    tables = tiny_tables()
    tables["payments"][0]["amount"] += 1
    write_tiny_book(tmp_path / "changed", fmt="parquet", tables=tables)
    changed = import_folder(tmp_path / "changed", tmp_path / "changed.duckdb")
    assert changed.ok and changed.fingerprint != from_csv.fingerprint


def test_parquet_problems_are_located_by_row(tmp_path, good_db):
    tables = tiny_tables()
    i = index_of(tables["payments"], payment_id="P203")
    tables["payments"][i]["amount"] = -2.0
    write_tiny_book(tmp_path / "book", fmt="parquet", tables=tables)
    db = tmp_path / "book.duckdb"
    shutil.copyfile(good_db[0], db)
    done = run_import(tmp_path / "book", db)
    assert done.returncode == 2
    assert f"payments.parquet, row {i + 1}, column amount: got '-2.0'" in done.stderr  # rows count from 1
    assert fingerprint_of(db) == good_db[1]


# --------------------------------------------------------------------------------------------------
# Killed mid-import: the old book or the new one, never anything else
# --------------------------------------------------------------------------------------------------

def _big_book(folder: Path, copies: int) -> None:
    """The tiny book ``copies`` times over with fresh ids (about 7 * copies loans), as Parquet."""
    base = tiny_tables()
    id_columns = {"loan_id", "borrower_id", "action_id", "promise_id", "plan_id", "payment_id", "complaint_id"}
    tables = {"agents": base.pop("agents")}
    for name, rows in base.items():
        out = []
        for k in range(copies):
            for row in rows:
                copy = dict(row)
                for column in id_columns & copy.keys():
                    if copy[column] is not None:
                        copy[column] = f"{copy[column]}-{k}"
                out.append(copy)
        tables[name] = out
    write_tables(tables, folder, "parquet")


def _leftovers(directory: Path, db_name: str) -> list[Path]:
    return [p for p in directory.iterdir() if p.name != db_name]


def test_killed_import_leaves_old_or_new_database(tmp_path, good_db):
    old_path, old_fingerprint = good_db
    old_hash = sha256(old_path)
    _big_book(tmp_path / "big", copies=1200)
    work = tmp_path / "data"
    work.mkdir()
    db = work / "book.duckdb"

    # A full run first: how long it takes, and the new fingerprint.
    shutil.copyfile(old_path, db)
    started = time.perf_counter()
    done = run_import(tmp_path / "big", db)
    duration = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    new_fingerprint = re.search(r"fingerprint ([0-9a-f]+)", done.stdout).group(1)
    assert new_fingerprint != old_fingerprint
    new_size = db.stat().st_size
    assert _leftovers(work, db.name) == []

    rng = random.Random(7)
    kills = 10
    delays = [duration * (k + rng.random()) / kills for k in range(kills)]  # one in each slice of the run
    seen = []
    for delay in delays:
        shutil.copyfile(old_path, db)  # the old book again; leftovers of the last kill stay
        process = subprocess.Popen([sys.executable, "-m", "analytics", "import", str(tmp_path / "big"),
                                    "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

        fingerprint = fingerprint_of(db)  # opens, and is one of the two versions
        assert fingerprint in (old_fingerprint, new_fingerprint), (delay, fingerprint)
        if fingerprint == old_fingerprint:
            assert sha256(db) == old_hash, f"old database modified by an import killed after {delay:.2f} s"
        seen.append(fingerprint)

        # Temporary files: at most the build of the one import just killed (earlier ones are cleaned by
        # the next import), and never bigger than a finished database by much.
        leftovers = _leftovers(work, db.name)
        owners = {re.sub(r"\.wal$", "", p.name) for p in leftovers}
        assert len(owners) <= 1, [p.name for p in leftovers]
        assert all(p.name.startswith(f".{db.name}.importing-") for p in leftovers), [p.name for p in leftovers]
        assert sum(p.stat().st_size for p in leftovers if p.is_file()) <= 3 * new_size

    assert old_fingerprint in seen  # early kills leave the old book

    # The next complete import cleans the leftovers and installs the new book.
    shutil.copyfile(old_path, db)
    done = run_import(tmp_path / "big", db)
    assert done.returncode == 0, done.stderr
    assert fingerprint_of(db) == new_fingerprint
    assert _leftovers(work, db.name) == []
