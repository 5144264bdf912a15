"""Shared fixtures: the hand-built tiny book (tests/tiny_book.py) imported once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from tiny_book import write_tiny_book  # noqa: E402


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    """The tiny book written as CSV and imported with ``import_folder``; the database path."""
    from analytics.importer import import_folder

    root = tmp_path_factory.mktemp("tiny")
    write_tiny_book(root / "book")
    db_path = root / "tiny.duckdb"
    result = import_folder(root / "book", db_path)
    assert result.ok, [str(p) for p in result.problems]
    return db_path


@pytest.fixture(scope="session")
def tiny_con(tiny_db):
    """A read-only connection to the tiny book, as the dashboard opens it."""
    from analytics.db import connect_readonly

    con = connect_readonly(tiny_db)
    yield con
    con.close()


# --- A small generated book, imported once per session, for the app and browser tests. ---

SAMPLE_LOANS = 3_000
SAMPLE_SEED = 7


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    from analytics.generate import generate_book, write_book
    from analytics.importer import import_folder

    folder = tmp_path_factory.mktemp("sample_book")
    write_book(generate_book(n_loans=SAMPLE_LOANS, seed=SAMPLE_SEED), folder)
    db = folder / "sample.duckdb"
    result = import_folder(folder, db)
    assert result.ok, [str(p) for p in result.problems]
    return db


@pytest.fixture(scope="session")
def sample_book_months(sample_db) -> list[str]:
    from analytics.db import connect_readonly
    from analytics.kpis import available_months

    con = connect_readonly(sample_db)
    try:
        return [m.strftime("%Y-%m") for m in available_months(con)]
    finally:
        con.close()


@pytest.fixture
def sample_db_env(sample_db, monkeypatch):
    monkeypatch.setenv("RECOVERY_LENS_DB", str(sample_db))
    return sample_db
