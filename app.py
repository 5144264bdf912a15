"""Recovery Lens: the router. Page config, navigation, then the page inside the shared frame."""

import logging

import streamlit as st

from ui.frame import run_page
from ui.i18n import t

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

st.set_page_config(page_title="Recovery Lens", page_icon=":material/monitoring:", layout="wide")

lang = st.session_state.get("lang", "en")
pages = [
    st.Page("pages/overview.py", title=t("page.overview", lang), icon=":material/dashboard:", url_path="overview",
            default=True),
]
run_page(st.navigation(pages))
