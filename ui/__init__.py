"""The Streamlit side: cached data access, URL state, filter bar, translations and chart builders."""
