"""The global view state and its URL form: language-neutral codes only, defaults left out.

Pure functions, no Streamlit, so the parsing rules are unit-tested directly; ``ui.filter_bar``
wires them to widgets and ``st.query_params``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["GlobalState", "parse_query", "to_query", "DIMENSIONS", "DEFAULT_TREND_MONTHS"]

DIMENSIONS = ("product", "region", "channel")
DEFAULT_TREND_MONTHS = 12


@dataclass(frozen=True)
class GlobalState:
    month_from: str  # YYYY-MM
    month_to: str  # YYYY-MM, the month the tiles describe
    products: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    lang: str = DEFAULT_LANGUAGE
    data: str | None = None  # the data version (fingerprint) the link was made on

    def codes(self, dimension: str) -> tuple[str, ...]:
        return {"product": self.products, "region": self.regions, "channel": self.channels}[dimension]


@dataclass
class Parsed:
    state: GlobalState
    ignored: list[tuple[str, str]] = field(default_factory=list)


def default_state(months: list[str]) -> GlobalState:
    """The last month of data, with the twelve months up to it."""
    last = months[-1]
    first = months[max(0, len(months) - DEFAULT_TREND_MONTHS)]
    return GlobalState(month_from=first, month_to=last)


def parse_query(query: dict[str, list[str]], months: list[str], codes: dict[str, list[str]]) -> Parsed:
    """Read the view from URL parameters; anything unknown or invalid is ignored and reported.

    ``months`` are the available months (YYYY-MM, ascending); ``codes`` the codes per dimension.
    """
    default = default_state(months)
    ignored: list[tuple[str, str]] = []

    def one(key: str) -> str | None:
        values = query.get(key, [])
        for extra in values[1:]:
            ignored.append((key, extra))
        return values[0] if values else None

    month_to = one("to")
    if month_to is not None and month_to not in months:
        ignored.append(("to", month_to))
        month_to = None
    month_to = month_to or default.month_to
    month_from = one("from")
    if month_from is not None and (month_from not in months or month_from > month_to):
        ignored.append(("from", month_from))
        month_from = None
    if month_from is None:
        index = months.index(month_to)
        month_from = months[max(0, index - DEFAULT_TREND_MONTHS + 1)]

    chosen: dict[str, tuple[str, ...]] = {}
    for dimension in DIMENSIONS:
        kept = []
        for value in query.get(dimension, []):
            if value in codes.get(dimension, []) and value not in kept:
                kept.append(value)
            else:
                ignored.append((dimension, value))
        chosen[dimension] = tuple(kept)

    lang = one("lang")
    if lang is not None and lang not in LANGUAGES:
        ignored.append(("lang", lang))
        lang = None
    data = one("data")
    known = {"from", "to", "lang", "data", *DIMENSIONS}
    for key, values in query.items():
        if key not in known:
            ignored.extend((key, v) for v in values)
    state = GlobalState(month_from, month_to, chosen["product"], chosen["region"], chosen["channel"],
                        lang or DEFAULT_LANGUAGE, data)
    return Parsed(state, ignored)


def to_query(state: GlobalState, months: list[str], fingerprint: str | None) -> dict[str, list[str]]:
    """URL parameters for a state: codes only, values equal to the default left out."""
    default = default_state(months)
    query: dict[str, list[str]] = {}
    if state.month_to != default.month_to:
        query["to"] = [state.month_to]
    index = months.index(state.month_to) if state.month_to in months else len(months) - 1
    implied_from = months[max(0, index - DEFAULT_TREND_MONTHS + 1)]
    if state.month_from != implied_from:
        query["from"] = [state.month_from]
    for dimension in DIMENSIONS:
        if state.codes(dimension):
            query[dimension] = list(state.codes(dimension))
    if state.lang != DEFAULT_LANGUAGE:
        query["lang"] = [state.lang]
    if fingerprint:
        query["data"] = [fingerprint]
    return query
