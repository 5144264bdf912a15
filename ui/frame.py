"""The frame around every page: the sidebar title, the data check and the global filter bar.

``app.py`` draws it before running the page. A page asks for the view through :func:`view`, which
draws the frame itself when the page was run without ``app.py`` around it (Streamlit's legacy
``pages/`` routing can do that for a direct first request, and AppTest does it on reruns).
"""

from __future__ import annotations

import streamlit as st

from analytics.settings import database_path
from ui import data
from ui.filter_bar import render_filter_bar
from ui.i18n import t
from ui.url_state import GlobalState

__all__ = ["render_frame", "view"]

_DRAWN = "_frame_drawn_this_run"


def render_frame(page_path: str) -> tuple[GlobalState, data.DataVersion]:
    """Draw the sidebar frame and return the view and the data version the page should use."""
    lang = st.session_state.get("lang", "en")
    version = data.database_version()
    if version is None:
        st.title(t("app.title", lang))
        st.error(t("data.missing_db", lang, path=database_path()))
        st.stop()
    with st.sidebar:
        st.markdown(f"### {t('app.title', lang)}")
        st.caption(t("app.tagline", lang))
    state = render_filter_bar(version, page_path)
    st.session_state["view"] = state
    st.session_state["data_version"] = version
    st.session_state[_DRAWN] = True
    return state, version


def run_page(page) -> None:
    """Run ``page`` inside the frame drawn for this run."""
    render_frame(page.url_path or "overview")
    try:
        page.run()
    finally:
        st.session_state.pop(_DRAWN, None)


def view(page_path: str = "overview") -> tuple[GlobalState, data.DataVersion]:
    """The view for the page being drawn, drawing the frame first if no one has this run."""
    if st.session_state.get(_DRAWN):
        return st.session_state["view"], st.session_state["data_version"]
    return render_frame(page_path)
