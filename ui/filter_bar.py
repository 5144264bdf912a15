"""The global filter bar in the sidebar, kept in step with the URL.

Widgets hold codes; labels are drawn through ``ui.i18n``. The URL is re-read when it changes under
us on the same page (a pasted link, back/forward) and rewritten from the widgets otherwise, so a
page switch (which drops unbound query parameters) keeps the filters.
"""

from __future__ import annotations

import streamlit as st

from ui import data
from ui.i18n import label, t
from ui.url_state import DIMENSIONS, GlobalState, parse_query, to_query

__all__ = ["render_filter_bar"]

_WIDGET_KEYS = {"from": "filter_from", "to": "filter_to", **{d: f"filter_{d}" for d in DIMENSIONS}}


def _current_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params.keys()}


def _seed_widgets(state: GlobalState) -> None:
    st.session_state[_WIDGET_KEYS["from"]] = state.month_from
    st.session_state[_WIDGET_KEYS["to"]] = state.month_to
    for dimension in DIMENSIONS:
        st.session_state[_WIDGET_KEYS[dimension]] = list(state.codes(dimension))
    st.session_state["lang"] = state.lang


def render_filter_bar(version: data.DataVersion, page: str) -> GlobalState:
    """Draw the filters, reconcile them with the URL and return the view every page reads."""
    months = data.months(version)
    codes = data.segment_codes(version)
    fingerprint = data.info(version)["fingerprint"]
    query = _current_query()
    written = st.session_state.get("_url_written")
    same_page = st.session_state.get("_url_page") == page
    widgets_lost = any(key not in st.session_state for key in _WIDGET_KEYS.values())
    if written is None or widgets_lost or (same_page and query != written):
        parsed = parse_query(query, months, codes)
        _seed_widgets(parsed.state)
        st.session_state["_url_ignored"] = parsed.ignored
        st.session_state["_url_data"] = parsed.state.data
    lang = st.session_state.get("lang", "en")

    with st.sidebar:
        st.subheader(t("filters.header", lang))
        # Two plain selects rather than a range slider: a range slider seeded through session state
        # comes back as a single value after the next interaction (Streamlit 1.67).
        first, last = st.columns(2)
        month_from = first.selectbox(t("filters.from", lang), options=months, key=_WIDGET_KEYS["from"],
                                     help=t("filters.months.help", lang))
        month_to = last.selectbox(t("filters.to", lang), options=months, key=_WIDGET_KEYS["to"])
        if month_from > month_to:
            month_from, month_to = month_to, month_from
        chosen = {}
        for dimension in DIMENSIONS:
            chosen[dimension] = st.multiselect(
                t(f"filters.{dimension}", lang), options=codes[dimension], key=_WIDGET_KEYS[dimension],
                format_func=lambda code, d=dimension: label(d, code, lang), placeholder=t("filters.all", lang),
            )
    state = GlobalState(month_from, month_to, tuple(chosen["product"]), tuple(chosen["region"]),
                        tuple(chosen["channel"]), lang, fingerprint)
    wanted = to_query(state, months, fingerprint)
    if wanted != query:
        st.query_params.from_dict(wanted)
    st.session_state["_url_written"] = wanted
    st.session_state["_url_page"] = page
    _show_link_notes(lang, fingerprint)
    return state


def _show_link_notes(lang: str, fingerprint: str) -> None:
    ignored = st.session_state.get("_url_ignored") or []
    if ignored:
        items = ", ".join(t("filters.ignored.item", lang, param=k, value=v[:40]) for k, v in ignored)
        st.warning(t("filters.ignored", lang, items=items), icon=":material/link_off:")
    made_on = st.session_state.get("_url_data")
    if made_on and made_on != fingerprint:
        st.info(t("filters.other_version", lang, made_on=made_on[:40], current=fingerprint),
                icon=":material/history:")
