"""Opening databases and running the SQL files under ``analytics/sql``.

Every value reaches DuckDB as a bound ``$name`` parameter. The only text ever put into a query is
an identifier taken from an allow-list (see :func:`render`), never something a user typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import duckdb
import pyarrow as pa

__all__ = ["load_sql", "render", "quote_identifier", "connect_readonly", "run", "run_arrow", "SEGMENTS"]

_SQL_ROOT = files("analytics") / "sql"

# Breakdown dimensions a page may group by: the code a user chooses maps to a fixed column.
SEGMENTS = {"all": "'all'", "product": "product", "region": "region", "channel": "channel"}

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    """Text of ``analytics/sql/<name>.sql`` (``name`` like ``kpis/outstanding_balance``)."""
    if ".." in name or not re.fullmatch(r"[a-z0-9_/]+", name):
        raise ValueError(f"not a query name: {name!r}")
    return (_SQL_ROOT / f"{name}.sql").read_text(encoding="utf-8")


def quote_identifier(name: str) -> str:
    """Double-quote a contract identifier; refuses anything that is not a plain lower-case name."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return f'"{name}"'


def render(name: str, **slots: str) -> str:
    """The query text with ``{slot}`` markers replaced by allow-listed SQL fragments.

    Callers pass fragments they built from allow-lists (:data:`SEGMENTS`, the contract's column
    names through :func:`quote_identifier`); values are never rendered, they are bound.
    """
    text = load_sql(name)
    for slot, fragment in slots.items():
        text = text.replace("{" + slot + "}", fragment)
    if re.search(r"\{[a-z_]+\}", text):
        raise ValueError(f"unfilled slot in {name}")
    return text


def connect_readonly(path: str | Path, *, threads: int = 2, memory_limit: str = "2GB") -> duckdb.DuckDBPyConnection:
    """Open a database for the dashboard: read-only, no file or network access, settings locked."""
    con = duckdb.connect(
        str(path),
        read_only=True,
        config={"threads": threads, "memory_limit": memory_limit, "enable_external_access": False},
    )
    con.execute("set lock_configuration = true")
    return con


def run(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[tuple]:
    """Execute ``sql`` with bound parameters on a fresh cursor and return all rows."""
    cur = con.cursor()
    try:
        return cur.execute(sql, params or {}).fetchall()
    finally:
        cur.close()


def run_arrow(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pa.Table:
    """Execute ``sql`` with bound parameters on a fresh cursor and return an Arrow table."""
    cur = con.cursor()
    try:
        return cur.sql(sql, params=params or {}).to_arrow_table()
    finally:
        cur.close()
