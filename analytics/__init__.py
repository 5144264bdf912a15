"""Recovery Lens analytics engine: pure Python and SQL over DuckDB. Never imports streamlit."""
