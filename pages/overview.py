"""Overview: the month's KPI tiles with month-over-month change, 12-month trends and a product split."""

import pandas as pd
import streamlit as st

from analytics.kpis import TILE_KPIS, month_start, shift_month, trend_wide
from ui import charts, data
from ui.frame import view as current_view
from ui.format import kpi_value
from ui.i18n import label, t
from ui.widgets import kpi_tiles

view, version = current_view("overview")
lang = view.lang
month, first = month_start(view.month_to), month_start(view.month_from)
previous = shift_month(month, -1)

filters_text = " · ".join(
    ", ".join(label(d, c, lang) for c in view.codes(d)) for d in ("product", "region", "channel") if view.codes(d)
) or t("overview.no_filters", lang)
st.title(t("overview.title", lang))
st.caption(t("overview.caption", lang, month=view.month_to, filters=filters_text, previous=previous.strftime("%Y-%m")))

trend = data.kpi_frames(version, TILE_KPIS, min(first, previous), month, view)
if trend[(trend["kpi"] == "outstanding_balance") & (trend["month"] == pd.Timestamp(month))].empty:
    st.warning(t("overview.no_data", lang, month=view.month_to))
    st.stop()

kpi_tiles(trend, TILE_KPIS, pd.Timestamp(month), pd.Timestamp(previous), data.missing_tables(version), lang)

st.subheader(t("overview.trends", lang, first=view.month_from, last=view.month_to))
shown = trend[trend["month"] >= pd.Timestamp(first)]
st.plotly_chart(charts.kpi_trend_grid(shown, TILE_KPIS, lang), config=charts.PLOTLY_CONFIG)

st.subheader(t("overview.breakdown", lang, month=view.month_to))
split = pd.DataFrame(data.breakdown(version, TILE_KPIS, month, view, "product"))
split.insert(0, "label", [label("product", code, lang) for code in split["segment"]])
table = split[["label", "accounts", *TILE_KPIS]].copy()
for name in TILE_KPIS:
    table[name] = [kpi_value(name, v) for v in table[name]]
table.columns = [t("segment.product", lang), t("segment.accounts", lang), *(t(f"kpi.{n}", lang) for n in TILE_KPIS)]
st.dataframe(table, hide_index=True, width="stretch")
st.plotly_chart(charts.product_bars(split, lang), config=charts.PLOTLY_CONFIG)

wide = pd.DataFrame(trend_wide(shown.to_dict("records"), TILE_KPIS))
st.download_button(t("overview.download", lang), data=data.overview_csv(wide, split, TILE_KPIS),
                   file_name=f"recovery-lens-overview-{view.month_to}.csv", mime="text/csv", on_click="ignore",
                   icon=":material/download:")
st.caption(t("overview.definitions", lang) + " " + t("data.version", lang, **data.version_words(version)))
