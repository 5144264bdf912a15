"""Tests of the sample-book generator: determinism, the data contract, and the embedded effects.

The effect tests measure each EFFECTS entry from the generated tables with DuckDB SQL, the way an analyst
using the dashboard would, and compare with the planted value. Bounds are derived from the parameters and
the sample sizes (noted next to each), never copied from a previous run.
"""

from __future__ import annotations

import math
import re
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.contract import REPAYMENT_METHODS, TABLES  # noqa: E402
from analytics.generate import EFFECTS, _schedule, arrow_schema, generate_book, write_book  # noqa: E402

AS_OF = "2026-10"
AS_OF_MONTH = date(2026, 10, 1)
AS_OF_END = date(2026, 10, 31)
DEFAULT_LOANS = 20_000
# The effect tests need enough randomised episodes and unemployed plan-takers to separate effects of
# 10-20%: see the power notes in each test. 200k loans generate in a few seconds.
EFFECT_LOANS = 200_000

EFFECT = {e.name: e.value for e in EFFECTS}
ARROW_TYPES = {
    "text": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"),
    "double": pa.float64(), "integer": pa.int64(), "boolean": pa.bool_(),
}


@pytest.fixture(scope="module")
def book() -> dict[str, pa.Table]:
    return generate_book(DEFAULT_LOANS, seed=42, as_of=AS_OF)


@pytest.fixture(scope="module")
def con(book) -> duckdb.DuckDBPyConnection:
    return _connect(book)


@pytest.fixture(scope="module")
def big_con() -> duckdb.DuckDBPyConnection:
    return _connect(generate_book(EFFECT_LOANS, seed=2024, as_of=AS_OF))


def _connect(tables: dict[str, pa.Table]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for name, table in tables.items():
        connection.register(name, table)
    return connection


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    """The single result row of a query."""
    rows = con.sql(sql).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> dict:
    """First column as key, the rest as a tuple (or the single value)."""
    out = {}
    for row in con.sql(sql).fetchall():
        out[row[0]] = row[1] if len(row) == 2 else row[1:]
    return out


# --------------------------------------------------------------------------------------------------
# Determinism
# --------------------------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables():
    first = generate_book(3_000, seed=7, as_of=AS_OF)
    second = generate_book(3_000, seed=7, as_of=AS_OF)
    assert first.keys() == second.keys()
    for name in first:
        assert first[name].equals(second[name]), name


def test_different_seed_gives_different_tables():
    first = generate_book(3_000, seed=7, as_of=AS_OF)
    other = generate_book(3_000, seed=8, as_of=AS_OF)
    assert not first["loans"].equals(other["loans"])
    assert not first["loan_months"].equals(other["loan_months"])


def test_tiny_book_and_other_as_of_work():
    tables = generate_book(1, seed=1, as_of="2025-01")
    assert tables["loans"].num_rows == 1
    assert tables["agents"].num_rows == 20  # the floor
    months = tables["loan_months"].column("month").to_pylist()
    assert max(months) <= date(2025, 1, 1)


# --------------------------------------------------------------------------------------------------
# The data contract
# --------------------------------------------------------------------------------------------------


def test_every_contract_table_with_its_schema(book):
    assert list(book) == list(TABLES)
    for name, spec in TABLES.items():
        table = book[name]
        assert table.column_names == list(spec.column_names), name
        for column in spec.columns:
            assert table.schema.field(column.name).type == ARROW_TYPES[column.type], (name, column.name)
        assert table.schema == arrow_schema(name)


def assert_contract(tables: dict[str, pa.Table], as_of_end: date) -> None:
    """Every value satisfies the contract: nulls, enums, bounds, unique columns and keys, loan references,
    and no date or timestamp after the as-of month."""
    assert list(tables) == list(TABLES)
    loan_ids = tables["loans"].column("loan_id")
    for name, spec in TABLES.items():
        table = tables[name]
        assert table.schema == arrow_schema(name), name
        for column in spec.columns:
            values = table.column(column.name)
            where = f"{name}.{column.name}"
            if not column.nullable:
                assert values.null_count == 0, where
            present = pc.drop_null(values)
            if column.enum:
                assert set(pc.unique(present).to_pylist()) <= set(column.enum), where
            if column.min is not None and len(present):
                low = pc.min(present).as_py()
                assert (low > column.min) if column.min_exclusive else (low >= column.min), where
            if column.max is not None and len(present):
                assert pc.max(present).as_py() <= column.max, where
            if column.unique:
                assert pc.count_distinct(values).as_py() == table.num_rows, where
            if column.references_loan:
                assert pc.all(pc.is_in(present, value_set=loan_ids)).as_py(), where
            if column.type in ("date", "timestamp") and len(present):
                latest = pc.max(present).as_py()
                latest = latest.date() if isinstance(latest, datetime) else latest
                assert latest <= as_of_end, where
        if spec.key:
            keys = table.select(list(spec.key)).group_by(list(spec.key)).aggregate([])
            assert keys.num_rows == table.num_rows, name


def test_every_value_satisfies_the_contract(book):
    assert all(table.num_rows > 0 for table in book.values())
    assert_contract(book, AS_OF_END)


def test_another_seed_and_as_of_satisfy_the_contract():
    # A February as-of month (28 days) and a small book exercise the calendar edges.
    tables = generate_book(4_000, seed=3, as_of="2025-02")
    assert_contract(tables, date(2025, 2, 28))
    months = _connect(tables).sql("select min(month), max(month) from loan_months").fetchall()[0]
    assert months == (date(2022, 3, 1), date(2025, 2, 1))


def test_values_outside_the_contract_enums_are_still_sensible(con):
    # Columns without an enum in the contract still come from the documented code lists.
    assert set(_rows(con, "select product, 1 from loans group by 1")) == {
        "cash_loan", "pos_installment", "small_business"}
    assert set(_rows(con, "select channel, 1 from loans group by 1")) == {"app", "partner", "branch", "telesales"}
    assert set(_rows(con, "select region, 1 from loans group by 1")) == {
        "east", "north", "south", "central", "southwest", "northwest", "northeast"}
    assert set(_rows(con, "select term_months, 1 from loans group by 1")) <= {6, 12, 18, 24, 36}
    assert set(_rows(con, "select strategy, 1 from strategy_assignments group by 1")) == {
        "standard", "empathetic", "firm", "digital", "holdout"}


def test_loans_look_like_the_brief(con):
    low, high = _one(con, "select min(principal), max(principal) from loans")
    assert 3000 <= low and high <= 150_000
    assert _one(con, "select count(*) from loans where principal % 100 <> 0")[0] == 0
    assert _one(con, "select min(annual_rate), max(annual_rate) from loans") >= (0.06, 0.0)
    assert _one(con, "select max(annual_rate) from loans")[0] <= 0.24
    methods = _rows(con, "select repayment_method, count(*) from loans group by 1")
    assert methods["equal_installment"] > methods["equal_principal"] > 0 and methods["interest_only"] > 0
    # ~15% of borrowers hold two loans, nobody more.
    share_two, most = _one(con, """
        select avg((n = 2)::int), max(n) from (select borrower_id, count(*) n from loans group by 1)""")
    assert 0.12 <= share_two <= 0.18 and most == 2
    assert _one(con, "select count(*) from loans where borrower_id not in (select borrower_id from borrowers)")[0] == 0
    # Originations cover the 36 months ending at as-of, with growth.
    first, last, months = _one(con, """
        select min(origination_date), max(origination_date), count(distinct date_trunc('month', origination_date))
        from loans""")
    assert first >= date(2023, 11, 1) and last <= AS_OF_END and months == 36
    early, late = _one(con, """select count(*) filter (where origination_date < date '2024-11-01'),
                                      count(*) filter (where origination_date >= date '2025-11-01') from loans""")
    assert late > early


def test_risk_drives_rates_income_and_delinquency(con):
    # One latent risk score sets the rate and the miss probability, and lowers income: so the dearest
    # quarter of loans goes delinquent far more often than the cheapest, and delinquent borrowers earn less.
    by_quartile = _rows(con, """
        with ever as (select loan_id, max((dpd > 0)::int) bad from loan_months group by 1)
        select q, avg(bad) from (select ntile(4) over (order by annual_rate) q, bad
                                 from loans join ever using (loan_id)) group by 1""")
    assert by_quartile[4] > 1.5 * by_quartile[1]
    income_bad, income_good = _one(con, """
        with ever as (select l.borrower_id, max((m.dpd > 0)::int) bad
                      from loan_months m join loans l using (loan_id) group by 1)
        select median(monthly_income) filter (where bad = 1), median(monthly_income) filter (where bad = 0)
        from borrowers join ever using (borrower_id)""")
    assert income_bad < income_good
    medians = _rows(con, "select product, median(principal) from loans group by 1")
    assert medians["small_business"] > medians["cash_loan"] > medians["pos_installment"]


def test_loan_months_tape_is_contiguous_and_closes_once(con):
    bad = _one(con, """
        with s as (
          select loan_id, min(month) first, max(month) last, count(*) n,
                 count(*) filter (where status <> 'open') closed,
                 max(month) filter (where status <> 'open') closed_month
          from loan_months group by 1)
        select
          count(*) filter (where n <> date_diff('month', first, last) + 1),
          count(*) filter (where first <> date_trunc('month', l.origination_date)),
          count(*) filter (where closed > 1 or (closed = 1 and closed_month <> last)),
          count(*) filter (where closed = 0 and last <> date '2026-10-01'),
          count(*) filter (where last > date '2026-10-01'),
          (select count(*) from loans) - count(*)
        from s join loans l using (loan_id)""")
    assert bad == (0, 0, 0, 0, 0, 0)
    assert _one(con, "select count(*) from loan_months where day(month) <> 1")[0] == 0


def test_loan_months_follow_the_schedule_rules(con):
    # MOB 0: balance = principal, nothing due or paid, dpd 0.
    bad_mob0 = _one(con, """
        select count(*) from loan_months m join loans l using (loan_id)
        where m.month = date_trunc('month', l.origination_date)
          and (m.balance <> l.principal or m.dpd <> 0 or m.amount_due <> 0 or m.amount_paid <> 0
               or m.status <> 'open')""")[0]
    assert bad_mob0 == 0
    assert _one(con, """select count(*) from loan_months
                        where status = 'paid_off' and (balance <> 0 or dpd <> 0)""")[0] == 0
    assert _one(con, """select count(*) from loan_months
                        where status = 'charged_off' and (balance <= 0 or dpd <= 180)""")[0] == 0
    # dpd = 30(m-1) + due_offset: the day-count within the month is the loan's fixed offset.
    assert _one(con, """select count(*) from (select loan_id, count(distinct (dpd - 1) % 30) k
                        from loan_months where dpd > 0 group by 1) where k > 1""")[0] == 0
    # Charged off only after a month end in M7 (dpd > 180).
    bad_co = _one(con, """
        select count(*) from loan_months c join loan_months p
          on p.loan_id = c.loan_id and p.month = c.month - interval 1 month
        where c.status = 'charged_off' and p.dpd <= 180""")[0]
    assert bad_co == 0
    # dpd rises by at most one month of days per month.
    assert _one(con, """
        select count(*) from loan_months c join loan_months p
          on p.loan_id = c.loan_id and p.month = c.month - interval 1 month
        where c.dpd > p.dpd + 30 and p.dpd > 0""")[0] == 0


@settings(max_examples=200, deadline=None)
@given(
    principal=st.integers(30, 1500).map(lambda hundreds: hundreds * 100.0),
    annual_rate=st.one_of(st.just(0.0), st.floats(0.01, 0.36)),
    term=st.sampled_from([6, 12, 18, 24, 36, 45]),
    method=st.sampled_from(range(len(REPAYMENT_METHODS))),
)
def test_schedule_closed_forms_match_an_explicit_amortisation(principal, annual_rate, term, method):
    # Walk the schedule month by month (interest on the balance, then the method's principal part) and
    # compare with the closed forms the generator vectorises.
    r = annual_rate / 12
    annuity = principal * r / (1 - (1 + r) ** -term) if r > 0 else principal / term
    balance, paid = principal, 0.0
    expected = [(0.0, principal)]
    for j in range(1, term + 1):
        interest = balance * r
        if REPAYMENT_METHODS[method] == "equal_installment":
            part = annuity - interest
        elif REPAYMENT_METHODS[method] == "equal_principal":
            part = principal / term
        else:
            part = principal if j == term else 0.0
        paid += interest + part
        balance -= part
        expected.append((paid, balance))
    k = np.arange(term + 1)
    ones = np.ones(term + 1)
    cumulative, left = _schedule(principal * ones, r * ones, term * np.ones(term + 1, dtype=np.int64),
                                 np.full(term + 1, method), k)
    assert cumulative == pytest.approx([e[0] for e in expected], abs=1e-6 * principal)
    assert left == pytest.approx([max(e[1], 0.0) for e in expected], abs=1e-6 * principal)
    assert left[-1] == pytest.approx(0.0, abs=1e-6 * principal)


def test_equal_installment_schedule_matches_the_annuity_formula(con):
    # A current, never-delinquent equal-installment loan pays exactly A = P r / (1 - (1+r)^-n) each month.
    rows = con.sql("""
        select l.principal, l.annual_rate, l.term_months, m.amount_due
        from loan_months m join loans l using (loan_id)
        where l.repayment_method = 'equal_installment' and m.month = date_trunc('month', l.origination_date)
              + interval 1 month and m.dpd = 0 and m.status = 'open'
        limit 200""").fetchall()
    assert rows
    for principal, annual_rate, n, due in rows:
        r = annual_rate / 12
        annuity = principal * r / (1 - (1 + r) ** -n) if r > 0 else principal / n
        assert due == pytest.approx(round(annuity, 2), abs=0.011)


def test_interest_only_pays_principal_at_maturity(con):
    # Interest-only loans that ran to term: the final month's payment carries the whole principal.
    rows = con.sql("""
        select l.principal, l.annual_rate, m.amount_paid
        from loan_months m join loans l using (loan_id)
        where l.repayment_method = 'interest_only' and m.status = 'paid_off'
          and m.month = date_trunc('month', l.origination_date) + to_months(l.term_months)
          and l.loan_id not in (select loan_id from loan_months where dpd > 0)
        limit 100""").fetchall()
    assert rows
    for principal, annual_rate, paid in rows:
        assert paid == pytest.approx(principal * (1 + annual_rate / 12), abs=0.02)


def test_payments_add_up_to_loan_months_to_the_fen(con):
    mismatches = _one(con, """
        with p as (select loan_id, date_trunc('month', paid_date) as mon, sum(round(amount * 100)::bigint) fen
                   from payments where kind <> 'recovery' group by 1, 2),
             m as (select loan_id, month as mon, round(amount_paid * 100)::bigint fen
                   from loan_months where amount_paid > 0)
        select count(*) from p full outer join m using (loan_id, mon) where p.fen is distinct from m.fen""")[0]
    assert mismatches == 0
    assert _one(con, "select count(*) from payments where amount <> round(amount, 2)")[0] == 0


def test_payment_kinds_follow_the_loan(con):
    # Recoveries only after the charge-off month, settlements only in the month the loan closes.
    assert _one(con, """
        select count(*) from payments p left join loan_months m
          on m.loan_id = p.loan_id and m.status = 'charged_off'
        where p.kind = 'recovery' and (m.month is null or p.paid_date < m.month + interval 1 month)""")[0] == 0
    assert _one(con, """
        select count(*) from payments p join loan_months m
          on m.loan_id = p.loan_id and m.month = date_trunc('month', p.paid_date)
        where p.kind = 'settlement' and m.status <> 'paid_off'""")[0] == 0
    # Plan payments fall while an accepted plan of the loan runs.
    assert _one(con, """
        select count(*) from payments p where p.kind = 'plan' and not exists (
          select 1 from repayment_plans r
          where r.loan_id = p.loan_id and r.accepted_date <= p.paid_date
            and (r.ended_date is null or p.paid_date <= r.ended_date))""")[0] == 0


def test_borrower_personal_data_is_well_formed(book):
    borrowers = book["borrowers"].to_pydict()
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    for i in range(0, len(borrowers["borrower_id"]), 97):  # a spread sample
        id_number = borrowers["id_number"][i]
        assert re.fullmatch(r"\d{17}[\dX]", id_number), id_number
        check = "10X98765432"[sum(int(c) * w for c, w in zip(id_number[:17], weights)) % 11]
        assert id_number[17] == check, id_number
        assert int(id_number[6:10]) == borrowers["birth_year"][i]
        datetime.strptime(id_number[6:14], "%Y%m%d")  # a real calendar date
        assert re.fullmatch(r"1[35789]\d{9}", borrowers["phone"][i])
        name = borrowers["name"][i]
        assert 2 <= len(name) <= 3 and all("\u4e00" <= ch <= "\u9fff" for ch in name), name
    assert 18 <= 2026 - max(borrowers["birth_year"]) and 2026 - min(borrowers["birth_year"]) <= 70


def test_strategy_assignments_are_episodes(con):
    # Every entry into delinquency (dpd 0 or a new loan, then dpd > 0) has exactly one episode row,
    # dated in the entry month.
    entries = _one(con, """
        with t as (select loan_id, month, dpd, lag(dpd) over (partition by loan_id order by month) prev
                   from loan_months)
        select count(*) from t where dpd > 0 and coalesce(prev, 0) = 0""")[0]
    assert entries == _one(con, "select count(*) from strategy_assignments")[0]
    assert _one(con, """
        with t as (select loan_id, month, dpd, lag(dpd) over (partition by loan_id order by month) prev
                   from loan_months)
        select count(*) from t left join strategy_assignments s
          on s.loan_id = t.loan_id and date_trunc('month', s.assigned_date) = t.month
        where t.dpd > 0 and coalesce(t.prev, 0) = 0 and s.loan_id is null""")[0] == 0
    groups = _rows(con, "select test_group || ':' || strategy, count(*) from strategy_assignments group by 1")
    allowed = {"champion:standard", "holdout:holdout", "challenger:empathetic", "challenger:firm",
               "challenger:digital", "none:standard", "none:empathetic", "none:firm", "none:digital"}
    assert set(groups) <= allowed
    total = sum(groups.values())
    in_test = sum(v for k, v in groups.items() if not k.startswith("none"))
    assert 0.20 <= in_test / total <= 0.30


def test_collection_actions_are_consistent(con):
    # Automated channels have no agent; human ones have an agent from the agents table.
    assert _one(con, """
        select count(*) from collection_actions
        where (channel in ('sms', 'email', 'app_push')) <> (agent_id is null)""")[0] == 0
    assert _one(con, """select count(*) from collection_actions
                        where agent_id is not null and agent_id not in (select agent_id from agents)""")[0] == 0
    # Not connected means no contact; only calls and visits connect.
    assert _one(con, """select count(*) from collection_actions
                        where (not connected and outcome <> 'no_contact') or (connected and outcome = 'no_contact')
                           or (connected and channel not in ('call', 'visit'))""")[0] == 0
    call_rate, visit_rate = _one(con, """
        select avg(connected::int) filter (where channel = 'call'), avg(connected::int) filter (where channel = 'visit')
        from collection_actions""")
    assert 0.35 <= call_rate <= 0.50 and 0.5 <= visit_rate <= 0.7
    costs = _rows(con, "select channel, min(cost), max(cost) from collection_actions group by 1")
    expected = {"call": 2.0, "visit": 60.0, "legal": 150.0, "letter": 5.0, "sms": 0.2, "email": 0.2, "app_push": 0.2}
    for channel, (low, high) in costs.items():
        assert low == high == expected[channel]
    # Holdout episodes get no treatment: no action on a loan while its holdout episode is in force.
    assert _one(con, """
        with ep as (select loan_id, strategy, assigned_date,
                           lead(assigned_date) over (partition by loan_id order by assigned_date) next_date
                    from strategy_assignments)
        select count(*) from collection_actions a join ep
          on ep.loan_id = a.loan_id and a.action_at >= ep.assigned_date
             and (ep.next_date is null or a.action_at < ep.next_date)
        where ep.strategy = 'holdout'""")[0] == 0
    # Mostly in hours, a minority after hours.
    after = _one(con, "select avg((hour(action_at) >= 22 or hour(action_at) < 8)::int) from collection_actions")[0]
    assert 0.0 < after < 0.1


def test_promises_come_from_promise_outcomes(con):
    assert _one(con, """
        select count(*) from promises p join collection_actions a using (action_id)
        where a.outcome <> 'promise_to_pay' or a.loan_id <> p.loan_id
           or p.promised_date < a.action_at::date or p.promised_date > a.action_at::date + 10""")[0] == 0
    assert _one(con, "select count(*) from promises")[0] == _one(
        con, "select count(*) from collection_actions where outcome = 'promise_to_pay'")[0]
    # Paid amounts are what the loan really paid in the action's month.
    assert _one(con, """
        select count(*) from promises p join collection_actions a using (action_id)
          join loan_months m on m.loan_id = p.loan_id and m.month = date_trunc('month', a.action_at)
        where p.paid_amount > m.amount_paid + 0.001""")[0] == 0
    kept = _one(con, "select avg((paid_amount >= promised_amount)::int) from promises")[0]
    assert 0.25 <= kept <= 0.75


def test_repayment_plans_status_matches_dates(con):
    bad = _one(con, """
        select count(*) from repayment_plans where not (
          (status = 'offered' and accepted_date is null and ended_date is null)
          or (status = 'declined' and accepted_date is null)
          or (status = 'active' and accepted_date is not null and ended_date is null)
          or (status in ('completed', 'broken') and accepted_date is not null and ended_date >= accepted_date))
          or accepted_date < offered_date""")[0]
    assert bad == 0
    assert _one(con, """select count(*) from repayment_plans
                        where (plan_type = 'settlement') <> (settlement_amount is not null)""")[0] == 0
    # Offers get decided (accepted or declined) except some made in the as-of month.
    statuses = _rows(con, "select status, count(*) from repayment_plans group by 1")
    assert set(statuses) == {"offered", "declined", "active", "completed", "broken"}
    accepted = _one(con, """select avg((accepted_date is not null)::int) from repayment_plans
                            where status <> 'offered'""")[0]
    assert 0.5 <= accepted <= 0.8
    assert _one(con, """select count(*) from repayment_plans
                        where status = 'offered' and offered_date < date '2026-10-01'""")[0] == 0
    # Only settlements have no new installment; extension only where the plan extends the term.
    assert _one(con, """select count(*) from repayment_plans
                        where (plan_type <> 'settlement') <> (new_installment is not null)
                           or (plan_type in ('term_extension', 'installment_reduction', 'combination')
                               and extension_months is null)
                           or (plan_type in ('interest_waiver', 'settlement')
                               and extension_months is not null)""")[0] == 0
    # An accepted plan makes the loan current at that month end; an accepted settlement pays it off.
    assert _one(con, """
        select count(*) from repayment_plans r join loan_months m
          on m.loan_id = r.loan_id and m.month = date_trunc('month', r.accepted_date)
        where m.dpd <> 0 or (r.plan_type = 'settlement' and m.status <> 'paid_off')""")[0] == 0


def test_agents_and_complaints(con):
    n_agents, in_house, low_training, high_training = _one(con, """
        select count(*), avg((agency is null)::int), count(*) filter (where training_hours < 16),
               count(*) filter (where training_hours >= 16) from agents""")
    assert n_agents == DEFAULT_LOANS // 100
    assert 0.55 <= in_house <= 0.75 and low_training > 0 and high_training > 0
    assert _one(con, "select max(training_hours) from agents")[0] <= 60
    assert _one(con, """select count(*) from complaints
                        where agent_id is not null and agent_id not in (select agent_id from agents)""")[0] == 0
    escalated = _one(con, "select avg(escalated::int) from complaints")[0]
    assert 0.10 <= escalated <= 0.20
    # Each complaint follows an action on the loan within 0-5 days (by that agent, when it names one).
    assert _one(con, """
        select count(*) from complaints c where not exists (
          select 1 from collection_actions a
          where a.loan_id = c.loan_id and a.agent_id is not distinct from c.agent_id
            and c.received_date between a.action_at::date and a.action_at::date + 5)""")[0] == 0


def test_write_book_round_trips(book, tmp_path):
    small = {name: table.slice(0, 200) for name, table in book.items()}
    parquet = write_book(small, tmp_path / "pq")
    assert set(parquet) == set(TABLES)
    import pyarrow.parquet as pq

    for name, path in parquet.items():
        assert path.name == f"{name}.parquet"
        assert pq.read_table(path).equals(small[name])
    csv = write_book(small, tmp_path / "csv", fmt="csv")
    actions = csv["collection_actions"].read_text(encoding="utf-8").splitlines()
    assert actions[0] == ",".join(TABLES["collection_actions"].column_names)
    assert re.search(r",\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,", actions[1])
    assert re.search(r",(true|false),", actions[1])
    agents = csv["agents"].read_text(encoding="utf-8").splitlines()
    assert any(line.split(",")[2] == "" for line in agents[1:])  # in-house agents: empty agency
    for name, path in csv.items():
        assert duckdb.execute("select count(*) from read_csv($path)", {"path": str(path)}).fetchall()[0][0] == small[name].num_rows
    with pytest.raises(ValueError):
        write_book(small, tmp_path / "x", fmt="xlsx")


# --------------------------------------------------------------------------------------------------
# The delinquency shape of the default book at as-of
# --------------------------------------------------------------------------------------------------


def test_delinquent_balance_shares(con):
    dpd0, dpd30, dpd90 = _one(con, """
        select sum(balance) filter (where dpd > 0) / sum(balance), sum(balance) filter (where dpd > 30) / sum(balance),
               sum(balance) filter (where dpd > 90) / sum(balance)
        from loan_months where month = date '2026-10-01' and status = 'open'""")
    assert 0.06 <= dpd0 <= 0.14
    assert 0.025 <= dpd30 <= 0.07
    assert 0.01 <= dpd90 <= 0.035


BUCKET_SQL = """case when dpd = 0 then 0 when dpd <= 30 then 1 when dpd <= 60 then 2 when dpd <= 90 then 3
                     when dpd <= 120 then 4 when dpd <= 150 then 5 when dpd <= 180 then 6 else 7 end"""


def test_cure_and_roll_rates(con):
    flows = f"""
        with b as (select loan_id, month, status, {BUCKET_SQL} bucket from loan_months),
        f as (select p.bucket pb, n.bucket nb, n.status ns from b p join b n
                on n.loan_id = p.loan_id and n.month = p.month + interval 1 month
              where p.status = 'open' and p.month >= date '2026-07-01')"""
    cure = _one(con, flows + " select avg((nb = 0)::int) from f where pb > 0")[0]
    assert 0.22 <= cure <= 0.48
    m1_m2 = _one(con, flows + " select avg((nb = 2)::int) from f where pb = 1")[0]
    assert 0.28 <= m1_m2 <= 0.52
    later = _one(con, flows + " select avg((nb = pb + 1)::int) from f where pb between 2 and 6")[0]
    assert 0.60 <= later <= 0.90


def test_net_charge_off_rate(con):
    nco = _one(con, """
        with co as (select sum(balance) s from loan_months
                    where status = 'charged_off' and month > date '2025-10-01'),
             rec as (select sum(amount) s from payments where kind = 'recovery' and paid_date >= date '2025-11-01'),
             bal as (select sum(balance) / 12 s from loan_months where status = 'open' and month > date '2025-10-01')
        select (co.s - rec.s) / bal.s from co, rec, bal""")[0]
    assert 0.025 <= nco <= 0.09


def test_recoveries_decay_after_charge_off(big_con):
    # Charge-offs at least 24 months before as-of have had their whole recovery window, so their recovered
    # share estimates the mean of the Beta(2, 9) recovery fraction, 2/11 = 0.18 (a few hundred loans:
    # standard error about 0.01).
    share, early, late = _one(big_con, """
        with co as (select loan_id, month, balance from loan_months
                    where status = 'charged_off' and month <= date '2024-10-01'),
             r as (select co.loan_id, date_diff('month', co.month, date_trunc('month', p.paid_date)) lag, p.amount
                   from co join payments p on p.loan_id = co.loan_id and p.kind = 'recovery')
        select (select sum(amount) from r) / (select sum(balance) from co),
               (select sum(amount) from r where lag <= 6), (select sum(amount) from r where lag > 18)""")
    assert 0.13 <= share <= 0.23
    assert early > 2 * late


# --------------------------------------------------------------------------------------------------
# Embedded effects, measured on a larger book
# --------------------------------------------------------------------------------------------------

EPISODES_SQL = """
    ep as (select loan_id, strategy, test_group, assigned_date,
                  lead(assigned_date) over (partition by loan_id order by assigned_date) next_date
           from strategy_assignments)"""


def test_effects_table_is_well_formed():
    names = [e.name for e in EFFECTS]
    assert len(names) == len(set(names))
    for required in ("firm_complaint_multiplier", "untrained_complaint_multiplier", "digital_cost_ratio",
                     "flexible_plan_redefault_multiplier_unemployed", "after_hours_complaint_multiplier",
                     "third_party_complaint_multiplier", "unemployment_miss_multiplier",
                     "cure_multiplier_holdout", "cure_multiplier_firm", "cure_multiplier_standard",
                     "cure_multiplier_empathetic"):
        assert required in names
    for effect in EFFECTS:
        assert effect.description and effect.how_to_measure


def firm_complaint_ratio(con) -> float:
    """Complaints per agent action, firm over standard episodes.

    Agent actions only: automated messages carry none of the agent-level causes, and firm episodes use
    far more agent channels, so mixing them in would tilt the comparison. Agents are assigned to episodes
    independently of strategy, so the other causes balance out.
    """
    per_action = _rows(con, f"""
        with {EPISODES_SQL},
        a as (select ep.strategy, count(*) n from collection_actions a join ep
                on ep.loan_id = a.loan_id and a.action_at >= ep.assigned_date
                   and (ep.next_date is null or a.action_at < ep.next_date)
              where a.agent_id is not null group by 1),
        c as (select ep.strategy, count(*) n from complaints c join ep
                on ep.loan_id = c.loan_id and c.received_date >= ep.assigned_date
                   and (ep.next_date is null or c.received_date < ep.next_date)
              where c.agent_id is not null group by 1)
        select a.strategy, c.n / a.n from a join c using (strategy)""")
    return per_action["firm"] / per_action["standard"]


def test_firm_strategy_triples_complaints(big_con):
    # Thousands of firm complaints: the log-ratio has a standard error near 0.05, so [2.0, 4.5] is a wide
    # band around 3.
    ratio = firm_complaint_ratio(big_con)
    assert 2.0 <= ratio <= 4.5, ratio
    assert abs(math.log(ratio / EFFECT["firm_complaint_multiplier"])) < 0.25


def untrained_complaint_ratio(con) -> float:
    """Complaints per agent action, agents under 16 training hours over the rest.

    After-hours and third-party propensities are drawn independently of training, so the ratio between
    the two groups of agents estimates the multiplier directly.
    """
    rates = _rows(con, """
        with a as (select agent_id, count(*) n from collection_actions where agent_id is not null group by 1),
             c as (select agent_id, count(*) n from complaints where agent_id is not null group by 1)
        select g.training_hours < 16, sum(coalesce(c.n, 0)) / sum(a.n)
        from agents g join a using (agent_id) left join c using (agent_id) group by 1""")
    return rates[True] / rates[False]


def test_untrained_agents_double_complaints(big_con):
    ratio = untrained_complaint_ratio(big_con)
    assert 1.5 <= ratio <= 2.6, ratio


def _agent_level_multiplier(con, share_sql: str, cut: float) -> float:
    """Multiplier M of a per-action cause, from agent-level complaint rates.

    Agents differ in how often their actions carry the cause (share f). If the cause multiplies the
    complaint probability by M and nothing else differs, a group of agents draws ``c0·(1 + f·(M-1))``
    complaints per action. Splitting agents at ``cut`` into high and low groups with action-weighted
    shares f_hi, f_lo and rate ratio R = rate_hi / rate_lo gives ``M - 1 = (R - 1) / (f_hi - R·f_lo)``.
    The split is made within trained and within untrained agents (training is the other agent-level
    cause) and the two estimates averaged, weighted by actions.
    """
    # share_sql is one of this file's fixed predicates (never input); the cut-off is bound.
    query = """
        with a as (select agent_id, count(*) n, avg((SHARE)::int) f
                   from collection_actions where agent_id is not null group by 1),
             c as (select agent_id, count(*) n from complaints where agent_id is not null group by 1)
        select g.training_hours < 16 untrained, a.f >= $cut high, sum(a.n), sum(a.n * a.f) / sum(a.n),
               sum(coalesce(c.n, 0)) / sum(a.n)
        from a join agents g using (agent_id) left join c using (agent_id) group by 1, 2""".replace("SHARE", share_sql)
    groups = con.execute(query, {"cut": cut}).fetchall()
    cell = {(untrained, high): (n, f, rate) for untrained, high, n, f, rate in groups}
    estimates, weights = [], []
    for untrained in (False, True):
        n_hi, f_hi, rate_hi = cell[(untrained, True)]
        n_lo, f_lo, rate_lo = cell[(untrained, False)]
        ratio = rate_hi / rate_lo
        estimates.append(1 + (ratio - 1) / (f_hi - ratio * f_lo))
        weights.append(n_hi + n_lo)
    return float(np.average(estimates, weights=weights))


def after_hours_multiplier(con) -> float:
    return _agent_level_multiplier(con, "hour(action_at) >= 22 or hour(action_at) < 8", 0.10)


def third_party_multiplier(con) -> float:
    return _agent_level_multiplier(con, "contact_role = 'unrelated_third_party'", 0.05)


def test_after_hours_contact_triples_complaints(big_con):
    estimate = after_hours_multiplier(big_con)
    assert 2.0 <= estimate <= 4.5, estimate


def test_third_party_contact_raises_complaints_fivefold(big_con):
    estimate = third_party_multiplier(big_con)
    assert 3.0 <= estimate <= 8.0, estimate


def test_digital_actions_cost_a_tenth_of_a_call(big_con):
    digital, call = _one(big_con, """
        select avg(cost) filter (where channel in ('sms', 'email', 'app_push')),
               avg(cost) filter (where channel = 'call')
        from collection_actions""")
    assert digital / call == pytest.approx(EFFECT["digital_cost_ratio"], rel=1e-6)


def test_flexible_plans_halve_redefault_for_the_unemployed(big_con):
    # A plan breaks each month with hazard h (h/2 for flexible plans of unemployed borrowers), from the
    # month after acceptance; every non-settlement plan runs at least 6 months, so the share broken within
    # 6 months is 1-(1-h)^6 = 0.536 for h = 0.12 and 1-(1-h/2)^6 = 0.310 for flexible plans. With a few
    # hundred plans per group the standard error is about 0.03; the bands allow about 3 of them.
    h = EFFECT["plan_break_hazard"]
    multiplier = EFFECT["flexible_plan_redefault_multiplier_unemployed"]
    (n_flex, flexible), (n_other, other) = redefault_shares(big_con)
    assert n_flex >= 150 and n_other >= 150
    assert flexible == pytest.approx(1 - (1 - h * multiplier) ** 6, abs=0.10)
    assert other == pytest.approx(1 - (1 - h) ** 6, abs=0.10)
    assert flexible < other - 0.1


def redefault_shares(con):
    """Unemployed borrowers' plans accepted 6+ months before as-of: (count, share broken within 6 months),
    for flexible plans and for the other non-settlement plans."""
    shares = _rows(con, """
        select plan_type in ('term_extension', 'installment_reduction'), count(*),
               avg((status = 'broken' and date_diff('month', date_trunc('month', accepted_date),
                                                    date_trunc('month', ended_date)) <= 6)::int)
        from repayment_plans
        where hardship_reason = 'unemployment' and accepted_date is not null and plan_type <> 'settlement'
          and accepted_date < date '2026-05-01'
        group by 1""")
    return shares[True], shares[False]


def test_unemployment_multiplies_missed_payments(big_con):
    # Unemployed borrowers who stayed current are somewhat less risky than average (the risky ones
    # already fell behind), so the ratio sits a little under the multiplier of 4.
    ratio = unemployment_miss_ratio(big_con)
    multiplier = EFFECT["unemployment_miss_multiplier"]
    assert 0.6 * multiplier <= ratio <= 1.2 * multiplier, ratio


def unemployment_miss_ratio(con) -> float:
    """Loans current last month: share delinquent at as-of, unemployed borrowers (status snapshot at as-of)
    over the rest."""
    rates = _rows(con, """
        select b.employment_status = 'unemployed', avg((m.dpd > 0)::int)
        from loan_months p join loan_months m on m.loan_id = p.loan_id and m.month = date '2026-10-01'
          join loans l on l.loan_id = p.loan_id join borrowers b on b.borrower_id = l.borrower_id
        where p.month = date '2026-09-01' and p.status = 'open' and p.dpd = 0
        group by 1""")
    return rates[True] / rates[False]


def test_randomised_episodes_rank_strategies_by_cure(big_con):
    # Cure multipliers holdout 1.0 < firm 1.1 < standard 1.3 < empathetic 1.5; plan offers (most under
    # empathetic, none under holdout) push the same way.
    cured = cure_shares(big_con)
    assert cured["empathetic"] > cured["standard"] > cured["firm"] > cured["holdout"], cured
    assert cured["empathetic"] - cured["holdout"] > 0.08


def cure_shares(con) -> dict[str, float]:
    """Randomised episodes (champion / challenger / holdout; the others follow the risk rule): share
    cured (a month end at dpd 0) within 3 months of entry, by strategy."""
    return _rows(con, f"""
        with {EPISODES_SQL},
        e as (select ep.loan_id, ep.strategy, date_trunc('month', ep.assigned_date) m0 from ep
              where ep.test_group <> 'none' and ep.assigned_date < date '2026-08-01'),
        c as (select e.loan_id, e.m0, e.strategy, max((m.dpd = 0)::int) cured
              from e join loan_months m on m.loan_id = e.loan_id and m.month > e.m0
                                          and m.month <= e.m0 + interval 3 month
              group by 1, 2, 3)
        select strategy, avg(cured) from c group by 1""")
