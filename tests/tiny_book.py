"""A hand-built tiny loan book (seven loans, January to October 2024) for hand-computed KPI tests.

Every table of the data contract is present. The numbers are chosen to be read: loan Lk has a
principal of k thousand yuan, balances move in round hundreds and the stories below say which loan
does what in which month, so a test can write ``expected = (1000 + 1800) / 23600`` and name the loans.

Products: cash_loan (L1, L2, L5, L7) and card (L3, L4, L6).
Regions: east (L1, L3, L6, L7) and west (L2, L4, L5).
Channels: app (L1, L4, L5, L6) and branch (L2, L3, L7).

The month-end tape, balance / dpd / state, one line per month of 2024:

    month  L1             L2           L3           L4           L5           L6            L7
    Jan    1000   0 M0    2000  0 M0   3000  0 M0   4000  0 M0   -            -             -
    Feb    1000  15 M1    1900  0 M0   2500  0 M0   3800  0 M0   5000  0 M0   -             -
    Mar    1000  45 M2    1800  0 M0   2500 30 M1   3600  0 M0   5000 25 M1   6000   0 M0   -
    Apr    1000  75 M3    1800 10 M1      0  0 PO   3400  0 M0   5000 55 M2   5800   0 M0   -
    May    1000 105 M4    1800 40 M2   -            3200  0 M0   4800  0 M0   5800   1 M1   7000 0 M0
    Jun    1000 135 M5    1500  0 M0   -            3000  0 M0   4600  0 M0   5800  31 M2   6800 0 M0
    Jul    1000 165 M6    1400  0 M0   -            2800  0 M0   4400  0 M0   5800  61 M3   6600 0 M0
    Aug    1000 195 M7    1300  0 M0   -            2600  0 M0   4400 30 M1   5800  91 M4   6400 0 M0
    Sep    1000 225 CO    1200  0 M0   -            2400  0 M0   4400 60 M2   5800 121 M5   6200 0 M0
    Oct    -              1100  0 M0   -            2200  0 M0   4400 90 M3   5800 151 M6   6000 0 M0

Bucket boundaries are on purpose: L3 (30), L5 (30, 60, 90) sit on the last day of M1, M2, M3 and L6
(1, 31, 61, 91, 121, 151) on the first day of M1..M6.

Open balance per month (outstanding_balance): Jan 10000, Feb 14200, Mar 19900, Apr 17000, May 23600,
Jun 22700, Jul 22000, Aug 21500, Sep 20000, Oct 19500.
"""

from __future__ import annotations

import copy
import csv
from datetime import date, datetime
from pathlib import Path

from analytics import contract

__all__ = ["tiny_tables", "write_tiny_book", "write_tables", "MONTHS", "PHONE_B1", "ID_B1"]

MONTHS = tuple(date(2024, m, 1) for m in range(1, 11))

# Fake personal data: these are not real people (the ID numbers are made up in the national format).
PHONE_B1 = "13812345678"
ID_B1 = "110101199003071234"

D = date
T = datetime


def _tape(loan_id: str, start: date, rows: list[tuple]) -> list[dict]:
    """Consecutive month rows from ``start``: each (balance, dpd, amount_due, amount_paid, status)."""
    out = []
    year, month = start.year, start.month
    for balance, dpd, due, paid, status in rows:
        out.append({"loan_id": loan_id, "month": date(year, month, 1), "balance": float(balance), "dpd": dpd,
                    "amount_due": float(due), "amount_paid": float(paid), "status": status})
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


LOANS = [
    # loan_id, borrower_id, product, channel, region, origination_date, principal, annual_rate, term, method
    {"loan_id": "L1", "borrower_id": "B1", "product": "cash_loan", "channel": "app", "region": "east",
     "origination_date": D(2024, 1, 10), "principal": 1000.0, "annual_rate": 0.18, "term_months": 12,
     "repayment_method": "equal_installment"},
    {"loan_id": "L2", "borrower_id": "B2", "product": "cash_loan", "channel": "branch", "region": "west",
     "origination_date": D(2024, 1, 20), "principal": 2000.0, "annual_rate": 0.12, "term_months": 24,
     "repayment_method": "equal_installment"},
    {"loan_id": "L3", "borrower_id": "B3", "product": "card", "channel": "branch", "region": "east",
     "origination_date": D(2024, 1, 5), "principal": 3000.0, "annual_rate": 0.15, "term_months": 6,
     "repayment_method": "equal_principal"},
    {"loan_id": "L4", "borrower_id": "B4", "product": "card", "channel": "app", "region": "west",
     "origination_date": D(2024, 1, 25), "principal": 4000.0, "annual_rate": 0.10, "term_months": 20,
     "repayment_method": "equal_principal"},
    {"loan_id": "L5", "borrower_id": "B5", "product": "cash_loan", "channel": "app", "region": "west",
     "origination_date": D(2024, 2, 14), "principal": 5000.0, "annual_rate": 0.2, "term_months": 24,
     "repayment_method": "equal_installment"},
    {"loan_id": "L6", "borrower_id": "B6", "product": "card", "channel": "app", "region": "east",
     "origination_date": D(2024, 3, 3), "principal": 6000.0, "annual_rate": 0.16, "term_months": 12,
     "repayment_method": "interest_only"},
    {"loan_id": "L7", "borrower_id": "B7", "product": "cash_loan", "channel": "branch", "region": "east",
     "origination_date": D(2024, 5, 8), "principal": 7000.0, "annual_rate": 0.09, "term_months": 36,
     "repayment_method": "equal_installment"},
]

BORROWERS = [
    {"borrower_id": "B1", "name": "张三", "phone": PHONE_B1, "id_number": ID_B1, "birth_year": 1990,
     "monthly_income": 4500.0, "employment_status": "unemployed", "region": "east"},
    {"borrower_id": "B2", "name": "李四", "phone": "13900001111", "id_number": "310101198512125678",
     "birth_year": 1985, "monthly_income": 8000.0, "employment_status": "employed", "region": "west"},
    {"borrower_id": "B3", "name": "王五", "phone": "13700002222", "id_number": "440101197801019012",
     "birth_year": 1978, "monthly_income": 12000.0, "employment_status": "self_employed", "region": "east"},
    {"borrower_id": "B4", "name": "赵六", "phone": "15000003333", "id_number": "510101199207073456",
     "birth_year": 1992, "monthly_income": 9500.0, "employment_status": "employed", "region": "west"},
    {"borrower_id": "B5", "name": "孙七", "phone": "18600004444", "id_number": "320101198811117890",
     "birth_year": 1988, "monthly_income": None, "employment_status": None, "region": "west"},
    {"borrower_id": "B6", "name": "周八", "phone": "17700005555", "id_number": "33010119950505123X",
     "birth_year": 1995, "monthly_income": 6000.0, "employment_status": "student", "region": "east"},
    {"borrower_id": "B7", "name": "吴九", "phone": None, "id_number": None, "birth_year": None,
     "monthly_income": 15000.0, "employment_status": "retired", "region": "east"},
]

LOAN_MONTHS = (
    # L1, the roller: never pays after February, rolls M0 -> M1 -> ... -> M7 and is charged off in
    # September (the charged_off row's balance is the 1000 charged off); recoveries follow in Sep and Oct.
    _tape("L1", D(2024, 1, 1), [
        (1000, 0, 0, 0, "open"),          # Jan M0
        (1000, 15, 92, 0, "open"),        # Feb M1
        (1000, 45, 184, 0, "open"),       # Mar M2
        (1000, 75, 276, 50, "open"),      # Apr M3 (pays 50 on 18 Apr, not enough)
        (1000, 105, 318, 0, "open"),      # May M4
        (1000, 135, 410, 0, "open"),      # Jun M5
        (1000, 165, 502, 0, "open"),      # Jul M6
        (1000, 195, 594, 0, "open"),      # Aug M7
        (1000, 225, 686, 100, "charged_off"),  # Sep CO: 1000 charged off
    ])
    # L2, the cure: current Jan-Mar, misses April and May (M1, M2), accepts a reduced-installment plan
    # in April, pays the arrears in June and is current (M0) to October.
    + _tape("L2", D(2024, 1, 1), [
        (2000, 0, 0, 0, "open"),          # Jan M0
        (1900, 0, 130, 130, "open"),      # Feb M0
        (1800, 0, 130, 130, "open"),      # Mar M0
        (1800, 10, 130, 0, "open"),       # Apr M1
        (1800, 40, 260, 0, "open"),       # May M2
        (1500, 0, 400, 400, "open"),      # Jun M0 (cured)
        (1400, 0, 130, 130, "open"),      # Jul
        (1300, 0, 130, 130, "open"),      # Aug
        (1200, 0, 130, 130, "open"),      # Sep
        (1100, 0, 130, 130, "open"),      # Oct
    ])
    # L3, the payoff: current Jan-Feb, misses March (M1), pays everything off in April (PO).
    + _tape("L3", D(2024, 1, 1), [
        (3000, 0, 0, 0, "open"),          # Jan M0
        (2500, 0, 550, 550, "open"),      # Feb M0
        (2500, 30, 550, 0, "open"),       # Mar M1 (30 dpd: still M1)
        (0, 0, 2600, 2600, "paid_off"),   # Apr PO
    ])
    # L4, steady: always current, amortising 200 a month.
    + _tape("L4", D(2024, 1, 1), [
        (4000 - 200 * i, 0, 0 if i == 0 else 250, 0 if i == 0 else 250, "open") for i in range(10)
    ])
    # L5, the plan: current in February, misses March and April (M1, M2), accepts a term-extension plan
    # on 12 Apr, is current May-Jul, breaks the plan on 25 Aug and rolls again (Aug M1, Sep M2, Oct M3).
    + _tape("L5", D(2024, 2, 1), [
        (5000, 0, 0, 0, "open"),          # Feb M0
        (5000, 25, 300, 0, "open"),       # Mar M1
        (5000, 55, 600, 0, "open"),       # Apr M2
        (4800, 0, 300, 300, "open"),      # May M0 (cured under the plan)
        (4600, 0, 250, 250, "open"),      # Jun
        (4400, 0, 250, 250, "open"),      # Jul
        (4400, 30, 250, 0, "open"),       # Aug M1 (plan broken; 30 dpd: still M1)
        (4400, 60, 500, 50, "open"),      # Sep M2 (60: still M2; pays 50 of a 100 promise)
        (4400, 90, 750, 0, "open"),       # Oct M3 (90: still M3, not in dpd90)
    ])
    # L6, the late starter: originated in March, current Mar-Apr, then rolls one bucket a month from May
    # (M1) to October (M6), each month on a bucket's first day, paying only 100 in July.
    + _tape("L6", D(2024, 3, 1), [
        (6000, 0, 0, 0, "open"),          # Mar M0
        (5800, 0, 350, 350, "open"),      # Apr M0
        (5800, 1, 80, 0, "open"),         # May M1 (1 dpd: the first day of M1)
        (5800, 31, 160, 0, "open"),       # Jun M2 (31: the first day of M2)
        (5800, 61, 240, 100, "open"),     # Jul M3 (61)
        (5800, 91, 220, 0, "open"),       # Aug M4 (91: in dpd90)
        (5800, 121, 300, 0, "open"),      # Sep M5 (121)
        (5800, 151, 380, 0, "open"),      # Oct M6 (151)
    ])
    # L7, the newcomer: originated in May, always current.
    + _tape("L7", D(2024, 5, 1), [
        (7000 - 200 * i, 0, 0 if i == 0 else 400, 0 if i == 0 else 400, "open") for i in range(6)
    ])
)

STRATEGY_ASSIGNMENTS = [
    # One row per delinquency episode.
    {"loan_id": "L1", "strategy": "soft_early", "assigned_date": D(2024, 2, 16), "test_group": "champion"},
    {"loan_id": "L3", "strategy": "soft_early", "assigned_date": D(2024, 3, 21), "test_group": "challenger"},
    {"loan_id": "L5", "strategy": "hardship_first", "assigned_date": D(2024, 3, 25), "test_group": "challenger"},
    {"loan_id": "L2", "strategy": "hardship_first", "assigned_date": D(2024, 4, 11), "test_group": "champion"},
    {"loan_id": "L6", "strategy": "soft_early", "assigned_date": D(2024, 5, 11), "test_group": "holdout"},
    {"loan_id": "L5", "strategy": "soft_early", "assigned_date": D(2024, 8, 21), "test_group": "none"},
]

AGENTS = [
    {"agent_id": "AG1", "team": "early", "agency": None, "hire_date": D(2022, 3, 1), "training_hours": 40.0},
    {"agent_id": "AG2", "team": "hardship", "agency": None, "hire_date": D(2021, 9, 15), "training_hours": 60.0},
    {"agent_id": "AG3", "team": "late", "agency": "Acme Recovery", "hire_date": D(2023, 1, 9),
     "training_hours": 12.5},
]


def _action(action_id, loan_id, agent_id, channel, at, role, connected, outcome, cost):
    return {"action_id": action_id, "loan_id": loan_id, "agent_id": agent_id, "channel": channel, "action_at": at,
            "contact_role": role, "connected": connected, "outcome": outcome, "cost": float(cost)}


COLLECTION_ACTIONS = [
    # February: L1 (M1)
    _action("A01", "L1", "AG1", "call", T(2024, 2, 16, 10, 0), "debtor", True, "promise_to_pay", 2),
    _action("A02", "L1", None, "sms", T(2024, 2, 17, 9, 0), "debtor", False, "no_contact", 0.1),
    # March: L1 (M2), L3 (M1), L5 (M1)
    _action("A03", "L1", "AG1", "call", T(2024, 3, 5, 14, 30), "related_third_party", True, "contacted", 2),
    _action("A04", "L3", "AG2", "call", T(2024, 3, 22, 11, 0), "debtor", True, "promise_to_pay", 2),
    _action("A05", "L5", "AG2", "call", T(2024, 3, 26, 16, 0), "debtor", False, "no_contact", 1),
    _action("A06", "L5", None, "sms", T(2024, 3, 27, 9, 0), "debtor", False, "no_contact", 0.1),
    # April: L1 (M3), L2 (M1), L5 (M2): five calls, three of them right-party contacts
    _action("A07", "L1", "AG1", "call", T(2024, 4, 10, 10, 0), "debtor", True, "refused", 2),
    _action("A08", "L2", "AG2", "call", T(2024, 4, 12, 15, 0), "debtor", True, "hardship_reported", 2),
    _action("A09", "L5", "AG2", "call", T(2024, 4, 8, 13, 0), "debtor", True, "hardship_reported", 2),
    _action("A10", "L5", "AG3", "call", T(2024, 4, 20, 19, 0), "guarantor", True, "contacted", 2),
    _action("A11", "L1", None, "letter", T(2024, 4, 25, 8, 0), "debtor", False, "no_contact", 5),
    _action("A12", "L2", "AG1", "call", T(2024, 4, 28, 18, 0), "debtor", False, "no_contact", 1),
    # May: L1 (M4), L2 (M2), L6 (M1)
    _action("A13", "L1", "AG3", "visit", T(2024, 5, 15, 11, 0), "debtor", True, "refused", 50),
    _action("A14", "L2", "AG2", "call", T(2024, 5, 10, 10, 0), "debtor", True, "promise_to_pay", 2),
    _action("A15", "L6", "AG1", "call", T(2024, 5, 20, 12, 0), "unrelated_third_party", True, "contacted", 2),
    # June: L1 (M5), L6 (M2)
    _action("A16", "L6", "AG1", "call", T(2024, 6, 11, 10, 0), "debtor", True, "promise_to_pay", 2),
    _action("A17", "L1", None, "letter", T(2024, 6, 1, 8, 0), "debtor", False, "no_contact", 5),
    # July: L1 (M6), L6 (M3)
    _action("A18", "L1", "AG3", "legal", T(2024, 7, 9, 9, 0), "debtor", False, "no_contact", 200),
    _action("A19", "L6", "AG1", "call", T(2024, 7, 2, 10, 0), "debtor", True, "promise_to_pay", 2),
    # August: L5 (M1), L6 (M4)
    _action("A20", "L5", "AG2", "call", T(2024, 8, 22, 10, 0), "debtor", True, "hardship_reported", 2),
    _action("A21", "L6", "AG1", "call", T(2024, 8, 14, 10, 0), "debtor", False, "no_contact", 1),
    # September: L5 (M2), L6 (M5), L1 charged off (recovery letter)
    _action("A22", "L5", "AG2", "call", T(2024, 9, 5, 10, 0), "debtor", True, "promise_to_pay", 2),
    _action("A23", "L6", "AG1", "call", T(2024, 9, 9, 10, 0), "related_third_party", True, "refused", 2),
    _action("A24", "L1", "AG3", "letter", T(2024, 9, 28, 8, 0), "debtor", False, "no_contact", 5),
    # October: L5 (M3), L6 (M6)
    _action("A25", "L5", "AG2", "call", T(2024, 10, 3, 10, 0), "debtor", False, "no_contact", 1),
    _action("A26", "L6", "AG1", "sms", T(2024, 10, 4, 9, 0), "debtor", False, "no_contact", 0.1),
]

PROMISES = [
    {"promise_id": "PR1", "loan_id": "L1", "action_id": "A01", "promised_date": D(2024, 2, 28),
     "promised_amount": 200.0, "paid_amount": 0.0},                     # Feb: broken
    {"promise_id": "PR2", "loan_id": "L3", "action_id": "A04", "promised_date": D(2024, 3, 30),
     "promised_amount": 500.0, "paid_amount": 0.0},                     # Mar: broken
    {"promise_id": "PR3", "loan_id": "L3", "action_id": None, "promised_date": D(2024, 4, 5),
     "promised_amount": 2600.0, "paid_amount": 2600.0},                 # Apr: kept (the payoff)
    {"promise_id": "PR4", "loan_id": "L2", "action_id": "A14", "promised_date": D(2024, 6, 10),
     "promised_amount": 400.0, "paid_amount": 400.0},                   # Jun: kept, exactly the amount
    {"promise_id": "PR5", "loan_id": "L6", "action_id": "A16", "promised_date": D(2024, 6, 25),
     "promised_amount": 300.0, "paid_amount": 0.0},                     # Jun: broken
    {"promise_id": "PR6", "loan_id": "L6", "action_id": "A19", "promised_date": D(2024, 7, 3),
     "promised_amount": 100.0, "paid_amount": 100.0},                   # Jul: kept
    {"promise_id": "PR7", "loan_id": "L5", "action_id": "A22", "promised_date": D(2024, 9, 12),
     "promised_amount": 100.0, "paid_amount": 50.0},                    # Sep: broken (half paid)
]

_PLAN_EMPTY = {"extension_months": None, "new_installment": None, "rate_after": None, "settlement_amount": None,
               "accepted_date": None, "ended_date": None}

REPAYMENT_PLANS = [
    # April: three offers, two accepted.
    {**_PLAN_EMPTY, "plan_id": "RP1", "loan_id": "L1", "offered_date": D(2024, 4, 15), "plan_type": "settlement",
     "hardship_reason": "unemployment", "settlement_amount": 600.0, "ended_date": D(2024, 4, 30),
     "status": "declined"},
    {**_PLAN_EMPTY, "plan_id": "RP2", "loan_id": "L2", "offered_date": D(2024, 4, 12),
     "plan_type": "installment_reduction", "hardship_reason": "illness", "new_installment": 130.0,
     "accepted_date": D(2024, 4, 20), "status": "active"},
    {**_PLAN_EMPTY, "plan_id": "RP3", "loan_id": "L5", "offered_date": D(2024, 4, 8), "plan_type": "term_extension",
     "hardship_reason": "income_drop", "extension_months": 6, "new_installment": 250.0, "rate_after": 0.15,
     "accepted_date": D(2024, 4, 12), "ended_date": D(2024, 8, 25), "status": "broken"},
    # August: one offer, still pending.
    {**_PLAN_EMPTY, "plan_id": "RP4", "loan_id": "L6", "offered_date": D(2024, 8, 15), "plan_type": "deferral",
     "hardship_reason": "family", "extension_months": 3, "status": "offered"},
]


def _pay(payment_id, loan_id, paid, amount, kind="scheduled"):
    return {"payment_id": payment_id, "loan_id": loan_id, "paid_date": paid, "amount": float(amount), "kind": kind}


PAYMENTS = [
    # L1: one partial payment in April, then recoveries after the September charge-off.
    _pay("P101", "L1", D(2024, 4, 18), 50),
    _pay("P102", "L1", D(2024, 9, 20), 100, "recovery"),
    _pay("P103", "L1", D(2024, 10, 15), 150, "recovery"),
    # L2: installments, nothing in April-May, 400 under the plan in June (arrears), then the plan's 130.
    _pay("P201", "L2", D(2024, 2, 20), 130),
    _pay("P202", "L2", D(2024, 3, 20), 130),
    _pay("P203", "L2", D(2024, 6, 10), 400, "plan"),
    _pay("P204", "L2", D(2024, 7, 20), 130, "plan"),
    _pay("P205", "L2", D(2024, 8, 20), 130, "plan"),
    _pay("P206", "L2", D(2024, 9, 20), 130, "plan"),
    _pay("P207", "L2", D(2024, 10, 20), 130, "plan"),
    # L3: one installment, then the payoff in April.
    _pay("P301", "L3", D(2024, 2, 5), 550),
    _pay("P302", "L3", D(2024, 4, 5), 2600),
    # L4: 250 every month from February.
    *[_pay(f"P4{m:02d}", "L4", D(2024, m, 25), 250) for m in range(2, 11)],
    # L5: the plan's installments May-Jul, and 50 in September.
    _pay("P501", "L5", D(2024, 5, 12), 300, "plan"),
    _pay("P502", "L5", D(2024, 6, 12), 250, "plan"),
    _pay("P503", "L5", D(2024, 7, 12), 250, "plan"),
    _pay("P504", "L5", D(2024, 9, 12), 50, "plan"),
    # L6: one installment in April and 100 in July (the promise kept).
    _pay("P601", "L6", D(2024, 4, 3), 350),
    _pay("P602", "L6", D(2024, 7, 3), 100),
    # L7: 400 every month from June.
    *[_pay(f"P7{m:02d}", "L7", D(2024, m, 8), 400) for m in range(6, 11)],
]

COMPLAINTS = [
    {"complaint_id": "C1", "loan_id": "L1", "agent_id": "AG3", "received_date": D(2024, 5, 16),
     "category": "harassment", "escalated": False},                       # after the May visit
    {"complaint_id": "C2", "loan_id": "L6", "agent_id": "AG1", "received_date": D(2024, 9, 10),
     "category": "third_party_disclosure", "escalated": True},
    {"complaint_id": "C3", "loan_id": "L6", "agent_id": None, "received_date": D(2024, 9, 30),
     "category": "excessive_contact", "escalated": False},
]

_TABLES = {
    "loans": LOANS,
    "borrowers": BORROWERS,
    "loan_months": LOAN_MONTHS,
    "strategy_assignments": STRATEGY_ASSIGNMENTS,
    "collection_actions": COLLECTION_ACTIONS,
    "promises": PROMISES,
    "repayment_plans": REPAYMENT_PLANS,
    "payments": PAYMENTS,
    "agents": AGENTS,
    "complaints": COMPLAINTS,
}
assert set(_TABLES) == set(contract.TABLES)


def tiny_tables() -> dict[str, list[dict]]:
    """A fresh deep copy of every table as a list of row dicts (mutate freely to make bad input)."""
    return copy.deepcopy(_TABLES)


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _columns(name: str, rows: list[dict]) -> list[str]:
    """Contract columns in contract order that any row has, then any extra keys (for bad-input tests)."""
    present: dict[str, None] = {}
    for row in rows:
        present.update(dict.fromkeys(row))
    ordered = [c for c in contract.TABLES[name].column_names if c in present] if name in contract.TABLES else []
    return ordered + [c for c in present if c not in ordered]


def _arrow_type(kind: str):
    import pyarrow as pa

    return {"text": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"), "double": pa.float64(),
            "integer": pa.int64(), "boolean": pa.bool_()}[kind]


def write_tables(tables: dict[str, list[dict]], folder: str | Path, fmt: str = "csv") -> dict[str, Path]:
    """Write each table to ``folder/<table>.<fmt>``: CSV with a header line and ISO dates, or typed Parquet."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, rows in tables.items():
        columns = _columns(name, rows)
        if fmt == "csv":
            path = folder / f"{name}.csv"
            with open(path, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(columns)
                for row in rows:
                    writer.writerow([_csv_text(row.get(c)) for c in columns])
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = contract.TABLES[name]
            fields = [pa.field(c, _arrow_type(table.column(c).type)) for c in columns]
            schema = pa.schema(fields)
            data = pa.Table.from_pylist([{c: row.get(c) for c in columns} for row in rows], schema=schema)
            path = folder / f"{name}.parquet"
            pq.write_table(data, path)
        else:
            raise ValueError(f"unknown format {fmt!r}")
        paths[name] = path
    return paths


def write_tiny_book(folder: str | Path, fmt: str = "csv", tables: dict[str, list[dict]] | None = None
                    ) -> dict[str, Path]:
    """Write the tiny book (or a mutated copy from :func:`tiny_tables`), one file per table."""
    return write_tables(tiny_tables() if tables is None else tables, folder, fmt)
