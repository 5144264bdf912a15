"""Plotly figure builders: data in, figure out. No queries here."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.kpis import AMOUNT_KPIS
from ui.i18n import t

__all__ = ["kpi_trend_grid", "product_bars", "PLOTLY_CONFIG"]

PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"],
                 "toImageButtonOptions": {"format": "png", "scale": 2}}

_LINE = "#1f6f8b"


def _axis_format(name: str) -> dict:
    if name in AMOUNT_KPIS:
        return {"tickprefix": "¥", "tickformat": "~s"}
    if name == "complaints_per_1k":
        return {"tickformat": ".1f"}
    return {"tickformat": ".1%"}


def _hover(name: str) -> str:
    if name in AMOUNT_KPIS:
        return "%{x|%Y-%m}: ¥%{y:,.0f}<extra></extra>"
    if name == "complaints_per_1k":
        return "%{x|%Y-%m}: %{y:.1f}<extra></extra>"
    return "%{x|%Y-%m}: %{y:.2%}<extra></extra>"


def kpi_trend_grid(long: pd.DataFrame, names: tuple[str, ...], lang: str, columns: int = 4) -> go.Figure:
    """Small multiples, one line per KPI over the months in ``long`` (kpi, month, value)."""
    rows = -(-len(names) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[t(f"kpi.{n}", lang) for n in names],
                        horizontal_spacing=0.06, vertical_spacing=0.16)
    for position, name in enumerate(names):
        row, col = position // columns + 1, position % columns + 1
        series = long[long["kpi"] == name]
        fig.add_trace(
            go.Scatter(x=series["month"], y=series["value"], mode="lines+markers", line={"color": _LINE, "width": 2},
                       marker={"size": 4}, hovertemplate=_hover(name), name=t(f"kpi.{name}", lang),
                       connectgaps=False),
            row=row, col=col,
        )
        fig.update_yaxes(row=row, col=col, rangemode="tozero", **_axis_format(name))
        fig.update_xaxes(row=row, col=col, tickformat="%b\n%Y", nticks=4)
    fig.update_annotations(font_size=13)
    fig.update_layout(height=250 * rows + 40, showlegend=False, margin={"l": 10, "r": 10, "t": 40, "b": 10})
    return fig


def product_bars(table: pd.DataFrame, lang: str) -> go.Figure:
    """Outstanding balance by product (bars) with the DPD 30+ rate (markers, right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=table["label"], y=table["outstanding_balance"], name=t("kpi.outstanding_balance", lang),
                         marker_color=_LINE, hovertemplate="%{x}: ¥%{y:,.0f}<extra></extra>"), secondary_y=False)
    fig.add_trace(go.Scatter(x=table["label"], y=table["dpd30_rate"], name=t("kpi.dpd30_rate", lang),
                             mode="markers", marker={"size": 14, "color": "#d1495b", "symbol": "diamond"},
                             hovertemplate="%{x}: %{y:.2%}<extra></extra>"), secondary_y=True)
    fig.update_yaxes(tickprefix="¥", tickformat="~s", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(tickformat=".1%", secondary_y=True, rangemode="tozero", showgrid=False)
    fig.update_layout(height=300, margin={"l": 10, "r": 10, "t": 30, "b": 10}, bargap=0.55,
                      legend={"orientation": "h", "y": 1.15})
    return fig
