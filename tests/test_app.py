"""The app renders end to end in Streamlit's AppTest, with and without URL parameters.

Changing a widget and rerunning is covered in tests/test_browser.py: with a ``pages/`` folder,
AppTest reruns the page script without the ``app.py`` frame, which a real server does not do.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")

pytestmark = pytest.mark.usefixtures("sample_db_env")


def run_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_overview_renders_default_view_without_exception(sample_book_months):
    at = run_app()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert labels[:4] == ["Outstanding balance", "DPD 30+ rate", "DPD 90+ rate", "Cure rate"]
    assert len(labels) == 8
    # The default view is the last month of data; its outstanding balance is a yuan amount.
    assert at.metric[0].value.startswith("¥")
    assert sample_book_months[-1] in at.caption[0].value
    assert not at.warning


def test_url_filters_seed_the_filter_bar_and_the_caption(sample_book_months):
    month = sample_book_months[-4]
    at = run_app({"product": "cash_loan", "to": month})
    assert not at.exception
    assert at.multiselect(key="filter_product").value == ["cash_loan"]
    assert at.selectbox(key="filter_to").value == month
    assert "Cash loan" in at.caption[0].value and month in at.caption[0].value
    assert at.query_params["product"] in ("cash_loan", ["cash_loan"])


def test_invalid_url_values_are_ignored_with_a_visible_note():
    at = run_app({"product": "no_such_product", "to": "1999-01", "bogus": "x"})
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "product=no_such_product" in notes and "to=1999-01" in notes and "bogus=x" in notes
    assert at.multiselect(key="filter_product").value == []


def test_overview_offers_the_csv_of_what_is_shown():
    at = run_app()
    buttons = at.get("download_button")
    assert len(buttons) == 1
