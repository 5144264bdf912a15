"""Synthetic sample book for Recovery Lens: a consumer-finance loan book observed month by month.

``generate_book`` builds every table of :mod:`analytics.contract` from one seeded random generator:
loans and borrowers, a month-end performance tape (``loan_months``) driven by real repayment schedules,
delinquency episodes with collection strategies (a randomised champion/challenger experiment inside a
rule-based, risk-confounded assignment), the collection actions, promises, repayment plans, payments,
post-charge-off recoveries and complaints those produce.

A handful of causal effects are planted with known sizes (``EFFECTS``) so that the dashboard's analyses,
and this module's tests, can recover them; ``docs/sample-data.md`` explains each one and how to measure it.

Everything is vectorised: the only Python loop walks the ~36 calendar months, with whole-array numpy
operations over the loans open in that month inside it. String columns are built directly as Arrow
buffers (ids, names, phone and ID numbers) so a book of a million loans never creates per-row Python
strings.

Schedules (``r`` = annual_rate / 12, ``n`` = term, ``k`` = installments paid):

* equal_installment (等额本息): installment ``A = P·r / (1 - (1+r)^-n)`` (``P/n`` when ``r = 0``);
  principal left after k installments ``B_k = P·(1+r)^k - A·((1+r)^k - 1)/r``; paid so far ``k·A``.
* equal_principal (等额本金): installment j is ``P/n + r·P·(1 - (j-1)/n)``; ``B_k = P·(1 - k/n)``;
  paid so far ``k·P/n + r·P·(k - k(k-1)/(2n))``.
* interest_only (先息后本): ``P·r`` each month and ``P`` on top at month n; ``B_k = P`` until k = n.

Delinquency is the count ``m`` of months since the oldest unpaid installment fell due (before maturity,
the number of missed installments); month-end ``dpd = 30·(m-1) + due_offset`` for ``m >= 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analytics.contract import (
    ACTION_CHANNELS,
    COMPLAINT_CATEGORIES,
    CONTACT_ROLES,
    EMPLOYMENT,
    HARDSHIP,
    LOAN_STATUS,
    OUTCOMES,
    PAYMENT_KINDS,
    PLAN_STATUS,
    PLAN_TYPES,
    REPAYMENT_METHODS,
    TABLES,
    TEST_GROUPS,
)

__all__ = ["Effect", "EFFECTS", "generate_book", "write_book", "arrow_schema"]


# --------------------------------------------------------------------------------------------------
# Embedded effects: the parameters the tests and the docs promise can be recovered from the data.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    name: str
    value: float
    description: str
    how_to_measure: str


EFFECTS: tuple[Effect, ...] = (
    Effect(
        "firm_complaint_multiplier", 3.0,
        "The firm (pressure) strategy triples the complaint probability of each action.",
        "Complaints per agent (call/visit/legal/letter) action, strategy firm over strategy standard.",
    ),
    Effect(
        "untrained_complaint_multiplier", 2.0,
        "Actions by agents with under 16 training hours draw twice the complaints (training halves them).",
        "Complaints per agent action, agents with training_hours < 16 over agents with >= 16.",
    ),
    Effect(
        "after_hours_complaint_multiplier", 3.0,
        "An agent action between 22:00 and 07:59 is three times as likely to draw a complaint.",
        "Complaints per agent action, action_at hour in 22..7 over hour in 8..21.",
    ),
    Effect(
        "third_party_complaint_multiplier", 5.0,
        "Contacting an unrelated third party is five times as likely to draw a complaint.",
        "Complaints per agent action, contact_role unrelated_third_party over debtor.",
    ),
    Effect(
        "digital_cost_ratio", 0.1,
        "An automated action (sms, email, app_push) costs a tenth of a call.",
        "Mean cost of sms/email/app_push actions over mean cost of calls.",
    ),
    Effect(
        "plan_break_hazard", 0.12,
        "Monthly hazard that an active repayment plan breaks (the borrower misses a plan installment).",
        "Among accepted non-flexible plans, share broken within 6 months ~ 1-(1-h)^6.",
    ),
    Effect(
        "flexible_plan_redefault_multiplier_unemployed", 0.5,
        "For borrowers reporting unemployment, term_extension and installment_reduction plans break at "
        "half the monthly hazard of the other plan types.",
        "Hardship unemployment, plans accepted >= 6 months before as-of: share broken within 6 months, "
        "flexible vs other (expected 1-(1-h/2)^6 vs 1-(1-h)^6).",
    ),
    Effect(
        "unemployment_miss_multiplier", 4.0,
        "While unemployed, a borrower is four times as likely to miss an installment.",
        "Loans current at the month before as-of: share delinquent at as-of, borrowers whose "
        "employment_status is unemployed (a snapshot at as-of) over the rest.",
    ),
    Effect(
        "cure_multiplier_holdout", 1.0,
        "Monthly cure probability of an untreated (holdout) episode: the self-cure baseline.",
        "Randomised episodes: share cured (dpd 0) within 3 months, by strategy.",
    ),
    Effect(
        "cure_multiplier_firm", 1.1,
        "The firm strategy lifts the monthly cure probability by 10% over self-cure.",
        "As above; firm ranks just above holdout.",
    ),
    Effect(
        "cure_multiplier_digital", 1.2,
        "Digital nudges lift the monthly cure probability by 20%.",
        "As above.",
    ),
    Effect(
        "cure_multiplier_standard", 1.3,
        "The standard (champion) strategy lifts the monthly cure probability by 30%.",
        "As above; standard ranks between empathetic and firm.",
    ),
    Effect(
        "cure_multiplier_empathetic", 1.5,
        "The empathetic (negotiation-first) strategy lifts the monthly cure probability by 50%, the most.",
        "As above; empathetic ranks first.",
    ),
)

_EFFECT = {e.name: e.value for e in EFFECTS}


# --------------------------------------------------------------------------------------------------
# Mechanism constants (not promised as effects; documented in docs/sample-data.md).
# --------------------------------------------------------------------------------------------------

HISTORY_MONTHS = 36  # originations over the 36 months ending at as-of
BORROWERS_PER_LOAN = 1 / 1.15  # ~15% of borrowers hold a second loan

PRODUCTS = ("cash_loan", "pos_installment", "small_business")
CHANNELS = ("app", "partner", "branch", "telesales")
REGIONS = ("east", "north", "south", "central", "southwest", "northwest", "northeast")
STRATEGIES = ("standard", "empathetic", "firm", "digital", "holdout")
STANDARD, EMPATHETIC, FIRM, DIGITAL, HOLDOUT = range(5)

# Monthly probability that a current borrower misses the installment, at risk score 0.
MISS_BASE = 0.025
RISK_MISS_SLOPE = 0.75  # miss probability scales with exp(slope * risk)
PREPAY_MONTHLY = 0.012

# Shocks (per borrower, per month).
UNEMPLOYMENT_ONSET, UNEMPLOYMENT_END = 0.005, 0.18
ILLNESS_ONSET, ILLNESS_END, ILLNESS_MISS_MULTIPLIER = 0.0025, 0.30, 3.0
SHOCK_CURE_FACTOR = 0.5  # a borrower in a shock cures at half the usual rate

# Delinquent month: self-cure (holdout) probability and "pay one installment" probability by m = 1..7+.
CURE_BASE = np.array([0.0, 0.48, 0.30, 0.18, 0.12, 0.09, 0.07, 0.05])
PAY_ONE_PROB = np.array([0.0, 0.14, 0.10, 0.07, 0.05, 0.04, 0.03, 0.02])
RISK_CURE_SLOPE = 0.35
PARTIAL_SHARE = 0.25  # of months that neither cure nor pay one installment, share with a partial payment
CHARGE_OFF_M = 7  # M7 (over 180 dpd) at a month end and no cure in the next month: charged off

# Episode assignment.
EXPERIMENT_SHARE = 0.25
RULE_NOISE = 0.20

# Actions per delinquent month (full month) by strategy x channel (ACTION_CHANNELS order:
# call, sms, email, app_push, letter, visit, legal).
ACTION_RATES = np.array([
    [4.0, 3.0, 0.5, 0.5, 0.3, 0.05, 0.02],  # standard: calls + sms
    [2.0, 3.0, 1.0, 2.0, 0.2, 0.02, 0.00],  # empathetic: fewer calls, sms, app_push
    [8.0, 4.0, 0.3, 0.3, 1.0, 0.40, 0.20],  # firm: many calls, visits, legal letters
    [0.5, 5.0, 2.0, 4.0, 0.1, 0.00, 0.00],  # digital: mostly automated
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.00, 0.00],  # holdout: no treatment
])
CHANNEL_COST = np.array([2.0, 0.2, 0.2, 0.2, 5.0, 60.0, 150.0])
HUMAN_CHANNEL = np.array([True, False, False, False, True, True, True])
CALL, SMS, EMAIL, APP_PUSH, LETTER, VISIT, LEGAL = range(7)

# Complaints.
COMPLAINT_BASE = 0.0015
COMPLAINT_STRATEGY = np.array([1.0, 1.0, _EFFECT["firm_complaint_multiplier"], 1.0, 1.0])
TRAINED_HOURS = 16.0

# Repayment plans: monthly offer probability for a delinquent episode by strategy.
PLAN_OFFER = np.array([0.05, 0.14, 0.025, 0.05, 0.0])
PLAN_OFFER_HARDSHIP_FACTOR = 3.0
PLAN_ACCEPT_PROB = 0.65
FLEXIBLE_PLANS = ("term_extension", "installment_reduction")

AS_OF_DEFAULT = "2026-10"


# --------------------------------------------------------------------------------------------------
# Arrow helpers
# --------------------------------------------------------------------------------------------------

_ARROW_TYPES = {
    "text": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "double": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}


def arrow_schema(table_name: str) -> pa.Schema:
    """The Arrow schema the contract prescribes for one table."""
    spec = TABLES[table_name]
    return pa.schema([pa.field(c.name, _ARROW_TYPES[c.type], nullable=c.nullable) for c in spec.columns])


def _fixed_ids(prefix: str, numbers: np.ndarray, width: int | None = None) -> pa.Array:
    """Strings ``prefix + zero-padded number`` built as one Arrow buffer (no Python strings)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    count = len(numbers)
    if width is None:
        width = len(str(int(numbers.max()))) if count else 1
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    row = len(head) + width
    buf = np.empty((count, row), dtype=np.uint8)
    buf[:, : len(head)] = head
    rest = numbers.copy()
    for pos in range(row - 1, len(head) - 1, -1):
        buf[:, pos] = rest % 10 + 48
        rest //= 10
    offsets = np.arange(count + 1, dtype=np.int64) * row
    return _string_from_bytes(buf.ravel(), offsets)


def _string_from_bytes(data: np.ndarray, offsets: np.ndarray) -> pa.Array:
    count = len(offsets) - 1
    if offsets[-1] < 2**31 - 1:
        return pa.StringArray.from_buffers(count, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))
    large = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(data))
    return large.cast(pa.string())


def _labels(labels: tuple[str, ...] | list[str], codes: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Codes into a label list, as an Arrow string array; ``mask`` marks nulls."""
    arr = pa.array(list(labels), type=pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))
    if mask is not None and mask.any():
        arr = pc.if_else(pa.array(mask), pa.nulls(len(arr), pa.string()), arr)
    return arr


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Days since 1970-01-01 as date32; ``mask`` marks nulls."""
    return pa.array(np.asarray(days, dtype=np.int32), type=pa.date32(), mask=mask)


def _cents(cents: np.ndarray) -> np.ndarray:
    return np.asarray(cents, dtype=np.int64) / 100.0


# --------------------------------------------------------------------------------------------------
# Schedule closed forms
# --------------------------------------------------------------------------------------------------


def _installment(P: np.ndarray, r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Annuity ``A = P·r / (1 - (1+r)^-n)``, or ``P/n`` at zero rate."""
    growth = np.power(1.0 + r, n)
    safe = np.where(r > 0, r, 1.0)
    return np.where(r > 0, P * safe * growth / np.where(r > 0, growth - 1.0, 1.0), P / n)


def _schedule(P, r, n, method, k):
    """Cumulative scheduled payments of installments 1..k and principal left after them.

    Vectorised over loans; ``method`` codes follow REPAYMENT_METHODS (0 equal_installment,
    1 equal_principal, 2 interest_only). Formulas in the module docstring.
    """
    k = np.minimum(k, n).astype(np.float64)
    n = n.astype(np.float64)
    growth = np.power(1.0 + r, k)
    annuity = _installment(P, r, n)
    safe = np.where(r > 0, r, 1.0)
    ei_left = np.where(r > 0, P * growth - annuity * (growth - 1.0) / safe, P - annuity * k)
    ei_paid = annuity * k
    ep_left = P * (1.0 - k / n)
    ep_paid = k * P / n + r * P * (k - k * (k - 1.0) / (2.0 * n))
    matured = k >= n
    io_left = np.where(matured, 0.0, P)
    io_paid = k * P * r + np.where(matured, P, 0.0)
    paid = np.select([method == 0, method == 1], [ei_paid, ep_paid], io_paid)
    left = np.select([method == 0, method == 1], [ei_left, ep_left], io_left)
    return paid, np.maximum(left, 0.0)


# --------------------------------------------------------------------------------------------------
# Loans, borrowers, agents
# --------------------------------------------------------------------------------------------------

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰玉萍红华建国文辉鹏宇浩婷雪琳晨欣怡子涵梓轩博宁"
    "佳慧颖俊峰志鑫海波斌飞凯帅亮龙云丹倩玲燕凤春梅晓东阳彬雷林嘉思雨诗悦瑶晶欢蕾婧琪璐翔旭昊然瑞"
)
# Province/city prefixes of PRC resident ID numbers, by the book's regions.
_ID_PREFIX = {
    "east": (310101, 320102, 330102, 340102, 350102, 370102),
    "north": (110101, 120101, 130102, 140105, 150102),
    "south": (440103, 440304, 450102, 460105),
    "central": (420102, 430102, 410102, 360102),
    "southwest": (510104, 500101, 530102, 520102),
    "northwest": (610102, 620102, 630102, 640104, 650102),
    "northeast": (210102, 220102, 230102),
}
_PHONE_PREFIX = (130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157, 158, 159,
                 170, 173, 176, 177, 178, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 195, 198, 199)


def _utf8_table(chars: str) -> np.ndarray:
    """(len(chars), 3) uint8: the UTF-8 bytes of each CJK character (all 3 bytes long)."""
    raw = np.frombuffer(chars.encode("utf-8"), dtype=np.uint8)
    assert len(raw) == 3 * len(chars)
    return raw.reshape(-1, 3)


def _names(rng: np.random.Generator, count: int) -> pa.Array:
    """Chinese names: a common surname (Zipf-weighted) and one or two given-name characters."""
    surnames = _utf8_table(_SURNAMES)
    given = _utf8_table(_GIVEN)
    weights = 1.0 / np.arange(1, len(surnames) + 1) ** 0.9
    sur = rng.choice(len(surnames), size=count, p=weights / weights.sum())
    g1 = rng.integers(0, len(given), count)
    g2 = rng.integers(0, len(given), count)
    n_chars = np.where(rng.random(count) < 0.7, 3, 2)
    block = np.concatenate([surnames[sur], given[g1], given[g2]], axis=1)  # (count, 9)
    keep = np.arange(9)[None, :] < (3 * n_chars)[:, None]
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(3 * n_chars, out=offsets[1:])
    return _string_from_bytes(block[keep], offsets)


def _digits_to_strings(digits: np.ndarray) -> pa.Array:
    """(count, width) array of ASCII codes into an Arrow string array."""
    count, width = digits.shape
    return _string_from_bytes(np.ascontiguousarray(digits, dtype=np.uint8).ravel(),
                              np.arange(count + 1, dtype=np.int64) * width)


def _phones(rng: np.random.Generator, count: int) -> pa.Array:
    prefix = np.array(_PHONE_PREFIX)[rng.integers(0, len(_PHONE_PREFIX), count)]
    digits = np.empty((count, 11), dtype=np.uint8)
    for pos in range(3):
        digits[:, pos] = prefix // 10 ** (2 - pos) % 10 + 48
    digits[:, 3:] = rng.integers(0, 10, (count, 8)) + 48
    return _digits_to_strings(digits)


_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def _id_numbers(rng: np.random.Generator, region: np.ndarray, birth_days: np.ndarray) -> pa.Array:
    """18-character resident ID: region code, birth date YYYYMMDD, sequence, ISO 7064 MOD 11-2 check."""
    count = len(region)
    codes = np.empty(count, dtype=np.int64)
    for code, name in enumerate(REGIONS):
        pool = np.array(_ID_PREFIX[name])
        sel = region == code
        codes[sel] = pool[rng.integers(0, len(pool), int(sel.sum()))]
    birth = birth_days.astype("datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    seq = rng.integers(0, 1000, count)
    body = np.empty((count, 17), dtype=np.int64)
    for value, width, start in ((codes, 6, 0), (years, 4, 6), (months, 2, 10), (days, 2, 12), (seq, 3, 14)):
        for j in range(width):
            body[:, start + j] = value // 10 ** (width - 1 - j) % 10
    check = _ID_CHECK[(body @ _ID_WEIGHTS) % 11]
    digits = np.empty((count, 18), dtype=np.uint8)
    digits[:, :17] = body + 48
    digits[:, 17] = check
    return _digits_to_strings(digits)


def _month_index(as_of: str) -> np.datetime64:
    try:
        month = np.datetime64(as_of, "M")
    except ValueError as exc:
        raise ValueError(f"as_of must look like 'YYYY-MM', got {as_of!r}") from exc
    return month


@dataclass
class _Book:
    """Per-loan and per-borrower arrays shared by the simulation steps."""

    n_loans: int
    n_borrowers: int
    month0: np.datetime64
    month_day: np.ndarray  # first day of each calendar month (days since epoch), HISTORY_MONTHS + 1 entries
    loan_month: np.ndarray  # origination month index (0..HISTORY_MONTHS-1), ascending
    loan_day: np.ndarray  # origination date, days since epoch
    borrower: np.ndarray  # borrower index of each loan
    risk: np.ndarray  # latent loan risk score
    product: np.ndarray
    channel: np.ndarray
    principal: np.ndarray
    rate: np.ndarray
    term: np.ndarray
    method: np.ndarray
    due_offset: np.ndarray  # dpd at the month end of the first missed installment (1..30)
    b_region: np.ndarray
    b_risk: np.ndarray
    b_birth_day: np.ndarray
    b_income: np.ndarray
    b_employment: np.ndarray
    risk_tertile: np.ndarray  # 0 low, 1 medium, 2 high (by loan risk)


def _origination_weights(month0: np.datetime64) -> np.ndarray:
    """Mild growth (1.5% a month) and seasonality: a Spring-Festival dip, a year-end shopping peak."""
    months = month0 + np.arange(HISTORY_MONTHS)
    calendar_month = months.astype(np.int64) % 12 + 1
    season = np.ones(HISTORY_MONTHS)
    season[calendar_month == 2] = 0.80
    season[calendar_month == 11] = 1.15
    season[calendar_month == 12] = 1.10
    season[calendar_month == 6] = 1.05
    weights = season * 1.015 ** np.arange(HISTORY_MONTHS)
    return weights / weights.sum()


def _make_book(rng: np.random.Generator, n_loans: int, as_of_month: np.datetime64) -> _Book:
    month0 = as_of_month - (HISTORY_MONTHS - 1)
    month_day = (month0 + np.arange(HISTORY_MONTHS + 1)).astype("datetime64[D]").astype(np.int64)
    n_b = max(1, min(n_loans, int(round(n_loans * BORROWERS_PER_LOAN))))

    # Borrowers.
    b_region = rng.choice(len(REGIONS), size=n_b, p=[0.24, 0.16, 0.18, 0.14, 0.12, 0.08, 0.08])
    b_risk = rng.standard_normal(n_b)
    age = np.clip(rng.gamma(7.0, 5.0, n_b) + 1.0, 20, 62)  # mode in the early thirties
    b_risk = b_risk + 0.012 * (35.0 - age)  # the young are a little riskier
    as_of_day = int(month_day[-1]) - 1
    b_birth_day = (as_of_day - age * 365.25).astype(np.int64)
    b_income = np.round(8000.0 * np.exp(-0.25 * b_risk + 0.5 * rng.standard_normal(n_b)), -2)
    b_income = np.maximum(b_income, 1500.0)
    b_employment = rng.choice(len(EMPLOYMENT), size=n_b, p=[0.68, 0.20, 0.0, 0.03, 0.03, 0.06])

    # Loans: the first n_b loans give every borrower one loan; the rest are second loans of distinct
    # borrowers. Shuffled so second loans are spread over time.
    extra = n_loans - n_b
    borrower = np.concatenate([np.arange(n_b), rng.choice(n_b, size=extra, replace=False)])
    rng.shuffle(borrower)
    loan_month = np.sort(rng.choice(HISTORY_MONTHS, size=n_loans, p=_origination_weights(month0)))
    dim = np.diff(month_day)
    loan_day = month_day[loan_month] + np.floor(rng.random(n_loans) * dim[loan_month]).astype(np.int64)

    product = rng.choice(3, size=n_loans, p=[0.55, 0.30, 0.15])
    b_employment[borrower[product == 2]] = 1  # small-business owners are self-employed
    channel = rng.choice(4, size=n_loans, p=[0.45, 0.25, 0.15, 0.15])
    channel_shift = np.array([0.0, 0.15, -0.2, 0.3])[channel]
    product_shift = np.array([0.0, -0.1, 0.1])[product]
    risk = 0.8 * b_risk[borrower] + 0.6 * rng.standard_normal(n_loans) + channel_shift + product_shift

    median = np.array([20_000.0, 8_000.0, 60_000.0])[product]
    sigma = np.array([0.8, 0.6, 0.7])[product]
    principal = np.round(np.clip(median * np.exp(sigma * rng.standard_normal(n_loans) - 0.1 * risk),
                                 3000.0, 150_000.0), -2)
    logit = 1.3 * risk + 0.4 * rng.standard_normal(n_loans) - 0.2
    rate = np.round(np.clip(0.06 + 0.18 / (1.0 + np.exp(-logit)), 0.06, 0.24), 4)
    term_choices = np.array([6, 12, 18, 24, 36])
    term_p = np.array([
        [0.10, 0.35, 0.15, 0.25, 0.15],  # cash_loan
        [0.30, 0.40, 0.10, 0.20, 0.00],  # pos_installment
        [0.00, 0.35, 0.00, 0.35, 0.30],  # small_business
    ])
    term = np.empty(n_loans, dtype=np.int64)
    method = np.empty(n_loans, dtype=np.int8)
    method_p = np.array([[0.80, 0.15, 0.05], [0.90, 0.10, 0.00], [0.55, 0.15, 0.30]])
    for code in range(3):
        sel = np.flatnonzero(product == code)
        term[sel] = rng.choice(term_choices, size=len(sel), p=term_p[code])
        method[sel] = rng.choice(3, size=len(sel), p=method_p[code])
    due_offset = rng.integers(1, 31, n_loans)
    cuts = np.quantile(risk, [1 / 3, 2 / 3]) if n_loans >= 3 else np.array([0.0, 0.0])
    return _Book(
        n_loans=n_loans, n_borrowers=n_b, month0=month0, month_day=month_day, loan_month=loan_month,
        loan_day=loan_day, borrower=borrower, risk=risk, product=product, channel=channel,
        principal=principal, rate=rate, term=term, method=method, due_offset=due_offset,
        b_region=b_region, b_risk=b_risk, b_birth_day=b_birth_day, b_income=b_income,
        b_employment=b_employment, risk_tertile=np.searchsorted(cuts, risk),
    )


@dataclass
class _Agents:
    count: int
    team: np.ndarray
    agency: np.ndarray  # -1 in-house
    hire_day: np.ndarray
    training: np.ndarray
    after_hours: np.ndarray  # propensity to contact after hours (independent of training)
    third_party: np.ndarray  # propensity to reach an unrelated third party (independent of both)


def _make_agents(rng: np.random.Generator, n_loans: int, as_of_end_day: int) -> _Agents:
    count = max(20, int(round(n_loans / 100)))
    team = rng.integers(0, 12, count)
    agency = np.where(rng.random(count) < 0.65, -1, rng.integers(0, 6, count))
    hire_day = as_of_end_day - rng.integers(30, 6 * 365, count)
    untrained = rng.random(count) < 0.30
    training = np.where(untrained, rng.integers(0, 32, count) / 2.0, rng.integers(32, 121, count) / 2.0)
    # A few rogue agents: call late at night, or reach people unrelated to the debt.
    after_hours = np.where(rng.random(count) < 0.10, 0.30, 0.02)
    third_party = np.where(rng.random(count) < 0.10, 0.20, 0.01)
    return _Agents(count, team, agency, hire_day, training, after_hours, third_party)


# --------------------------------------------------------------------------------------------------
# Month-by-month simulation
# --------------------------------------------------------------------------------------------------

# Month outcomes of an open loan.
PAY_DUE, MISS, PAY_ONE, PARTIAL, PREPAY, PLAN_ACCEPT, SETTLE = range(7)
OPEN, PAID_OFF, CHARGED_OFF = range(3)  # LOAN_STATUS order


class _Collector:
    """Accumulates per-month column chunks and concatenates them once at the end.

    ``dtypes`` names compact storage types for the big collections (a million-loan book holds tens of
    millions of rows); other columns keep the type they arrive with.
    """

    def __init__(self, **dtypes) -> None:
        self.chunks: dict[str, list[np.ndarray]] = {}
        self.dtypes = dtypes
        self.rows = 0

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.chunks.setdefault(name, []).append(np.asarray(values, dtype=self.dtypes.get(name)))
        self.rows += len(next(iter(columns.values())))

    def get(self, name: str, dtype=None) -> np.ndarray:
        parts = self.chunks.get(name)
        if not parts:
            return np.empty(0, dtype=dtype or self.dtypes.get(name, np.int64))
        out = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return out if dtype is None else out.astype(dtype, copy=False)

    def pop(self, name: str, dtype=None) -> np.ndarray:
        """Like ``get``, and frees the chunks."""
        out = self.get(name, dtype)
        self.chunks.pop(name, None)
        return out


def _uniform_day(rng, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """A uniform integer in [low, high] (inclusive) per element."""
    span = np.maximum(high - low + 1, 1)
    return low + np.floor(rng.random(len(low)) * span).astype(np.int64)


def _simulate(rng: np.random.Generator, book: _Book, agents: _Agents):
    """Walk the calendar month by month, deciding every open loan's month at once.

    Per month: update borrower shocks; emit MOB-0 rows for new loans; for loans already open, decide the
    month's outcome (pay, miss, prepay, break a plan, take a plan offer, cure, pay one installment,
    partial, charge-off), derive the month-end row from the schedule closed forms, open episodes for new
    delinquencies, and draw that month's payments, actions and promises. Returns the collected chunks.
    """
    N = book.n_loans
    T = HISTORY_MONTHS
    month_day = book.month_day
    dim_all = np.diff(month_day)
    cure_mult = np.array([
        _EFFECT["cure_multiplier_standard"], _EFFECT["cure_multiplier_empathetic"],
        _EFFECT["cure_multiplier_firm"], _EFFECT["cure_multiplier_digital"], _EFFECT["cure_multiplier_holdout"],
    ])
    unemp_mult = _EFFECT["unemployment_miss_multiplier"]
    h_base = _EFFECT["plan_break_hazard"]
    h_flex_unemp = h_base * _EFFECT["flexible_plan_redefault_multiplier_unemployed"]
    untrained = agents.training < TRAINED_HOURS
    plan_type_code = {name: i for i, name in enumerate(PLAN_TYPES)}
    flexible_codes = np.array([plan_type_code[p] for p in FLEXIBLE_PLANS])

    # Loan state: the schedule in force (the contract one, or a plan's re-amortisation) and progress.
    is_open = np.ones(N, dtype=bool)
    sched_P = book.principal.copy()
    sched_r = book.rate / 12.0
    sched_n = book.term.copy()
    sched_method = book.method.astype(np.int8)
    sched_start = book.loan_month.astype(np.int64)  # installment j falls due in month start + j
    paid_k = np.zeros(N, dtype=np.int64)
    missed_m = np.zeros(N, dtype=np.int64)
    strategy = np.full(N, -1, dtype=np.int64)
    agent = np.full(N, -1, dtype=np.int64)
    episode_had_plan = np.zeros(N, dtype=bool)
    plan_active = np.zeros(N, dtype=bool)
    plan_left = np.zeros(N, dtype=np.int64)
    plan_hazard = np.zeros(N)
    plan_of_loan = np.full(N, -1, dtype=np.int64)

    # Borrower shocks.
    can_lose_job = np.isin(book.b_employment, [0, 1, 5])
    unemployed = np.zeros(book.n_borrowers, dtype=bool)
    ill = np.zeros(book.n_borrowers, dtype=bool)

    first_loan_of_month = np.searchsorted(book.loan_month, np.arange(T + 1))

    tape = _Collector(loan=np.int32, month=np.int16, balance=np.float64, dpd=np.int32, due=np.int64,
                      paid=np.int64, status=np.int8)
    actions = _Collector(loan=np.int32, agent=np.int32, channel=np.int8, at_us=np.int64, role=np.int8,
                         connected=np.bool_, outcome=np.int8, strat=np.int8, after_hours=np.bool_, day=np.int32,
                         untrained=np.bool_)
    payments = _Collector(loan=np.int32, day=np.int32, cents=np.int64, kind=np.int8)
    episodes, promises, plans, plan_ends, charge_offs = (_Collector() for _ in range(5))
    n_plans = 0

    for t in range(T):
        day0 = int(month_day[t])
        dim = int(dim_all[t])
        last_month = t == T - 1

        turn = rng.random(book.n_borrowers)
        unemployed = np.where(unemployed, turn >= UNEMPLOYMENT_END, (turn < UNEMPLOYMENT_ONSET) & can_lose_job)
        turn = rng.random(book.n_borrowers)
        ill = np.where(ill, turn >= ILLNESS_END, turn < ILLNESS_ONSET)

        # MOB 0: the origination month, balance = principal and nothing due yet.
        born = np.arange(first_loan_of_month[t], first_loan_of_month[t + 1])
        zeros = np.zeros(len(born), dtype=np.int64)
        tape.add(loan=born, month=np.full(len(born), t), balance=book.principal[born], dpd=zeros,
                 due=zeros, paid=zeros, status=zeros)

        idx = np.flatnonzero(is_open[: first_loan_of_month[t]])
        n_open = len(idx)
        if n_open == 0:
            continue
        b = book.borrower[idx]
        z = book.risk[idx]
        P, r, n, meth = sched_P[idx], sched_r[idx], sched_n[idx], sched_method[idx]
        s, k = sched_start[idx], paid_k[idx]
        m_prev = missed_m[idx]
        d = np.clip(t - s, 0, n)
        paid_to_k, left_k = _schedule(P, r, n, meth, k)
        paid_to_d, left_d = _schedule(P, r, n, meth, d)
        paid_to_k1, left_k1 = _schedule(P, r, n, meth, k + 1)
        due = paid_to_d - paid_to_k  # installments falling due this month plus arrears
        one = paid_to_k1 - paid_to_k  # the oldest unpaid installment
        due_c = np.round(due * 100).astype(np.int64)
        one_c = np.round(one * 100).astype(np.int64)

        b_unemp, b_ill = unemployed[b], ill[b]
        shocked = b_unemp | b_ill
        miss_mult = np.maximum(np.where(b_unemp, unemp_mult, 1.0), np.where(b_ill, ILLNESS_MISS_MULTIPLIER, 1.0))
        on_plan = plan_active[idx]
        current = (m_prev == 0) & ~on_plan
        delinquent = m_prev >= 1
        strat = strategy[idx]
        strat_safe = np.where(strat >= 0, strat, STANDARD)

        u = rng.random(n_open)
        u2 = rng.random(n_open)
        u3 = rng.random(n_open)
        outcome = np.full(n_open, PAY_DUE, dtype=np.int8)

        # Current loans: pay, miss, or prepay in full.
        something_due = d > k
        p_miss = np.minimum(MISS_BASE * np.exp(RISK_MISS_SLOPE * z) * miss_mult, 0.9)
        outcome[current & something_due & (u < p_miss)] = MISS
        outcome[current & (u2 < PREPAY_MONTHLY) & (d < n) & (outcome == PAY_DUE)] = PREPAY

        # Loans on an active plan: pay the plan installment unless the plan breaks this month.
        breaks = on_plan & something_due & (u < plan_hazard[idx])
        outcome[breaks] = MISS

        # Delinquent loans: maybe a plan offer, else cure / pay one / partial / nothing.
        offer_p = PLAN_OFFER[strat_safe] * np.where(shocked, PLAN_OFFER_HARDSHIP_FACTOR, 1.0)
        offered = delinquent & (strat >= 0) & ~episode_had_plan[idx] & (u3 < offer_p)
        off_pos = np.flatnonzero(offered)
        plan_rows = None
        if len(off_pos):
            plan_rows = _offer_plans(rng, off_pos, b_unemp, b_ill, book.product[idx], last_month, dim,
                                     flexible_codes, h_base, h_flex_unemp)
            accepted = plan_rows["accepted"]
            settle = plan_rows["plan_type"] == plan_type_code["settlement"]
            outcome[off_pos[accepted & settle]] = SETTLE
            outcome[off_pos[accepted & ~settle]] = PLAN_ACCEPT
            episode_had_plan[idx[off_pos]] = True

        regular = delinquent & (outcome != SETTLE) & (outcome != PLAN_ACCEPT)
        m_cap = np.minimum(m_prev, 7)
        cure_p = (CURE_BASE[m_cap] * cure_mult[strat_safe] * np.exp(-RISK_CURE_SLOPE * z)
                  * np.where(shocked, SHOCK_CURE_FACTOR, 1.0))
        cure_p = np.minimum(cure_p, 0.95)
        pays_one = u < cure_p + PAY_ONE_PROB[m_cap]
        outcome[regular & ~(u < cure_p) & pays_one] = PAY_ONE
        outcome[regular & ~pays_one & (u2 < PARTIAL_SHARE)] = PARTIAL
        outcome[regular & ~pays_one & ~(u2 < PARTIAL_SHARE)] = MISS
        outcome[regular & (u < cure_p)] = PAY_DUE

        # Post-decision state.
        k_new = np.where(outcome == PAY_DUE, d, np.where(outcome == PAY_ONE, np.minimum(k + 1, n), k))
        paid_c = np.zeros(n_open, dtype=np.int64)
        paid_c[outcome == PAY_DUE] = due_c[outcome == PAY_DUE]
        paid_c[outcome == PAY_ONE] = one_c[outcome == PAY_ONE]
        is_partial = outcome == PARTIAL
        partial_share = 0.1 + 0.7 * rng.random(int(is_partial.sum()))
        paid_c[is_partial] = np.maximum(1, np.round(one_c[is_partial] * partial_share))
        prepay = outcome == PREPAY
        paid_c[prepay] = due_c[prepay] + np.round(left_d[prepay] * 100).astype(np.int64)
        balance = np.where(k_new == k, left_k, np.where(k_new == d, left_d, left_k1))

        paid_off = ((k_new >= n) & ((outcome == PAY_DUE) | (outcome == PAY_ONE))) | prepay | (outcome == SETTLE)
        balance = np.where(paid_off, 0.0, balance)
        charged_off = regular & (m_prev >= CHARGE_OFF_M) & ~(u < cure_p)
        charged_off &= ~paid_off
        # m counts months since the oldest unpaid installment fell due: past maturity it keeps ageing.
        m_new = np.where((k_new < d) & ~paid_off & (outcome != PLAN_ACCEPT), t - s - k_new, 0)
        offset = book.due_offset[idx]
        dpd = np.where(m_new >= 1, 30 * (m_new - 1) + offset, 0)
        status = np.where(paid_off, PAID_OFF, np.where(charged_off, CHARGED_OFF, OPEN))

        # Plan acceptances: arrears capitalised, re-amortised from this month on, loan current again.
        if plan_rows is not None:
            first_plan_id = n_plans
            n_plans += len(off_pos)
            accepted = plan_rows["accepted"]
            settle_sel = accepted & (plan_rows["plan_type"] == plan_type_code["settlement"])
            owed = left_d[off_pos] + due[off_pos]  # principal not yet due + everything due now
            settle_c = np.round(owed * plan_rows["settle_share"] * 100).astype(np.int64)
            paid_c[off_pos[settle_sel]] = settle_c[settle_sel]
            balance[off_pos[settle_sel]] = 0.0
            plan_rows["settlement_c"] = np.where(plan_rows["plan_type"] == plan_type_code["settlement"], settle_c, 0)

            remaining = (n - d)[off_pos]
            new_n = np.maximum(remaining + plan_rows["extension"], 6)
            new_rate = np.where(plan_rows["rate_factor"] >= 0, r[off_pos] * plan_rows["rate_factor"], r[off_pos])
            new_P = owed
            plan_rows["new_installment"] = _installment(new_P, new_rate, new_n)
            plan_rows["new_rate"] = new_rate * 12.0
            reamortise = accepted & ~settle_sel
            pos = off_pos[reamortise]
            loans = idx[pos]
            sched_P[loans] = new_P[reamortise]
            sched_r[loans] = new_rate[reamortise]
            sched_n[loans] = new_n[reamortise]
            sched_method[loans] = 0
            sched_start[loans] = t
            k_new[pos] = 0
            balance[pos] = new_P[reamortise]
            plan_active[loans] = True
            plan_left[loans] = np.minimum(plan_rows["months"][reamortise], new_n[reamortise])
            plan_hazard[loans] = plan_rows["hazard"][reamortise]
            plan_of_loan[loans] = first_plan_id + np.flatnonzero(reamortise)

        # Payment dates: on-time payments land in the week before the due day; arrears any time.
        due_day = np.clip(dim - offset, 1, dim)
        pay_day = np.where(delinquent | prepay, _uniform_day(rng, np.ones(n_open, np.int64), np.full(n_open, dim)),
                           _uniform_day(rng, np.maximum(due_day - 6, 1), due_day))
        if plan_rows is not None:
            took = plan_rows["accepted"]
            pay_day[off_pos[took]] = plan_rows["accept_day"][took]
        split = delinquent & (paid_c >= 2) & (rng.random(n_open) < 0.15) & (outcome != SETTLE)
        first_day = np.where(split, _uniform_day(rng, np.ones(n_open, np.int64), pay_day), pay_day)
        first_c = np.where(split, np.round(paid_c * (0.2 + 0.6 * rng.random(n_open))).astype(np.int64), paid_c)
        first_c = np.where(split, np.clip(first_c, 1, paid_c - 1), first_c)
        second_c = paid_c - first_c

        # Plans that break (ended the day after the missed due day) or complete this month.
        if breaks.any():
            loans = idx[breaks]
            plan_ends.add(plan=plan_of_loan[loans], day=day0 + np.minimum(due_day[breaks], dim - 1),
                          status=np.full(len(loans), PLAN_STATUS.index("broken")))
            plan_active[loans] = False
        made_plan_payment = on_plan & (outcome == PAY_DUE) & something_due
        plan_left[idx[made_plan_payment]] -= 1
        completes = made_plan_payment & ((plan_left[idx] <= 0) | paid_off)
        if completes.any():
            loans = idx[completes]
            plan_ends.add(plan=plan_of_loan[loans], day=day0 + pay_day[completes] - 1,
                          status=np.full(len(loans), PLAN_STATUS.index("completed")))
            plan_active[loans] = False

        # New delinquency episodes get a strategy, an agent and maybe an experiment arm.
        entering = (m_prev == 0) & (m_new >= 1) & (status == OPEN)
        ent = np.flatnonzero(entering)
        if len(ent):
            new_strat, group = _assign_strategy(rng, book.risk_tertile[idx[ent]])
            strategy[idx[ent]] = new_strat
            agent[idx[ent]] = rng.integers(0, agents.count, len(ent))
            episode_had_plan[idx[ent]] = False
            assigned = day0 + np.minimum(due_day[ent] + 1, dim) - 1  # the first day past due
            episodes.add(loan=idx[ent], strategy=new_strat, day=assigned, group=group)
            strat = strategy[idx]

        # State write-back.
        paid_k[idx] = k_new
        missed_m[idx] = m_new
        closed = status != OPEN
        is_open[idx[closed]] = False
        plan_active[idx[closed]] = False
        recovered = idx[charged_off]
        if len(recovered):
            charge_offs.add(loan=recovered, month=np.full(len(recovered), t),
                            cents=np.round(balance[charged_off] * 100))

        tape.add(loan=idx, month=np.full(n_open, t), balance=np.round(balance, 2), dpd=dpd,
                 due=due_c, paid=paid_c, status=status)

        # Payments (kind: plan while a plan is active, settlement, else scheduled).
        kind = np.where(on_plan, PAYMENT_KINDS.index("plan"), PAYMENT_KINDS.index("scheduled"))
        kind = np.where(outcome == SETTLE, PAYMENT_KINDS.index("settlement"), kind)
        has1 = first_c > 0
        payments.add(loan=idx[has1], day=day0 + first_day[has1] - 1, cents=first_c[has1], kind=kind[has1])
        has2 = second_c > 0
        payments.add(loan=idx[has2], day=day0 + pay_day[has2] - 1, cents=second_c[has2], kind=kind[has2])

        if plan_rows is not None:
            plans.add(loan=idx[off_pos], offered=day0 + plan_rows["offer_day"] - 1,
                      accepted=day0 + plan_rows["accept_day"] - 1, is_accepted=plan_rows["accepted"],
                      pending=plan_rows["pending"], plan_type=plan_rows["plan_type"],
                      hardship=plan_rows["hardship"], extension=plan_rows["extension"],
                      new_installment=plan_rows["new_installment"], rate_after=plan_rows["new_rate"],
                      rate_factor=plan_rows["rate_factor"], settlement_c=plan_rows["settlement_c"],
                      month=np.full(len(off_pos), t))
            settled = plan_rows["accepted"] & (plan_rows["plan_type"] == plan_type_code["settlement"])
            if settled.any():
                plan_ends.add(plan=first_plan_id + np.flatnonzero(settled),
                              day=day0 + plan_rows["accept_day"][settled] - 1,
                              status=np.full(int(settled.sum()), PLAN_STATUS.index("completed")))

        # Collection actions for every month the loan spent delinquent (not holdout).
        worked = ((m_prev >= 1) | (m_new >= 1)) & (strat >= 0) & (strat != HOLDOUT)
        rows = np.flatnonzero(worked)
        if len(rows):
            start = np.where(m_prev[rows] >= 1, 1, np.minimum(due_day[rows] + 1, dim))
            stopped = (m_new[rows] == 0) | (status[rows] == PAID_OFF)
            end = np.where(stopped, pay_day[rows], dim)
            end = np.maximum(end, start)
            _actions_for_month(
                rng, actions, promises, t=t, day0=day0, dim=dim, loans=idx[rows], strat=strat[rows],
                m=np.maximum(np.maximum(m_prev[rows], m_new[rows]), 1), start=start, end=end,
                agent_of_loan=agent[idx[rows]], agents=agents, untrained=untrained,
                shocked=shocked[rows], paid_c=paid_c[rows], due_c=due_c[rows], one_c=one_c[rows],
                pay_days=(first_day[rows], first_c[rows], pay_day[rows], second_c[rows]),
                last_day=int(month_day[T]) - 1,
            )

    return {
        "tape": tape, "episodes": episodes, "actions": actions, "promises": promises, "plans": plans,
        "plan_ends": plan_ends, "payments": payments, "charge_offs": charge_offs,
        "unemployed_at_end": unemployed,
    }


def _assign_strategy(rng: np.random.Generator, tertile: np.ndarray):
    """Strategy and test group of new episodes.

    25% of episodes enter the randomised experiment: champion (standard) 50%, challenger 40% (empathetic,
    firm, digital evenly), holdout 10%. The rest follow the risk rule (low risk → digital, medium →
    standard, high → firm) with some noise, so naive strategy comparisons are confounded by risk.
    """
    count = len(tertile)
    in_test = rng.random(count) < EXPERIMENT_SHARE
    arm = rng.random(count)
    challenger = np.array([EMPATHETIC, FIRM, DIGITAL])[np.minimum(((arm - 0.5) / 0.4 * 3).astype(np.int64), 2)]
    test_strategy = np.where(arm < 0.5, STANDARD, np.where(arm < 0.9, challenger, HOLDOUT))
    test_group = np.where(arm < 0.5, 0, np.where(arm < 0.9, 1, 2))
    rule = np.array([DIGITAL, STANDARD, FIRM])[tertile]
    noisy = rng.random(count) < RULE_NOISE
    rule = np.where(noisy, rng.integers(0, 4, count), rule)
    strategy = np.where(in_test, test_strategy, rule)
    group = np.where(in_test, test_group, TEST_GROUPS.index("none"))
    return strategy, group


def _offer_plans(rng, off_pos, b_unemp, b_ill, product, last_month, dim, flexible_codes, h_base, h_flex_unemp):
    """Plan offers to delinquent episodes: hardship, plan type, terms, acceptance and break hazard."""
    count = len(off_pos)
    unemp = b_unemp[off_pos]
    sick = b_ill[off_pos] & ~unemp
    other = rng.choice([HARDSHIP.index(h) for h in ("income_drop", "business_failure", "family", "other", "none")],
                       size=count, p=[0.35, 0.10, 0.15, 0.15, 0.25])
    other = np.where((other == HARDSHIP.index("business_failure")) & (product[off_pos] != 2),
                     HARDSHIP.index("income_drop"), other)
    hardship = np.where(unemp, HARDSHIP.index("unemployment"), np.where(sick, HARDSHIP.index("illness"), other))
    # PLAN_TYPES order: term_extension, installment_reduction, interest_waiver, deferral, settlement, combination
    plan_type = rng.choice(len(PLAN_TYPES), size=count, p=[0.30, 0.20, 0.12, 0.15, 0.10, 0.13])
    extension = rng.choice(np.array([6, 12, 18, 24]), size=count)
    code = {name: i for i, name in enumerate(PLAN_TYPES)}
    # Rate factor: -1 keeps the contract rate (rate_after stays null).
    rate_factor = np.select(
        [plan_type == code["installment_reduction"], plan_type == code["interest_waiver"],
         plan_type == code["combination"]], [0.7, 0.0, 0.5], -1.0)
    extension = np.select(
        [plan_type == code["interest_waiver"], plan_type == code["settlement"], plan_type == code["deferral"]],
        [0, 0, rng.integers(2, 7, count)], extension)
    is_flexible = np.isin(plan_type, flexible_codes)
    hazard = np.where(is_flexible & (hardship == HARDSHIP.index("unemployment")), h_flex_unemp, h_base)
    pending = np.zeros(count, dtype=bool)
    if last_month:
        pending = rng.random(count) < 0.5
    accepted = ~pending & (rng.random(count) < PLAN_ACCEPT_PROB)
    offer_day = rng.integers(1, dim + 1, count)
    accept_day = np.minimum(offer_day + rng.integers(0, 8, count), dim)
    return {
        "hardship": hardship, "plan_type": plan_type, "extension": extension, "rate_factor": rate_factor,
        "hazard": hazard, "pending": pending, "accepted": accepted, "offer_day": offer_day,
        "accept_day": accept_day, "months": rng.choice(np.array([6, 12]), size=count),
        "settle_share": 0.5 + 0.35 * rng.random(count),
    }


_OUTCOME_CONNECTED = np.array([OUTCOMES.index(o) for o in
                               ("contacted", "promise_to_pay", "refused", "dispute", "hardship_reported", "paid")])


def _actions_for_month(rng, actions, promises, *, t, day0, dim, loans, strat, m, start, end, agent_of_loan,
                       agents, untrained, shocked, paid_c, due_c, one_c, pay_days, last_day):
    """Collection actions of one calendar month, with their promises; complaints are drawn later."""
    rows = len(loans)
    window = (end - start + 1) / dim
    rates = ACTION_RATES[strat] * (np.where(m >= 2, 1.2, 1.0) * window)[:, None]
    rates[:, VISIT] *= m >= 2
    rates[:, LEGAL] *= m >= 3
    counts = rng.poisson(rates)
    per_row = counts.sum(axis=1)
    total = int(per_row.sum())
    if total == 0:
        return
    row = np.repeat(np.arange(rows), per_row)
    channel = np.repeat(np.tile(np.arange(len(ACTION_CHANNELS)), rows), counts.ravel())
    human = HUMAN_CHANNEL[channel]
    agent = np.where(human, agent_of_loan[row], -1)
    agent_safe = np.maximum(agent, 0)

    day = _uniform_day(rng, start[row], end[row])
    after_hours = human & (rng.random(total) < agents.after_hours[agent_safe])
    hour = np.where(after_hours, (22 + rng.integers(0, 10, total)) % 24, rng.integers(8, 22, total))
    seconds = hour * 3600 + rng.integers(0, 3600, total)

    role_u = rng.random(total)
    tp = agents.third_party[agent_safe]
    role = np.select([role_u < tp, role_u < tp + 0.04, role_u < tp + 0.12], [3, 1, 2], 0)
    role = np.where(human, role, 0)

    m_row = m[row]
    conn_u = rng.random(total)
    connected = np.select([channel == CALL, channel == VISIT],
                          [conn_u < 0.46 - 0.03 * np.minimum(m_row - 1, 3), conn_u < 0.60], False)

    # Connected outcomes: contacted, promise_to_pay, refused, dispute, hardship_reported, paid. A borrower
    # who pays this month is far more likely to have promised to.
    weights = np.tile(np.array([0.45, 0.15, 0.15, 0.05, 0.05, 0.0]), (total, 1))
    weights[:, 2] *= np.where(strat[row] == FIRM, 2.0, 1.0)
    weights[:, 4] *= np.where(shocked[row], 6.0, 1.0)
    row_paid = paid_c[row] > 0
    weights[:, 1] *= np.where(row_paid, 8.0, 1.0)
    weights[:, 5] = np.where(row_paid, 0.08, 0.0)
    cum = np.cumsum(weights, axis=1)
    pick = (cum < (rng.random(total) * cum[:, -1])[:, None]).sum(axis=1)
    outcome = np.where(connected, _OUTCOME_CONNECTED[np.minimum(pick, 5)], OUTCOMES.index("no_contact"))

    # A promise that is then kept is typically taken in the days just before the payment.
    ptp = np.flatnonzero(outcome == OUTCOMES.index("promise_to_pay"))
    before_payment = ptp[row_paid[ptp]]
    if len(before_payment):
        r = row[before_payment]
        lead = rng.integers(0, 7, len(before_payment))
        day[before_payment] = np.clip(pay_days[2][r] - lead, start[r], end[r])
    at_us = ((day0 + day - 1).astype(np.int64) * 86_400 + seconds) * 1_000_000

    action_base = actions.rows  # position of this month's first action in the whole action stream
    actions.add(loan=loans[row], agent=agent, channel=channel, at_us=at_us, role=role, connected=connected,
                outcome=outcome, strat=strat[row], after_hours=after_hours, day=day0 + day - 1,
                untrained=human & untrained[agent_safe])

    if len(ptp):
        r = row[ptp]
        promised_rel = day[ptp] + rng.integers(1, 11, len(ptp))
        promised_day = np.minimum(day0 + promised_rel - 1, last_day)
        # Promise the whole arrears or the oldest installment; a borrower about to pay mostly promises
        # what they will pay.
        amount = np.where(rng.random(len(ptp)) < 0.6, due_c[r], np.minimum(one_c[r], due_c[r]))
        amount = np.where((paid_c[r] > 0) & (rng.random(len(ptp)) < 0.7), paid_c[r], amount)
        amount = np.maximum(amount, 100)
        first_day, first_c, second_day, second_c = (x[r] for x in pay_days)
        in_window = lambda pd: (pd >= day[ptp]) & (pd <= promised_rel)  # noqa: E731
        paid = np.where(in_window(first_day), first_c, 0) + np.where(in_window(second_day), second_c, 0)
        promises.add(loan=loans[r], action=action_base + ptp, promised_day=promised_day, amount_c=amount,
                     paid_c=paid)


def _recoveries(rng: np.random.Generator, charge_offs: _Collector, month_day: np.ndarray):
    """Recovery payments after charge-off: 10–25% of the charged-off amount over up to 24 months, decaying."""
    loans = charge_offs.get("loan")
    if len(loans) == 0:
        return loans, loans, loans
    co_month = charge_offs.get("month")
    cents = charge_offs.get("cents").astype(np.float64)
    count = len(loans)
    horizon = 24
    share = rng.beta(2.0, 9.0, count)  # mean 0.18 of the charged-off amount
    lag = np.arange(1, horizon + 1)
    weight = 0.88 ** lag[None, :] * (rng.random((count, horizon)) < 0.45)
    total = weight.sum(axis=1, keepdims=True)
    amount = np.floor(cents[:, None] * share[:, None] * weight / np.where(total > 0, total, 1.0))
    months = co_month[:, None] + lag[None, :]
    visible = (months < HISTORY_MONTHS) & (amount >= 1)
    loan_rep = np.broadcast_to(loans[:, None], months.shape)[visible]
    month_rep = months[visible]
    dim = np.diff(month_day)[month_rep]
    day = month_day[month_rep] + np.floor(rng.random(len(month_rep)) * dim).astype(np.int64)
    return loan_rep, day, amount[visible].astype(np.int64)


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def generate_book(n_loans: int = 20_000, seed: int = 42, as_of: str = AS_OF_DEFAULT) -> dict[str, pa.Table]:
    """Generate the whole sample book, every table of the contract, as Arrow tables.

    Same ``n_loans``, ``seed`` and ``as_of`` give bit-for-bit identical tables.
    """
    if n_loans < 1:
        raise ValueError("n_loans must be at least 1")
    rng = np.random.default_rng(seed)
    as_of_month = _month_index(as_of)
    book = _make_book(rng, n_loans, as_of_month)
    last_day = int(book.month_day[-1]) - 1
    agents = _make_agents(rng, n_loans, last_day)
    sim = _simulate(rng, book, agents)
    loan_ids = _fixed_ids("L", np.arange(1, n_loans + 1), width=max(8, len(str(n_loans))))
    borrower_ids = _fixed_ids("B", np.arange(1, book.n_borrowers + 1), width=max(8, len(str(book.n_borrowers))))
    agent_ids = _fixed_ids("AG", np.arange(1, agents.count + 1), width=max(4, len(str(agents.count))))

    tables: dict[str, pa.Table] = {}
    tables["loans"] = _loans_table(book, loan_ids, borrower_ids)
    tables["borrowers"] = _borrowers_table(rng, book, borrower_ids, sim["unemployed_at_end"])
    tables["loan_months"] = _loan_months_table(book, sim["tape"], loan_ids)
    tables["strategy_assignments"] = _strategies_table(sim["episodes"], loan_ids)
    actions_table, action_order, complaints = _actions_table(rng, sim["actions"], loan_ids, agent_ids, agents,
                                                             last_day)
    tables["collection_actions"] = actions_table
    tables["promises"] = _promises_table(sim["promises"], loan_ids, actions_table, action_order)
    tables["repayment_plans"] = _plans_table(sim["plans"], sim["plan_ends"], loan_ids)
    tables["payments"] = _payments_table(rng, sim["payments"], sim["charge_offs"], book.month_day, loan_ids)
    tables["agents"] = _agents_table(agents, agent_ids)
    tables["complaints"] = complaints
    return {name: tables[name] for name in TABLES}


def _table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    schema = arrow_schema(name)
    arrays = [columns[f.name].cast(f.type) if columns[f.name].type != f.type else columns[f.name] for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _loans_table(book: _Book, loan_ids, borrower_ids) -> pa.Table:
    return _table("loans", {
        "loan_id": loan_ids,
        "borrower_id": borrower_ids.take(pa.array(book.borrower)),
        "product": _labels(PRODUCTS, book.product),
        "channel": _labels(CHANNELS, book.channel),
        "region": _labels(REGIONS, book.b_region[book.borrower]),
        "origination_date": _dates(book.loan_day),
        "principal": pa.array(book.principal),
        "annual_rate": pa.array(book.rate),
        "term_months": pa.array(book.term.astype(np.int64)),
        "repayment_method": _labels(REPAYMENT_METHODS, book.method),
    })


def _borrowers_table(rng, book: _Book, borrower_ids, unemployed_at_end) -> pa.Table:
    count = book.n_borrowers
    birth = book.b_birth_day.astype("datetime64[D]")
    employment = np.where(unemployed_at_end, EMPLOYMENT.index("unemployed"), book.b_employment)
    return _table("borrowers", {
        "borrower_id": borrower_ids,
        "name": _names(rng, count),
        "phone": _phones(rng, count),
        "id_number": _id_numbers(rng, book.b_region, book.b_birth_day),
        "birth_year": pa.array(birth.astype("datetime64[Y]").astype(np.int64) + 1970),
        "monthly_income": pa.array(book.b_income),
        "employment_status": _labels(EMPLOYMENT, employment),
        "region": _labels(REGIONS, book.b_region),
    })


def _loan_months_table(book: _Book, tape: _Collector, loan_ids) -> pa.Table:
    loan = tape.pop("loan")
    order = np.argsort(loan, kind="stable")  # chunks are month by month: stable sort gives loan, month
    columns = {
        "loan_id": loan_ids.take(pa.array(loan[order])),
        "month": _dates(book.month_day[tape.pop("month")[order]]),
    }
    del loan
    columns["balance"] = pa.array(tape.pop("balance")[order])
    columns["dpd"] = pa.array(tape.pop("dpd", np.int64)[order])
    columns["amount_due"] = pa.array(_cents(tape.pop("due")[order]))
    columns["amount_paid"] = pa.array(_cents(tape.pop("paid")[order]))
    columns["status"] = _labels(LOAN_STATUS, tape.pop("status")[order])
    return _table("loan_months", columns)


def _strategies_table(episodes: _Collector, loan_ids) -> pa.Table:
    loan = episodes.get("loan")
    day = episodes.get("day")
    order = np.lexsort((loan, day))
    return _table("strategy_assignments", {
        "loan_id": loan_ids.take(pa.array(loan[order])),
        "strategy": _labels(STRATEGIES, episodes.get("strategy")[order]),
        "assigned_date": _dates(day[order]),
        "test_group": _labels(TEST_GROUPS, episodes.get("group")[order]),
    })


def _actions_table(rng, actions: _Collector, loan_ids, agent_ids, agents: _Agents, last_day: int):
    at_us = actions.pop("at_us")
    order = np.argsort(at_us, kind="stable")  # action ids in time order
    at_us = at_us[order]
    loan = actions.pop("loan")[order]
    agent = actions.pop("agent")[order]
    channel = actions.pop("channel")[order]
    role = actions.pop("role")[order]
    strat = actions.pop("strat")[order]
    after_hours = actions.pop("after_hours")[order]
    untrained = actions.pop("untrained")[order]
    day = actions.pop("day")[order]
    count = len(loan)
    action_ids = _fixed_ids("ACT", np.arange(1, count + 1), width=max(9, len(str(count))))
    human = agent >= 0
    table = _table("collection_actions", {
        "action_id": action_ids,
        "loan_id": loan_ids.take(pa.array(loan)),
        "agent_id": pc.if_else(pa.array(human), agent_ids.take(pa.array(np.maximum(agent, 0))),
                               pa.nulls(count, pa.string())),
        "channel": _labels(ACTION_CHANNELS, channel),
        "action_at": pa.array(at_us.view("datetime64[us]")),
        "contact_role": _labels(CONTACT_ROLES, role),
        "connected": pa.array(actions.pop("connected")[order]),
        "outcome": _labels(OUTCOMES, actions.pop("outcome")[order]),
        "cost": pa.array(CHANNEL_COST[channel]),
    })

    # Complaints: each action independently, with the multiplicative causes of EFFECTS.
    third = role == CONTACT_ROLES.index("unrelated_third_party")
    p = (COMPLAINT_BASE * COMPLAINT_STRATEGY[strat]
         * np.where(after_hours, _EFFECT["after_hours_complaint_multiplier"], 1.0)
         * np.where(third, _EFFECT["third_party_complaint_multiplier"], 1.0)
         * np.where(untrained, _EFFECT["untrained_complaint_multiplier"], 1.0))
    hit = np.flatnonzero(rng.random(count) < p)
    category = _complaint_category(rng, strat[hit], after_hours[hit], third[hit], untrained[hit], channel[hit])
    received = np.minimum(day[hit] + rng.integers(0, 6, len(hit)), last_day)
    n_c = len(hit)
    c_order = np.lexsort((hit, received))
    hit, category, received = hit[c_order], category[c_order], received[c_order]
    complaints = _table("complaints", {
        "complaint_id": _fixed_ids("CMP", np.arange(1, n_c + 1), width=max(7, len(str(n_c)))),
        "loan_id": loan_ids.take(pa.array(loan[hit])),
        "agent_id": table.column("agent_id").take(pa.array(hit)),
        "received_date": _dates(received),
        "category": _labels(COMPLAINT_CATEGORIES, category),
        "escalated": pa.array(rng.random(n_c) < 0.15),
    })
    return table, order, complaints


def _complaint_category(rng, strat, after_hours, third, untrained, channel):
    """The category names the cause most likely responsible for the complaint.

    A cause with multiplier M explains a share 1 - 1/M of the complaints where it is present; the
    causes are checked from the most to the least specific.
    """
    count = len(strat)
    cat = {name: i for i, name in enumerate(COMPLAINT_CATEGORIES)}
    u = rng.random(count)
    generic = rng.choice([cat["excessive_contact"], cat["fee_dispute"], cat["privacy_leak"], cat["other"]],
                         size=count, p=[0.45, 0.25, 0.10, 0.20])
    harsh = np.where(rng.random(count) < 0.7, cat["harassment"], cat["threat"])
    out = generic
    out = np.where(untrained & (u < 1 - 1 / _EFFECT["untrained_complaint_multiplier"]),
                   np.where(rng.random(count) < 0.5, cat["harassment"], cat["excessive_contact"]), out)
    out = np.where((strat == FIRM) & (u < 1 - 1 / _EFFECT["firm_complaint_multiplier"]), harsh, out)
    out = np.where(after_hours & (u < 1 - 1 / _EFFECT["after_hours_complaint_multiplier"]),
                   cat["after_hours_contact"], out)
    out = np.where(third & (u < 1 - 1 / _EFFECT["third_party_complaint_multiplier"]),
                   cat["third_party_disclosure"], out)
    return out


def _promises_table(promises: _Collector, loan_ids, actions_table: pa.Table, action_order) -> pa.Table:
    original = promises.get("action")  # index in the unsorted action stream
    inverse = np.empty(len(action_order), dtype=np.int64)
    inverse[action_order] = np.arange(len(action_order))
    action_pos = inverse[original] if len(original) else original
    day = promises.get("promised_day")
    order = np.argsort(action_pos, kind="stable")
    count = len(order)
    return _table("promises", {
        "promise_id": _fixed_ids("PTP", np.arange(1, count + 1), width=max(7, len(str(count)))),
        "loan_id": loan_ids.take(pa.array(promises.get("loan")[order])),
        "action_id": actions_table.column("action_id").take(pa.array(action_pos[order])),
        "promised_date": _dates(day[order]),
        "promised_amount": pa.array(_cents(promises.get("amount_c")[order])),
        "paid_amount": pa.array(_cents(promises.get("paid_c")[order])),
    })


def _plans_table(plans: _Collector, plan_ends: _Collector, loan_ids) -> pa.Table:
    count = len(plans.get("loan"))
    code = {name: i for i, name in enumerate(PLAN_TYPES)}
    plan_type = plans.get("plan_type")
    accepted = plans.get("is_accepted", bool)
    pending = plans.get("pending", bool)
    status = np.where(pending, PLAN_STATUS.index("offered"),
                      np.where(accepted, PLAN_STATUS.index("active"), PLAN_STATUS.index("declined")))
    ended = np.full(count, -1, dtype=np.int64)
    end_plan = plan_ends.get("plan")
    if len(end_plan):
        status[end_plan] = plan_ends.get("status")
        ended[end_plan] = plan_ends.get("day")
    offered = plans.get("offered")
    declined = status == PLAN_STATUS.index("declined")
    # A declined offer ends the day it is declined.
    ended = np.where(declined, plans.get("accepted"), ended)
    settlement = plan_type == code["settlement"]
    extension = plans.get("extension")
    rate_factor = plans.get("rate_factor", np.float64)
    return _table("repayment_plans", {
        "plan_id": _fixed_ids("PLN", np.arange(1, count + 1), width=max(6, len(str(count)))),
        "loan_id": loan_ids.take(pa.array(plans.get("loan"))),
        "offered_date": _dates(offered),
        "plan_type": _labels(PLAN_TYPES, plan_type),
        "hardship_reason": _labels(HARDSHIP, plans.get("hardship")),
        "extension_months": pa.array(extension.astype(np.int64), mask=settlement | (extension == 0)),
        "new_installment": pa.array(np.round(plans.get("new_installment", np.float64), 2), mask=settlement),
        "rate_after": pa.array(np.round(plans.get("rate_after", np.float64), 4), mask=settlement | (rate_factor < 0)),
        "settlement_amount": pa.array(_cents(plans.get("settlement_c")), mask=~settlement),
        "accepted_date": _dates(plans.get("accepted"), mask=~accepted),
        "ended_date": _dates(np.maximum(ended, 0), mask=ended < 0),
        "status": _labels(PLAN_STATUS, status),
    })


def _payments_table(rng, payments: _Collector, charge_offs: _Collector, month_day, loan_ids) -> pa.Table:
    rec_loan, rec_day, rec_cents = _recoveries(rng, charge_offs, month_day)
    loan = np.concatenate([payments.pop("loan"), rec_loan.astype(np.int32)])
    day = np.concatenate([payments.pop("day"), rec_day.astype(np.int32)])
    cents = np.concatenate([payments.pop("cents"), rec_cents])
    kind = np.concatenate([payments.pop("kind"), np.full(len(rec_loan), PAYMENT_KINDS.index("recovery"), np.int8)])
    order = np.lexsort((loan, day))
    count = len(order)
    return _table("payments", {
        "payment_id": _fixed_ids("PAY", np.arange(1, count + 1), width=max(9, len(str(count)))),
        "loan_id": loan_ids.take(pa.array(loan[order])),
        "paid_date": _dates(day[order]),
        "amount": pa.array(_cents(cents[order])),
        "kind": _labels(PAYMENT_KINDS, kind[order]),
    })


def _agents_table(agents: _Agents, agent_ids) -> pa.Table:
    teams = [f"T{i:02d}" for i in range(1, 13)]
    agencies = [f"AGC{i:02d}" for i in range(1, 7)]
    return _table("agents", {
        "agent_id": agent_ids,
        "team": _labels(teams, agents.team),
        "agency": _labels(agencies, np.maximum(agents.agency, 0), mask=agents.agency < 0),
        "hire_date": _dates(agents.hire_day),
        "training_hours": pa.array(agents.training.astype(np.float64)),
    })


def write_book(tables: dict[str, pa.Table], out_dir: str | Path, fmt: str = "parquet") -> dict[str, Path]:
    """Write one file per table, ``<table>.parquet`` or ``<table>.csv``; returns the paths by table.

    CSV has a header row, ISO dates, timestamps as ``YYYY-MM-DD HH:MM:SS``, booleans true/false and an
    empty field for null.
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for name, table in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            columns = []
            for field, column in zip(table.schema, table.columns):
                if pa.types.is_timestamp(field.type):  # whole seconds: %S alone would print microseconds
                    column = pc.strftime(column.cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S")
                columns.append(column)
            plain = pa.Table.from_arrays(columns, names=table.column_names)
            try:
                pacsv.write_csv(plain, path, write_options=pacsv.WriteOptions(quoting_style="none",
                                                                                quoting_header="none"))
            except pa.ArrowInvalid:  # a value holds a delimiter or quote: fall back to quoting
                pacsv.write_csv(plain, path)
        paths[name] = path
    return paths
