"""The KPI dictionary (docs/metrics.md), computed from the marts built at import.

Each KPI is one SQL file, ``analytics/sql/kpis/<name>.sql``, returning one row per month and segment
with ``value``, ``numerator``, ``denominator`` and ``accounts`` (the loans behind the figure). This
module only binds parameters, fills the allow-listed segment slot and applies small-cell
suppression; the definitions live in the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from analytics import contract
from analytics.db import SEGMENTS, render, run, run_arrow

__all__ = [
    "Filters", "KPI_NAMES", "TILE_KPIS", "breakdown", "trend_wide", "shift_month", "RATE_KPIS", "AMOUNT_KPIS", "DEFAULT_MIN_CELL", "kpi_series", "flow_rate_series",
    "roll_matrix", "snapshot", "dataset_info", "missing_tables", "available_months", "segment_values", "month_start",
]

KPI_NAMES = (
    "outstanding_balance",
    "dpd1_rate",
    "dpd30_rate",
    "dpd90_rate",
    "cure_rate",
    "charge_off_amount",
    "recoveries",
    "nco_rate",
    "recovery_rate_3m",
    "ptp_kept_rate",
    "rpc_rate",
    "complaints_per_1k",
    "plan_acceptance_rate",
    "plan_redefault_rate_6m",
    "cost_to_collect",
)
# The Overview page's tiles, in reading order.
TILE_KPIS = (
    "outstanding_balance", "dpd30_rate", "dpd90_rate", "cure_rate",
    "nco_rate", "recovery_rate_3m", "ptp_kept_rate", "complaints_per_1k",
)
AMOUNT_KPIS = ("outstanding_balance", "charge_off_amount", "recoveries")
RATE_KPIS = tuple(k for k in KPI_NAMES if k not in AMOUNT_KPIS and k != "complaints_per_1k")

# The optional tables without which a KPI has nothing to count.
KPI_NEEDS = {
    "recoveries": ("payments",),
    "nco_rate": ("payments",),
    "recovery_rate_3m": ("payments",),
    "ptp_kept_rate": ("promises",),
    "rpc_rate": ("collection_actions",),
    "complaints_per_1k": ("complaints",),
    "plan_acceptance_rate": ("repayment_plans",),
    "plan_redefault_rate_6m": ("repayment_plans",),
    "cost_to_collect": ("collection_actions", "payments"),
}

# Figures resting on fewer loans than this are suppressed (k-anonymity for shared views).
DEFAULT_MIN_CELL = 10

_FILTERS_SQL = (
    "($products::varchar[] is null or list_contains($products::varchar[], product))"
    " and ($regions::varchar[] is null or list_contains($regions::varchar[], region))"
    " and ($channels::varchar[] is null or list_contains($channels::varchar[], channel))"
)


@dataclass(frozen=True)
class Filters:
    """The global filter bar: empty tuples mean 'all'."""

    products: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def params(self) -> dict:
        return {
            "products": list(self.products) or None,
            "regions": list(self.regions) or None,
            "channels": list(self.channels) or None,
        }


def month_start(value: str | date) -> date:
    """'2024-07' or any date in July 2024 -> date(2024, 7, 1); ValueError otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = value.strip()
    parts = text.split("-")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a month (YYYY-MM): {value!r}")
    return date(int(parts[0]), int(parts[1]), 1)


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _query(name: str, segment: str) -> str:
    if segment not in SEGMENTS:
        raise ValueError(f"unknown segment {segment!r}; choose from {', '.join(SEGMENTS)}")
    return render(f"kpis/{name}", segment=SEGMENTS[segment], filters=_FILTERS_SQL)


def _params(month_from: date, month_to: date, filters: Filters) -> dict:
    return {"month_from": month_from, "month_to": month_to, **filters.params()}


def _suppress(table: pa.Table, min_cell: int) -> pa.Table:
    """Blank ``value`` where fewer than ``min_cell`` loans stand behind it, and say so in ``suppressed``."""
    import pyarrow.compute as pc

    accounts = pc.fill_null(table["accounts"].cast(pa.int64()), 0)
    # A zero count reveals no one; only small non-zero cells are hidden.
    suppressed = pc.and_(pc.greater(accounts, 0), pc.less(accounts, min_cell))
    values = pc.if_else(suppressed, pa.scalar(None, table["value"].type), table["value"])
    table = table.set_column(table.schema.get_field_index("value"), "value", values)
    return table.append_column("suppressed", suppressed)


def kpi_series(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    month_from: date,
    month_to: date,
    filters: Filters = Filters(),
    segment: str = "all",
    min_cell: int = DEFAULT_MIN_CELL,
) -> pa.Table:
    """One KPI per month (and segment) in [month_from, month_to].

    Returns an Arrow table: month, segment, value, numerator, denominator, accounts, suppressed;
    one row per month and segment that has data. ``value`` is null when the denominator is empty
    or the figure rests on fewer than ``min_cell`` loans.
    """
    if name not in KPI_NAMES:
        raise ValueError(f"unknown KPI {name!r}")
    table = run_arrow(con, _query(name, segment), _params(month_from, month_to, filters))
    table = _suppress(table.sort_by([("month", "ascending"), ("segment", "ascending")]), min_cell)
    if missing_tables(con).get(name):
        # Without the table the KPI counts from, a zero would be a claim the data cannot make.
        table = table.set_column(table.schema.get_field_index("value"), "value",
                                 pa.nulls(table.num_rows, table["value"].type))
    return table


def flow_rate_series(con, *, month_from: date, month_to: date, filters: Filters = Filters(),
                     segment: str = "all", min_cell: int = DEFAULT_MIN_CELL) -> pa.Table:
    """Flow rates Mk->Mk+1 per month: month, segment, from_bucket, to_bucket, value, ..., suppressed."""
    table = run_arrow(con, _query("flow_rates", segment), _params(month_from, month_to, filters))
    return _suppress(table.sort_by([("month", "ascending"), ("segment", "ascending"),
                                    ("from_bucket", "ascending")]), min_cell)


def roll_matrix(con, *, month: date, filters: Filters = Filters(), segment: str = "all") -> pa.Table:
    """Roll-rate cells for one month: from_state, to_state, loans, balance_from, count_rate, balance_rate."""
    return run_arrow(con, _query("roll_matrix", segment), _params(month, month, filters))


def _matrix_dict(cells: pa.Table, rate: str, min_cell: int) -> dict[str, dict[str, float | None]]:
    """{from: {to: rate}} over every state; rows resting on fewer than ``min_cell`` loans are all null."""
    rows = cells.to_pylist()
    matrix: dict[str, dict[str, float | None]] = {}
    totals = {r["from_state"]: r["row_loans"] for r in rows}
    for from_state in contract.BUCKETS:
        if from_state not in totals:
            continue
        small = totals[from_state] < min_cell
        matrix[from_state] = {to_state: (None if small else 0.0) for to_state in contract.STATES}
        for r in rows:
            if r["from_state"] == from_state and not small:
                matrix[from_state][r["to_state"]] = r[rate]
    return matrix


def snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    month: date,
    filters: Filters = Filters(),
    min_cell: int = DEFAULT_MIN_CELL,
) -> dict:
    """Every KPI for one month by its exact name, plus flow rates and both roll matrices.

    This is the CLI's ``kpis`` command and the Overview page's tiles: one code path.
    """
    result: dict = {"month": month.strftime("%Y-%m"), "fingerprint": dataset_info(con)["fingerprint"]}
    suppressed = []
    for name in KPI_NAMES:
        rows = kpi_series(con, name, month_from=month, month_to=month, filters=filters, min_cell=min_cell).to_pylist()
        result[name] = rows[0]["value"] if rows else None
        if rows and rows[0]["suppressed"]:
            suppressed.append(name)
    flows = flow_rate_series(con, month_from=month, month_to=month, filters=filters, min_cell=min_cell).to_pylist()
    by_pair = {f"{r['from_bucket']}_{r['to_bucket']}": r["value"] for r in flows}
    result["flow_rates"] = {f"M{k}_M{k + 1}": by_pair.get(f"M{k}_M{k + 1}") for k in range(7)}
    cells = roll_matrix(con, month=month, filters=filters)
    result["roll_matrix_balance"] = _matrix_dict(cells, "balance_rate", min_cell)
    result["roll_matrix_count"] = _matrix_dict(cells, "count_rate", min_cell)
    result["min_cell"] = min_cell
    result["suppressed"] = suppressed
    result["missing_tables"] = missing_tables(con)
    return result


def missing_tables(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """For each KPI that cannot be computed, the optional tables that would light it up."""
    provided = set(dataset_info(con)["provided"])
    return {
        kpi: tuple(t for t in needs if t not in provided)
        for kpi, needs in KPI_NEEDS.items()
        if any(t not in provided for t in needs)
    }


def dataset_info(con: duckdb.DuckDBPyConnection) -> dict:
    """The loaded data version: fingerprint, loaded_at, source, first and last month, tables provided."""
    row = run(con, render("queries/dataset_info"))[0]
    info = dict(zip(("fingerprint", "loaded_at", "source", "first_month", "last_month"), row))
    info["provided"] = tuple(r[0] for r in run(con, render("queries/provided_tables")))
    return info


def available_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every month with performance data, oldest first."""
    return [r[0] for r in run(con, render("queries/available_months"))]


def segment_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The codes present for each filter dimension (product, region, channel)."""
    rows = run(con, render("queries/segment_values"))
    values: dict[str, list[str]] = {"product": [], "region": [], "channel": []}
    for dimension, value in rows:
        values[dimension].append(value)
    return values


def previous_month(month: date) -> date:
    return _shift(month, -1)


def shift_month(month: date, months: int) -> date:
    return _shift(month, months)


def breakdown(con: duckdb.DuckDBPyConnection, names: tuple[str, ...], *, month: date, filters: Filters = Filters(),
              segment: str = "product", min_cell: int = DEFAULT_MIN_CELL) -> list[dict]:
    """KPIs for one month split by a segment: one dict per segment code with a value per KPI.

    ``accounts`` is the number of open loans in the segment; suppressed figures are None.
    """
    rows: dict[str, dict] = {}
    missing = missing_tables(con)
    for name in ("outstanding_balance",) + tuple(n for n in names if n != "outstanding_balance"):
        for r in kpi_series(con, name, month_from=month, month_to=month, filters=filters, segment=segment,
                            min_cell=min_cell).to_pylist():
            row = rows.setdefault(r["segment"], {"segment": r["segment"]})
            if name == "outstanding_balance":
                row["accounts"] = r["accounts"]
            row[name] = None if name in missing else r["value"]
    for row in rows.values():
        for name in names:
            row.setdefault(name, None)
        row.setdefault("accounts", 0)
    return sorted(rows.values(), key=lambda r: -(r.get("outstanding_balance") or 0))


def trend_wide(long_rows: list[dict], names: tuple[str, ...]) -> list[dict]:
    """Long rows (kpi, month, value) to one dict per month with a column per KPI, months ascending."""
    by_month: dict = {}
    for r in long_rows:
        by_month.setdefault(r["month"], {"month": r["month"], **{n: None for n in names}})[r["kpi"]] = r["value"]
    return [by_month[m] for m in sorted(by_month)]
