"""One translation function for every user-visible string. Codes stay in the URL; labels are drawn here."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files

__all__ = ["t", "label", "LANGUAGES", "DEFAULT_LANGUAGE"]

LANGUAGES = ("en",)
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=None)
def _catalog(lang: str) -> dict[str, str]:
    return json.loads((files("ui") / "locales" / f"{lang}.json").read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The catalog text for ``key`` in ``lang`` (falling back to English, then to the key itself)."""
    text = _catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = _catalog(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def label(dimension: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Display label for a data code (e.g. product 'cash_loan'); unknown codes are shown as they are."""
    key = f"{dimension}.{code}"
    text = t(key, lang)
    return code if text == key else text
