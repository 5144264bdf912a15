"""Small composite widgets shared by pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.kpis import DEFAULT_MIN_CELL
from ui.format import kpi_delta, kpi_value
from ui.i18n import t

__all__ = ["kpi_tiles"]

# Rates where a rise is bad news: their deltas are coloured inversely.
_RISE_IS_BAD = {"dpd1_rate", "dpd30_rate", "dpd90_rate", "nco_rate", "complaints_per_1k", "charge_off_amount",
                "plan_redefault_rate_6m", "cost_to_collect"}


def kpi_tiles(long: pd.DataFrame, names: tuple[str, ...], month, previous, missing: dict, lang: str,
              per_row: int = 4) -> None:
    """One st.metric per KPI for ``month`` with the change from ``previous``; explains blanks."""
    for start in range(0, len(names), per_row):
        for column, name in zip(st.columns(per_row, border=True), names[start:start + per_row]):
            rows = long[long["kpi"] == name]
            now = rows[rows["month"] == month]
            before = rows[rows["month"] == previous]
            value = now["value"].iloc[0] if len(now) else None
            prior = before["value"].iloc[0] if len(before) else None
            value = None if pd.isna(value) else value
            prior = None if pd.isna(prior) else prior
            help_text = t(f"help.{name}", lang)
            if name in missing:
                shown, delta = t("tile.not_available", lang), None
                help_text = t("overview.needs", lang, files=", ".join(f"{m}.csv" for m in missing[name]))
            elif len(now) and bool(now["suppressed"].iloc[0]):
                shown, delta = t("tile.suppressed", lang, k=DEFAULT_MIN_CELL), None
                help_text = t("overview.suppressed", lang, k=DEFAULT_MIN_CELL)
            else:
                shown, delta = kpi_value(name, value), kpi_delta(name, value, prior)
            column.metric(t(f"kpi.{name}", lang), shown, delta,
                          delta_color="inverse" if name in _RISE_IS_BAD else "normal", help=help_text)
