"""Static checks on the engine's SQL and Python: portable marts, documented grain, no UI imports, no
f-string SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import sqlglot

ROOT = Path(__file__).resolve().parent.parent
SQL_ROOT = ROOT / "analytics" / "sql"
MARTS = sorted((SQL_ROOT / "marts").glob("*.sql"))
ALL_SQL = sorted(SQL_ROOT.rglob("*.sql"))


def _python_files(*places: str) -> list[Path]:
    found = []
    for place in places:
        path = ROOT / place
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(p for p in sorted(path.rglob("*.py")) if ".venv" not in p.parts)
    return found


def test_there_is_sql_to_check():
    assert len(MARTS) >= 10
    assert len(ALL_SQL) > len(MARTS)


@pytest.mark.parametrize("path", MARTS, ids=lambda p: p.name)
def test_mart_transpiles_from_duckdb_to_spark(path):
    statements = sqlglot.transpile(path.read_text(encoding="utf-8"), read="duckdb", write="spark",
                                   unsupported_level=sqlglot.ErrorLevel.RAISE)
    assert len(statements) == 1
    # The Spark text is itself valid Spark SQL for a query.
    parsed = sqlglot.parse_one(statements[0], read="spark")
    assert isinstance(parsed, sqlglot.exp.Query)


@pytest.mark.parametrize("path", ALL_SQL, ids=lambda p: str(p.relative_to(SQL_ROOT)))
def test_sql_file_starts_with_grain_comment(path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0] if path.read_text(encoding="utf-8") else ""
    assert first_line.startswith("-- grain:"), f"{path.relative_to(ROOT)} starts with {first_line!r}"


def _imports(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
              in ("__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant)):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def test_engine_never_imports_streamlit():
    files = _python_files("analytics")
    assert len(files) >= 5
    offenders = [str(p.relative_to(ROOT)) for p in files
                 if "streamlit" in _imports(ast.parse(p.read_text(encoding="utf-8"), filename=str(p)))]
    assert offenders == []


_FSTRING_SQL = re.compile(r"""\.(execute|executemany|sql|query)\(\s*(rf|fr|f)["']""", re.IGNORECASE)


def _fstring_sql_calls(text: str, label: str) -> list[str]:
    """Calls that pass an f-string as SQL: by text, and by syntax tree (catches one on the next line)."""
    hits = [f"{label}: {m.group(0)}" for m in _FSTRING_SQL.finditer(text)]
    for node in ast.walk(ast.parse(text, filename=label)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "sql", "query")
                and node.args and isinstance(node.args[0], ast.JoinedStr)):
            hits.append(f"{label}:{node.lineno}: .{node.func.attr}(f\"...\")")
    return hits


def test_no_fstring_sql_in_engine_or_app():
    files = _python_files("analytics", "ui", "pages", "app.py")
    assert any(p.name == "app.py" for p in files) and any("ui" in p.parts for p in files)
    offenders = [hit for p in files for hit in _fstring_sql_calls(p.read_text(encoding="utf-8"),
                                                                  str(p.relative_to(ROOT)))]
    assert offenders == []


def test_fstring_sql_detector_can_fail():
    """The check above must be able to fail: both spellings are caught, a bound query is not."""
    # The offending sample is assembled so that this file itself does not read as an offender.
    assert _fstring_sql_calls("con.execute(" + 'f"select {x}")\n', "a.py")
    assert _fstring_sql_calls('cur.sql(\n    f"select {y}"\n)\n', "b.py")
    assert _fstring_sql_calls('con.execute("select $x", {"x": 1})\n', "c.py") == []
