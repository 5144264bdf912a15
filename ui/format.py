"""Numbers for people: yuan, percentages and rates, with the change from last month."""

from __future__ import annotations

import math

from analytics.kpis import AMOUNT_KPIS

__all__ = ["yuan", "yuan_compact", "percent", "kpi_value", "kpi_delta"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def yuan(value: float | None) -> str:
    """¥1,234,568 (whole yuan, thousands separated)."""
    return "—" if _missing(value) else f"¥{value:,.0f}"


def yuan_compact(value: float | None) -> str:
    """¥12.3M / ¥456.7K / ¥980: short enough for a tile."""
    if _missing(value):
        return "—"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"¥{value / size:,.1f}{suffix}"
    return f"¥{value:,.0f}"


def percent(value: float | None, digits: int = 1) -> str:
    """0.1234 -> '12.3%'; small rates keep two decimals so they do not read as zero."""
    if _missing(value):
        return "—"
    if value != 0 and abs(value) < 0.01:
        digits = max(digits, 2)
    return f"{value * 100:.{digits}f}%"


def kpi_value(name: str, value: float | None) -> str:
    if name in AMOUNT_KPIS:
        return yuan_compact(value)
    if name == "complaints_per_1k":
        return "—" if _missing(value) else f"{value:.1f}"
    return percent(value)


def kpi_delta(name: str, value: float | None, previous: float | None) -> str | None:
    """Change from last month: relative for amounts, percentage points for rates."""
    if _missing(value) or _missing(previous):
        return None
    if name in AMOUNT_KPIS:
        if previous == 0:
            return None
        return f"{(value - previous) / abs(previous) * 100:+.1f}%"
    if name == "complaints_per_1k":
        return f"{value - previous:+.1f}"
    return f"{(value - previous) * 100:+.2f} pp"
