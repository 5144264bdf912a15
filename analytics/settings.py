"""Where the database lives: environment variable, then recovery-lens.toml, then the sample book."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

__all__ = ["database_path", "SAMPLE_DB"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DB = PROJECT_ROOT / "sample_data" / "sample.duckdb"
CONFIG_FILE = PROJECT_ROOT / "recovery-lens.toml"


def database_path() -> Path:
    """``RECOVERY_LENS_DB`` if set, else ``database`` in recovery-lens.toml, else the sample book."""
    from_env = os.environ.get("RECOVERY_LENS_DB")
    if from_env:
        return Path(from_env)
    if CONFIG_FILE.exists():
        configured = tomllib.loads(CONFIG_FILE.read_text(encoding="utf-8")).get("database")
        if configured:
            path = Path(configured)
            return path if path.is_absolute() else PROJECT_ROOT / path
    return SAMPLE_DB
