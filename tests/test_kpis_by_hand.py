"""Every KPI of the spec computed by hand on the tiny book (tests/tiny_book.py) and compared with the engine.

The tape in tiny_book.py's docstring is the worksheet: each expected value below is written as the
arithmetic over named loans, never copied from what the code prints.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from analytics import contract, kpis
from analytics.db import connect_readonly
from analytics.importer import import_folder
from tiny_book import MONTHS, tiny_tables, write_tiny_book

ROOT = Path(__file__).resolve().parent.parent
KPI_NAMES = (
    "outstanding_balance", "dpd1_rate", "dpd30_rate", "dpd90_rate", "cure_rate", "charge_off_amount",
    "recoveries", "nco_rate", "recovery_rate_3m", "ptp_kept_rate", "rpc_rate", "complaints_per_1k",
    "plan_acceptance_rate", "plan_redefault_rate_6m", "cost_to_collect",
)
FLOW_KEYS = tuple(f"M{k}_M{k + 1}" for k in range(7))


def m(month: int) -> date:
    return date(2024, month, 1)


def snap(con, month: int, min_cell: int = 1, **filters) -> dict:
    return kpis.snapshot(con, month=m(month), filters=kpis.Filters(**filters), min_cell=min_cell)


def mismatches(actual: dict, expected: dict) -> list[str]:
    """Keys whose values differ (None must be None; numbers compared to 1e-9 relative)."""
    wrong = []
    for key, want in expected.items():
        got = actual.get(key, "<absent>")
        if want is None:
            if got is not None:
                wrong.append(f"{key}: expected None, got {got!r}")
        elif got is None or got == "<absent>" or got != pytest.approx(want, rel=1e-9, abs=1e-12):
            wrong.append(f"{key}: expected {want!r}, got {got!r}")
    return wrong


def assert_kpis(actual: dict, expected: dict) -> None:
    wrong = mismatches(actual, expected)
    assert not wrong, "\n".join(wrong)


def full_row(**cells: float) -> dict:
    """A roll-matrix row over every state: the given cells, 0 elsewhere."""
    return {state: cells.get(state, 0.0) for state in contract.STATES}


# --------------------------------------------------------------------------------------------------
# All fifteen KPIs, month by month
# --------------------------------------------------------------------------------------------------

def test_all_kpis_april(tiny_con):
    # t = Apr, t-1 = Mar. Open in Apr: L1 1000 (75 dpd), L2 1800 (10), L4 3400 (0), L5 5000 (55), L6 5800 (0);
    # L3 paid off (PO). Delinquent at Mar: L1 (M2), L3 (M1), L5 (M1).
    expected = {
        "outstanding_balance": 1000 + 1800 + 3400 + 5000 + 5800,
        "dpd1_rate": (1000 + 1800 + 5000) / 17000,                # L1, L2, L5
        "dpd30_rate": (1000 + 5000) / 17000,                      # L1 (75), L5 (55)
        "dpd90_rate": 0 / 17000,
        "cure_rate": 1 / 3,                                       # of L1, L3, L5 only L3 (-> PO)
        "charge_off_amount": 0.0,
        "recoveries": 0.0,
        "nco_rate": (0 - 0) / 19900 * 12,                         # outstanding at Mar = 19900
        "recovery_rate_3m": None,                                 # e = Jan: nobody entered delinquency
        "ptp_kept_rate": 1 / 1,                                   # PR3 (L3, 2600 of 2600)
        "rpc_rate": 3 / 5,                                        # calls A07 A08 A09 A10 A12; RPC A07 A08 A09
        "complaints_per_1k": 0 / 3 * 1000,                        # no complaint; L1, L2, L5 delinquent
        "plan_acceptance_rate": 2 / 3,                            # RP1 declined, RP2 and RP3 accepted
        "plan_redefault_rate_6m": None,                           # nothing accepted in Oct 2023
        # Actions in Apr: A07 2 + A08 2 + A09 2 + A10 2 + A11 5 + A12 1. Collected: L1 50 (P101) and
        # L3 2600 (P302), both delinquent at Mar; L6's 350 (P601) does not count (current at Mar).
        "cost_to_collect": (2 + 2 + 2 + 2 + 5 + 1) / (50 + 2600),
    }
    assert_kpis(snap(tiny_con, 4), expected)


def test_all_kpis_may(tiny_con):
    # t = May, t-1 = Apr. Open: L1 1000 (105), L2 1800 (40), L4 3200, L5 4800 (0), L6 5800 (1), L7 7000.
    expected = {
        "outstanding_balance": 1000 + 1800 + 3200 + 4800 + 5800 + 7000,
        "dpd1_rate": (1000 + 1800 + 5800) / 23600,                # L1, L2, L6 (at 1 dpd)
        "dpd30_rate": (1000 + 1800) / 23600,                      # L1, L2
        "dpd90_rate": 1000 / 23600,                               # L1
        "cure_rate": 1 / 3,                                       # of L1, L2, L5 (delinquent at Apr) L5 cured
        "charge_off_amount": 0.0,
        "recoveries": 0.0,
        "nco_rate": 0 / 17000 * 12,
        "recovery_rate_3m": 50 / 1000,                            # e = Feb: L1 (1000); paid Mar-May: P101 50
        "ptp_kept_rate": None,                                    # no promise falls due in May
        "rpc_rate": 1 / 2,                                        # A14 (RPC), A15 (unrelated third party)
        "complaints_per_1k": 1 / 3 * 1000,                        # C1; delinquent L1, L2, L6
        "plan_acceptance_rate": None,                             # no offer in May
        "plan_redefault_rate_6m": None,
        # Actions: A13 50 + A14 2 + A15 2. Collected: L5 300 (P501; L5 was M2 at Apr).
        "cost_to_collect": (50 + 2 + 2) / 300,
    }
    assert_kpis(snap(tiny_con, 5), expected)


def test_all_kpis_june(tiny_con):
    # t = Jun, t-1 = May. Open: L1 1000 (135), L2 1500 (0), L4 3000, L5 4600, L6 5800 (31), L7 6800.
    expected = {
        "outstanding_balance": 1000 + 1500 + 3000 + 4600 + 5800 + 6800,
        "dpd1_rate": (1000 + 5800) / 22700,                       # L1, L6
        "dpd30_rate": (1000 + 5800) / 22700,                      # L1 (135), L6 (31)
        "dpd90_rate": 1000 / 22700,                               # L1
        "cure_rate": 1 / 3,                                       # of L1, L2, L6 (delinquent at May) L2 cured
        "charge_off_amount": 0.0,
        "recoveries": 0.0,
        "nco_rate": 0 / 23600 * 12,
        # e = Mar: L3 entered (2500) and L5 entered (5000); paid Apr-Jun: L3 2600, L5 300 + 250.
        "recovery_rate_3m": (2600 + 300 + 250) / (2500 + 5000),
        "ptp_kept_rate": 1 / 2,                                   # PR4 kept (400 of exactly 400), PR5 broken
        "rpc_rate": 1 / 1,                                        # A16
        "complaints_per_1k": 0 / 2 * 1000,                        # delinquent L1, L6
        "plan_acceptance_rate": None,
        "plan_redefault_rate_6m": None,
        # Actions: A16 2 + A17 5. Collected: L2 400 (P203; L2 was M2 at May). L5's 250 and L7's 400 are
        # from loans current at May.
        "cost_to_collect": (2 + 5) / 400,
    }
    assert_kpis(snap(tiny_con, 6), expected)


def test_all_kpis_september(tiny_con):
    # t = Sep, t-1 = Aug. L1 charged off (1000). Open: L2 1200, L4 2400, L5 4400 (60), L6 5800 (121), L7 6200.
    expected = {
        "outstanding_balance": 1200 + 2400 + 4400 + 5800 + 6200,
        "dpd1_rate": (4400 + 5800) / 20000,                       # L5, L6
        "dpd30_rate": (4400 + 5800) / 20000,
        "dpd90_rate": 5800 / 20000,                               # L6
        "cure_rate": 0 / 3,                                       # L1 -> CO, L5 -> M2, L6 -> M5
        "charge_off_amount": 1000.0,                              # L1's charged_off row
        "recoveries": 100.0,                                      # P102
        "nco_rate": (1000 - 100) / 21500 * 12,                    # outstanding at Aug = 21500
        "recovery_rate_3m": None,                                 # e = Jun: nobody entered delinquency
        "ptp_kept_rate": 0 / 1,                                   # PR7: 50 of 100
        "rpc_rate": 1 / 2,                                        # A22 RPC, A23 related third party
        "complaints_per_1k": 2 / 2 * 1000,                        # C2, C3; delinquent L5, L6
        "plan_acceptance_rate": None,
        "plan_redefault_rate_6m": None,                           # nothing accepted in Mar
        # Actions: A22 2 + A23 2 + A24 5. Collected: L5 50 (P504, delinquent at Aug) + recovery 100 (P102).
        "cost_to_collect": (2 + 2 + 5) / (50 + 100),
    }
    assert_kpis(snap(tiny_con, 9), expected)


def test_all_kpis_october(tiny_con):
    # t = Oct, t-1 = Sep. Open: L2 1100, L4 2200, L5 4400 (90), L6 5800 (151), L7 6000.
    expected = {
        "outstanding_balance": 1100 + 2200 + 4400 + 5800 + 6000,
        "dpd1_rate": (4400 + 5800) / 19500,
        "dpd30_rate": (4400 + 5800) / 19500,
        "dpd90_rate": 5800 / 19500,                               # L6 (151); L5 at exactly 90 is not over 90
        "cure_rate": 0 / 2,                                       # L5 -> M3, L6 -> M6
        "charge_off_amount": 0.0,
        "recoveries": 150.0,                                      # P103
        "nco_rate": (0 - 150) / 20000 * 12,                       # recoveries exceed charge-offs: negative
        "recovery_rate_3m": None,                                 # e = Jul: nobody entered
        "ptp_kept_rate": None,
        "rpc_rate": 0 / 1,                                        # A25 not connected
        "complaints_per_1k": 0 / 2 * 1000,
        "plan_acceptance_rate": None,
        # Accepted in Apr: RP2 (active) and RP3 (broken 2024-08-25, before 2024-04-12 + 6 months).
        "plan_redefault_rate_6m": 1 / 2,
        # Actions: A25 1 + A26 0.1. Collected: recovery 150 (P103); L5 and L6 paid nothing in Oct.
        "cost_to_collect": (1 + 0.1) / 150,
    }
    assert_kpis(snap(tiny_con, 10), expected)


def test_snapshot_has_every_kpi_by_name(tiny_con):
    result = snap(tiny_con, 9)
    assert set(KPI_NAMES) <= set(result)
    assert result["month"] == "2024-09"
    assert set(result["flow_rates"]) == set(FLOW_KEYS)


def test_kpi_series_over_the_year(tiny_con):
    """Series over Jan..Oct agree with the snapshot values computed by hand, month by month."""
    def series(name):
        rows = kpis.kpi_series(tiny_con, name, month_from=m(1), month_to=m(10), min_cell=1).to_pylist()
        return {r["month"]: r["value"] for r in rows}

    # The open balance of each month, from the tape (see tiny_book.py).
    assert series("outstanding_balance") == {
        m(1): 1000 + 2000 + 3000 + 4000,
        m(2): 1000 + 1900 + 2500 + 3800 + 5000,
        m(3): 1000 + 1800 + 2500 + 3600 + 5000 + 6000,
        m(4): 1000 + 1800 + 3400 + 5000 + 5800,
        m(5): 1000 + 1800 + 3200 + 4800 + 5800 + 7000,
        m(6): 1000 + 1500 + 3000 + 4600 + 5800 + 6800,
        m(7): 1000 + 1400 + 2800 + 4400 + 5800 + 6600,
        m(8): 1000 + 1300 + 2600 + 4400 + 5800 + 6400,
        m(9): 1200 + 2400 + 4400 + 5800 + 6200,
        m(10): 1100 + 2200 + 4400 + 5800 + 6000,
    }
    # e = t-3 entries: Feb L1 (1000), Mar L3 + L5 (7500), Apr L2 (1800), May L6 (5800).
    rr = series("recovery_rate_3m")
    assert rr[m(5)] == pytest.approx(50 / 1000)
    assert rr[m(6)] == pytest.approx((2600 + 300 + 250) / 7500)
    assert rr[m(7)] == pytest.approx((400 + 130) / 1800)          # L2: P203 (Jun) + P204 (Jul)
    assert rr[m(8)] == pytest.approx(100 / 5800)                  # L6: P602 (Jul)
    # Aug: L1 1000 (195) + L5 4400 (30) + L6 5800 (91) delinquent over 21500; over 90: L1 and L6.
    assert series("dpd1_rate")[m(8)] == pytest.approx((1000 + 4400 + 5800) / 21500)
    assert series("dpd90_rate")[m(8)] == pytest.approx((1000 + 5800) / 21500)
    # Over 30 means over: L5 at exactly 30 (Aug) and L3 at exactly 30 (Mar) are not counted.
    assert series("dpd30_rate")[m(8)] == pytest.approx((1000 + 5800) / 21500)
    assert series("dpd30_rate")[m(3)] == pytest.approx(1000 / 19900)        # L1 (45) only
    assert series("dpd1_rate")[m(3)] == pytest.approx((1000 + 2500 + 5000) / 19900)  # L1, L3, L5
    # Jul: actions A18 200 + A19 2; collected L6's 100 (L6 was M2 at Jun).
    assert series("cost_to_collect")[m(7)] == pytest.approx((200 + 2) / 100)
    # Mar: calls A03 (third party), A04 (RPC), A05 (no answer).
    assert series("rpc_rate")[m(3)] == pytest.approx(1 / 3)
    # Aug: RP4 offered, not accepted.
    assert series("plan_acceptance_rate")[m(8)] == 0.0


def test_every_kpi_series_is_keyed_by_calendar_month_dates(tiny_con):
    """Month t is a calendar month: every series returns dates (first of the month), so series of
    different KPIs line up month by month (``kpis.trend_wide``)."""
    long_rows = []
    wrong = []
    for name in KPI_NAMES:
        for row in kpis.kpi_series(tiny_con, name, month_from=m(1), month_to=m(10), min_cell=1).to_pylist():
            if type(row["month"]) is not date or row["month"].day != 1:
                wrong.append(f"{name}: {row['month']!r}")
            long_rows.append({"kpi": name, "month": row["month"], "value": row["value"]})
    assert not wrong, "months that are not calendar-month dates:\n" + "\n".join(wrong[:20])
    wide = kpis.trend_wide(long_rows, KPI_NAMES)
    assert [r["month"] for r in wide] == list(MONTHS)
    april = wide[3]
    assert april["outstanding_balance"] == 17000
    assert april["rpc_rate"] == pytest.approx(3 / 5)
    assert april["plan_acceptance_rate"] == pytest.approx(2 / 3)


# --------------------------------------------------------------------------------------------------
# Flow rates and the roll matrix
# --------------------------------------------------------------------------------------------------

def test_flow_rates_april(tiny_con):
    # Mar buckets: M0 = L2 1800 + L4 3600 + L6 6000 = 11400; M1 = L3 2500 + L5 5000 = 7500; M2 = L1 1000.
    # Apr buckets: M0 = L4 3400 + L6 5800; M1 = L2 1800; M2 = L5 5000; M3 = L1 1000.
    assert_kpis(snap(tiny_con, 4)["flow_rates"], {
        "M0_M1": 1800 / 11400,
        "M1_M2": 5000 / 7500,
        "M2_M3": 1000 / 1000,
        "M3_M4": None,  # nothing in M3 at Mar: empty denominator
        "M4_M5": None,
        "M5_M6": None,
        "M6_M7": None,
    })


def test_flow_rates_august(tiny_con):
    # Jul buckets: M0 = L2 1400 + L4 2800 + L5 4400 + L7 6600 = 15200; M3 = L6 5800; M6 = L1 1000.
    # Aug buckets: M0 = 1300 + 2600 + 6400; M1 = L5 4400; M4 = L6 5800; M7 = L1 1000.
    assert_kpis(snap(tiny_con, 8)["flow_rates"], {
        "M0_M1": 4400 / 15200,
        "M1_M2": None,
        "M2_M3": None,
        "M3_M4": 5800 / 5800,
        "M4_M5": None,
        "M5_M6": None,
        "M6_M7": 1000 / 1000,
    })


def test_the_roller_lights_every_flow_rate(tiny_con):
    """L1 rolls M0 -> M7 one bucket a month, so each Mk -> Mk+1 has a value in the month it moves."""
    rows = kpis.flow_rate_series(tiny_con, month_from=m(1), month_to=m(10), min_cell=1).to_pylist()
    flows = {(r["month"], f"{r['from_bucket']}_{r['to_bucket']}"): r["value"] for r in rows}
    expected = {
        (m(2), "M0_M1"): 1000 / (1000 + 2000 + 3000 + 4000),  # L1 in M1 at Feb over all of M0 at Jan
        (m(3), "M1_M2"): 1000 / 1000,                          # L1 alone in M1 at Feb, in M2 at Mar
        (m(4), "M2_M3"): 1000 / 1000,
        (m(5), "M3_M4"): 1000 / 1000,
        (m(6), "M4_M5"): 1000 / 1000,
        (m(7), "M5_M6"): 1000 / 1000,
        (m(8), "M6_M7"): 1000 / 1000,
        (m(5), "M2_M3"): 0 / 5000,                             # L5 (M2 at Apr) cured; nothing in M3 at May
        (m(10), "M2_M3"): 4400 / 4400,                         # L5 again, after the plan broke
    }
    got = {key: flows.get(key, "<no row>") for key in expected}
    assert got == pytest.approx(expected)


def test_roll_matrix_april_full_rows(tiny_con):
    result = snap(tiny_con, 4)
    # Loans open at Mar with a row at Apr, from state at Mar (balance at Mar):
    #   M0: L2 1800 -> M1, L4 3600 -> M0, L6 6000 -> M0;  M1: L3 2500 -> PO, L5 5000 -> M2;  M2: L1 1000 -> M3.
    assert result["roll_matrix_count"] == {
        "M0": pytest.approx(full_row(M0=2 / 3, M1=1 / 3)),
        "M1": pytest.approx(full_row(M2=1 / 2, PO=1 / 2)),
        "M2": pytest.approx(full_row(M3=1.0)),
    }
    assert result["roll_matrix_balance"] == {
        "M0": pytest.approx(full_row(M0=(3600 + 6000) / (1800 + 3600 + 6000), M1=1800 / 11400)),
        "M1": pytest.approx(full_row(M2=5000 / 7500, PO=2500 / 7500)),
        "M2": pytest.approx(full_row(M3=1.0)),
    }


def test_roll_matrix_september_charge_off(tiny_con):
    result = snap(tiny_con, 9)
    # At Aug: M0 = L2, L4, L7 (all stay M0); M1 = L5 -> M2; M4 = L6 -> M5; M7 = L1 -> CO.
    expected = {"M0": full_row(M0=1.0), "M1": full_row(M2=1.0), "M4": full_row(M5=1.0), "M7": full_row(CO=1.0)}
    assert result["roll_matrix_count"] == expected
    assert result["roll_matrix_balance"] == expected


@pytest.mark.parametrize("month", range(2, 11))
def test_roll_matrix_rows_sum_to_one(tiny_con, month):
    result = snap(tiny_con, month)
    for matrix in ("roll_matrix_count", "roll_matrix_balance"):
        assert result[matrix], f"{matrix} empty at month {month}"
        for from_state, row in result[matrix].items():
            assert from_state in contract.BUCKETS
            assert set(row) == set(contract.STATES)
            assert sum(row.values()) == pytest.approx(1.0), (matrix, from_state, row)


# --------------------------------------------------------------------------------------------------
# Empty denominators, filters, suppression, missing tables
# --------------------------------------------------------------------------------------------------

def test_empty_denominators_are_none_not_zero(tiny_con):
    feb, jan, aug = snap(tiny_con, 2), snap(tiny_con, 1), snap(tiny_con, 8)
    assert feb["cure_rate"] is None           # nobody was delinquent at Jan
    assert jan["complaints_per_1k"] is None   # nobody delinquent at Jan
    assert jan["nco_rate"] is None            # no outstanding balance at Dec 2023
    assert aug["cost_to_collect"] is None     # L1 and L6 (delinquent at Jul) paid nothing in Aug; no recovery
    assert aug["ptp_kept_rate"] is None       # no promise due in Aug
    assert snap(tiny_con, 4)["flow_rates"]["M3_M4"] is None


def test_filter_one_product_changes_the_answer(tiny_con):
    # card = L3, L4, L6. Apr: L3 paid off, L4 3400 and L6 5800 current.
    card = snap(tiny_con, 4, products=("card",))
    assert_kpis(card, {
        "outstanding_balance": 3400 + 5800,
        "dpd1_rate": 0 / 9200,
        "cure_rate": 1 / 1,                 # only L3 was delinquent at Mar (all products: 1/3)
        "ptp_kept_rate": 1 / 1,             # PR3
        "rpc_rate": None,                   # no call on a card loan in Apr (all products: 3/5)
        "plan_acceptance_rate": None,       # no offer on a card loan (all products: 2/3)
        "cost_to_collect": 0 / 2600,        # no action cost; L3 paid 2600
    })
    assert card["roll_matrix_count"] == {"M0": full_row(M0=1.0), "M1": full_row(PO=1.0)}
    assert_kpis(card["flow_rates"], {"M0_M1": 0 / (3600 + 6000), "M1_M2": 0 / 2500, "M2_M3": None})

    # cash_loan = L1, L2, L5, L7. May: L1 1000 (105), L2 1800 (40), L5 4800, L7 7000.
    cash = snap(tiny_con, 5, products=("cash_loan",))
    assert_kpis(cash, {
        "outstanding_balance": 1000 + 1800 + 4800 + 7000,
        "dpd1_rate": (1000 + 1800) / 14600,
        "dpd90_rate": 1000 / 14600,
        "complaints_per_1k": 1 / 2 * 1000,  # C1 (L1); delinquent L1, L2
    })


def test_filter_region_and_channel(tiny_con):
    # west = L2, L4, L5. Sep: 1200 + 2400 + 4400 (L5 at 60 dpd); L1 (east) is the charge-off.
    assert_kpis(snap(tiny_con, 9, regions=("west",)), {
        "outstanding_balance": 1200 + 2400 + 4400,
        "dpd1_rate": 4400 / 8000,
        "charge_off_amount": 0.0,
        "recoveries": 0.0,
        "nco_rate": 0 / (1300 + 2600 + 4400) * 12,
        "rpc_rate": 1 / 1,                  # A22 (L5)
    })
    # app = L1, L4, L5, L6. Sep: CO L1 1000, recovery 100; outstanding at Aug 1000 + 2600 + 4400 + 5800.
    assert_kpis(snap(tiny_con, 9, channels=("app",)), {
        "outstanding_balance": 2400 + 4400 + 5800,
        "charge_off_amount": 1000.0,
        "recoveries": 100.0,
        "nco_rate": (1000 - 100) / (1000 + 2600 + 4400 + 5800) * 12,
    })


def test_filter_listing_every_product_is_no_filter(tiny_con):
    both = snap(tiny_con, 9, products=("card", "cash_loan"))
    assert both == snap(tiny_con, 9)


def test_recoveries_of_a_segment_whose_only_loan_is_charged_off(tiny_con):
    # cash_loan x east x app is L1 alone. In Oct it has no tape row (charged off in Sep) but pays a
    # recovery of 150 (P103): recoveries(Oct) for that segment is 150, and cost_to_collect is 0 / 150.
    result = snap(tiny_con, 10, products=("cash_loan",), regions=("east",), channels=("app",))
    assert_kpis(result, {"recoveries": 150.0, "cost_to_collect": 0 / 150, "outstanding_balance": None})


def test_default_min_cell_suppresses_the_tiny_book(tiny_con):
    result = kpis.snapshot(tiny_con, month=m(5))  # default min_cell = 10; the book has 7 loans
    assert result["min_cell"] == 10
    # Zero counts reveal no one and stay; everything resting on 1..9 loans is None.
    assert_kpis(result, {name: None for name in KPI_NAMES if name not in ("charge_off_amount", "recoveries")})
    assert result["charge_off_amount"] == 0.0 and result["recoveries"] == 0.0
    assert {"outstanding_balance", "dpd1_rate", "cure_rate", "recovery_rate_3m", "rpc_rate",
            "complaints_per_1k", "cost_to_collect"} <= set(result["suppressed"])
    assert all(v is None for v in result["flow_rates"].values())
    for matrix in ("roll_matrix_count", "roll_matrix_balance"):
        assert result[matrix]
        assert all(v is None for row in result[matrix].values() for v in row.values())


def test_min_cell_boundary(tiny_con):
    # May's outstanding balance rests on 6 open loans: shown at min_cell 6, suppressed at 7.
    assert snap(tiny_con, 5, min_cell=6)["outstanding_balance"] == 23600
    at_seven = snap(tiny_con, 5, min_cell=7)
    assert at_seven["outstanding_balance"] is None
    assert "outstanding_balance" in at_seven["suppressed"]


@pytest.fixture(scope="module")
def books_without(tmp_path_factory):
    """The tiny book imported twice more: once without complaints.csv, once without payments.csv."""
    dbs = {}
    for dropped in ("complaints", "payments"):
        root = tmp_path_factory.mktemp(f"without_{dropped}")
        tables = tiny_tables()
        del tables[dropped]
        write_tiny_book(root / "book", tables=tables)
        result = import_folder(root / "book", root / "db.duckdb")
        assert result.ok, [str(p) for p in result.problems]
        assert dropped not in result.provided
        dbs[dropped] = root / "db.duckdb"
    return dbs


def test_kpi_is_none_when_its_optional_table_is_absent(books_without):
    con = connect_readonly(books_without["complaints"])
    try:
        result = kpis.snapshot(con, month=m(9), min_cell=1)
    finally:
        con.close()
    assert result["complaints_per_1k"] is None                        # would be 2 / 2 * 1000
    assert result["missing_tables"] == {"complaints_per_1k": ("complaints",)}
    assert result["rpc_rate"] == pytest.approx(1 / 2)                 # other KPIs unaffected
    assert result["outstanding_balance"] == 20000


def test_payments_absent_blanks_every_kpi_that_counts_payments(books_without):
    con = connect_readonly(books_without["payments"])
    try:
        result = kpis.snapshot(con, month=m(9), min_cell=1)
        june = kpis.snapshot(con, month=m(6), min_cell=1)
    finally:
        con.close()
    for name in ("recoveries", "nco_rate", "cost_to_collect"):
        assert result[name] is None, name
        assert result["missing_tables"][name] == ("payments",)
    assert june["recovery_rate_3m"] is None                           # would be 3150 / 7500
    assert result["charge_off_amount"] == 1000.0                       # from the tape, still there
    assert "complaints_per_1k" not in result["missing_tables"]


# --------------------------------------------------------------------------------------------------
# The CLI twin
# --------------------------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_cli_kpis_json_matches_snapshot(tiny_db, tiny_con):
    done = run_cli("kpis", "--db", str(tiny_db), "--month", "2024-09", "--min-cell", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    for key in (*KPI_NAMES, "flow_rates", "roll_matrix_balance", "roll_matrix_count", "month", "fingerprint"):
        assert key in printed, key
    assert printed["month"] == "2024-09"
    expected = json.loads(json.dumps(snap(tiny_con, 9)))
    assert printed == expected
    # And the same hand-computed values as test_all_kpis_september.
    assert printed["nco_rate"] == pytest.approx((1000 - 100) / 21500 * 12)
    assert printed["complaints_per_1k"] == pytest.approx(2 / 2 * 1000)
    assert printed["roll_matrix_count"]["M7"]["CO"] == 1.0
    assert printed["fingerprint"] == kpis.dataset_info(tiny_con)["fingerprint"]


def test_cli_kpis_filters_and_default_min_cell(tiny_db):
    done = run_cli("kpis", "--db", str(tiny_db), "--month", "2024-04", "--product", "card", "--min-cell", "1")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["cure_rate"] == 1.0              # L3 alone, -> PO
    default = run_cli("kpis", "--db", str(tiny_db), "--month", "2024-04")
    assert default.returncode == 0, default.stderr
    printed = json.loads(default.stdout)
    assert printed["min_cell"] == 10 and printed["outstanding_balance"] is None


def test_cli_kpis_csv_has_a_row_per_kpi(tiny_db, tiny_con):
    done = run_cli("kpis", "--db", str(tiny_db), "--month", "2024-04", "--min-cell", "1", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["name", "value"]
    values = {}
    for name, value in rows[1:]:
        assert name not in values, f"{name} twice"
        values[name] = value
    expected = snap(tiny_con, 4)
    for name in KPI_NAMES:
        assert name in values, name
        if expected[name] is None:
            assert values[name] == "", name
        else:
            assert float(values[name]) == pytest.approx(expected[name]), name
    assert float(values["rpc_rate"]) == pytest.approx(3 / 5)
    assert float(values["flow_rates.M1_M2"]) == pytest.approx(5000 / 7500)
    assert float(values["roll_matrix_count.M1.PO"]) == pytest.approx(1 / 2)
    assert values["month"] == "2024-04"


@pytest.mark.parametrize("command, option", [("kpis", "--min-cell"), ("import", "--db"), ("generate", "--loans")])
def test_cli_help(command, option):
    done = run_cli(command, "--help")
    assert done.returncode == 0, done.stderr
    assert option in done.stdout and "usage:" in done.stdout
