"""Cached access to the engine. The only place in the app that caches anything.

The connection is cached per database file version (path, inode, modification time): an import
swaps in a new file, the next run sees a new version, and every cached result keyed on the old
version simply stops being asked for.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from analytics import kpis
from analytics.db import connect_readonly
from analytics.settings import database_path

__all__ = ["database_version", "info", "months", "segment_codes", "kpi_frame", "kpi_frames", "DataVersion"]

log = logging.getLogger("recovery_lens")

DataVersion = tuple[str, int, int]


def database_version() -> DataVersion | None:
    """(path, inode, mtime) of the configured database, or None when there is no file."""
    path = Path(database_path())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (str(path), stat.st_ino, stat.st_mtime_ns)


@st.cache_resource(max_entries=2, on_release=lambda con: con.close(), show_spinner=False)
def _connection(path: str, inode: int, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    log.info("opening database %s (inode %s)", path, inode)
    return connect_readonly(path)


def connection(version: DataVersion) -> duckdb.DuckDBPyConnection:
    return _connection(*version)


@st.cache_data(max_entries=8, show_spinner=False)
def info(version: DataVersion) -> dict:
    return kpis.dataset_info(connection(version))


@st.cache_data(max_entries=8, show_spinner=False)
def months(version: DataVersion) -> list[str]:
    return [m.strftime("%Y-%m") for m in kpis.available_months(connection(version))]


@st.cache_data(max_entries=8, show_spinner=False)
def segment_codes(version: DataVersion) -> dict[str, list[str]]:
    return kpis.segment_values(connection(version))


@st.cache_data(max_entries=8, show_spinner=False)
def missing_tables(version: DataVersion) -> dict[str, tuple[str, ...]]:
    return kpis.missing_tables(connection(version))


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def kpi_frame(version: DataVersion, name: str, month_from: date, month_to: date, products: tuple[str, ...],
              regions: tuple[str, ...], channels: tuple[str, ...], segment: str = "all",
              min_cell: int = kpis.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """One KPI as a DataFrame: month, segment, value, numerator, denominator, accounts, suppressed."""
    filters = kpis.Filters(products, regions, channels)
    table = kpis.kpi_series(connection(version), name, month_from=month_from, month_to=month_to,
                            filters=filters, segment=segment, min_cell=min_cell)
    frame = table.to_pandas()
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def kpi_frames(version: DataVersion, names: tuple[str, ...], month_from: date, month_to: date, filters,
               segment: str = "all") -> pd.DataFrame:
    """Several KPIs stacked in long form with a ``kpi`` column."""
    frames = []
    for name in names:
        frame = kpi_frame(version, name, month_from, month_to, filters.products, filters.regions,
                          filters.channels, segment)
        frames.append(frame.assign(kpi=name))
    return pd.concat(frames, ignore_index=True)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def _breakdown(version: DataVersion, names: tuple[str, ...], month: date, products: tuple[str, ...],
               regions: tuple[str, ...], channels: tuple[str, ...], segment: str) -> list[dict]:
    return kpis.breakdown(connection(version), names, month=month, filters=kpis.Filters(products, regions, channels),
                          segment=segment)


def breakdown(version: DataVersion, names: tuple[str, ...], month: date, filters, segment: str) -> list[dict]:
    """KPIs for one month split by ``segment`` (an allow-listed dimension code)."""
    return _breakdown(version, names, month, filters.products, filters.regions, filters.channels, segment)


def overview_csv(trend_wide: pd.DataFrame, split: pd.DataFrame, names: tuple[str, ...]) -> str:
    """The Overview as one CSV: the monthly trend, then the split by segment, raw numbers (no formatting)."""
    trend = trend_wide.assign(section="trend", segment="all")
    trend["month"] = pd.to_datetime(trend["month"]).dt.strftime("%Y-%m")
    by_segment = split.assign(section="breakdown", month=trend["month"].iloc[-1] if len(trend) else "")
    columns = ["section", "month", "segment", "accounts", *names]
    frame = pd.concat([trend.reindex(columns=columns), by_segment.reindex(columns=columns)], ignore_index=True)
    return _neutralise_formulas(frame).to_csv(index=False)


def _neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula (=, +, -, @) with a quote."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
    return out


def version_words(version: DataVersion) -> dict:
    """The words the data-version caption needs."""
    meta = info(version)
    return {"fingerprint": meta["fingerprint"], "loaded_at": meta["loaded_at"].strftime("%Y-%m-%d %H:%M UTC"),
            "source": meta["source"], "first": meta["first_month"].strftime("%Y-%m"),
            "last": meta["last_month"].strftime("%Y-%m")}
