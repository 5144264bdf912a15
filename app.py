"""Recovery Lens: the router. Page config, navigation, the global filter bar, then the page."""

import logging

import streamlit as st

from ui import data
from ui.filter_bar import render_filter_bar
from ui.i18n import t
from analytics.settings import database_path

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

st.set_page_config(page_title="Recovery Lens", page_icon=":material/monitoring:", layout="wide")

lang = st.session_state.get("lang", "en")
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", url_path="overview",
            default=True),
]
page = st.navigation(pages)

version = data.database_version()
if version is None:
    st.title(t("app.title", lang))
    st.error(t("data.missing_db", lang, path=database_path()))
    st.stop()

with st.sidebar:
    st.markdown(f"### {t('app.title', lang)}")
    st.caption(t("app.tagline", lang))
st.session_state["view"] = render_filter_bar(version, page.url_path)
st.session_state["data_version"] = version
page.run()
