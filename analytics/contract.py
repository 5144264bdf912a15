"""The data contract: every table a user may bring, its columns, types and constraints.

This module is the single source for the importer's validation, the generator's output schema and
``docs/data-contract.md`` (a test checks the document names every column listed here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "Table", "TABLES", "TABLE_ORDER", "REQUIRED_TABLES", "table", "BUCKETS", "STATES"]

# Month-end delinquency buckets by days past due, and the two terminal states.
BUCKETS = ("M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7")
STATES = BUCKETS + ("CO", "PO")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text | date | timestamp | double | integer | boolean
    required: bool = True  # the column must be present in the file
    nullable: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()
    min: float | None = None  # inclusive lower bound
    min_exclusive: bool = False
    max: float | None = None  # inclusive upper bound
    references_loan: bool = False  # must name a loan in loans.loan_id
    personal: bool = False  # personal data: masked in every message and view
    meaning: str = ""
    chinese: str = ""

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.type]


_SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "double": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    key: tuple[str, ...] = ()  # unique together (single-column keys are marked unique on the column)
    meaning: str = ""
    lights_up: tuple[str, ...] = field(default=())  # KPIs that need this table

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


REPAYMENT_METHODS = ("equal_installment", "equal_principal", "interest_only")
EMPLOYMENT = ("employed", "self_employed", "unemployed", "retired", "student", "other")
LOAN_STATUS = ("open", "paid_off", "charged_off")
TEST_GROUPS = ("champion", "challenger", "holdout", "none")
ACTION_CHANNELS = ("call", "sms", "email", "app_push", "letter", "visit", "legal")
CONTACT_ROLES = ("debtor", "guarantor", "related_third_party", "unrelated_third_party")
OUTCOMES = ("no_contact", "contacted", "promise_to_pay", "refused", "dispute", "hardship_reported", "paid")
PLAN_TYPES = ("term_extension", "installment_reduction", "interest_waiver", "deferral", "settlement", "combination")
HARDSHIP = ("unemployment", "illness", "income_drop", "business_failure", "family", "other", "none")
PLAN_STATUS = ("offered", "declined", "active", "completed", "broken")
PAYMENT_KINDS = ("scheduled", "plan", "settlement", "recovery")
COMPLAINT_CATEGORIES = (
    "harassment", "threat", "third_party_disclosure", "privacy_leak",
    "excessive_contact", "after_hours_contact", "fee_dispute", "other",
)

C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "loans", required=True, meaning="One row per loan.",
            columns=(
                C("loan_id", "text", unique=True, meaning="Loan identifier", chinese="借据号"),
                C("borrower_id", "text", meaning="Borrower identifier", chinese="客户号"),
                C("product", "text", meaning="Product code", chinese="产品"),
                C("channel", "text", meaning="Acquisition channel", chinese="获客渠道"),
                C("region", "text", meaning="Region", chinese="地区"),
                C("origination_date", "date", meaning="Disbursement date", chinese="放款日期"),
                C("principal", "double", min=0, min_exclusive=True, meaning="Amount lent, yuan", chinese="放款金额"),
                C("annual_rate", "double", min=0, max=1, meaning="Annual interest rate, a fraction", chinese="年利率"),
                C("term_months", "integer", min=0, min_exclusive=True, meaning="Contract term in months", chinese="期数"),
                C("repayment_method", "text", enum=REPAYMENT_METHODS,
                  meaning="equal_installment 等额本息 | equal_principal 等额本金 | interest_only 先息后本",
                  chinese="还款方式"),
            ),
        ),
        Table(
            "borrowers", meaning="One row per borrower. Name, phone and ID number are personal data.",
            columns=(
                C("borrower_id", "text", unique=True, meaning="Borrower identifier", chinese="客户号"),
                C("name", "text", required=False, nullable=True, personal=True, meaning="Full name", chinese="姓名"),
                C("phone", "text", required=False, nullable=True, personal=True, meaning="Mobile number", chinese="手机号"),
                C("id_number", "text", required=False, nullable=True, personal=True,
                  meaning="Resident ID number", chinese="身份证号"),
                C("birth_year", "integer", nullable=True, min=1900, max=2100, meaning="Year of birth", chinese="出生年份"),
                C("monthly_income", "double", nullable=True, min=0, meaning="Monthly income, yuan", chinese="月收入"),
                C("employment_status", "text", nullable=True, enum=EMPLOYMENT, meaning="Employment status",
                  chinese="就业状态"),
                C("region", "text", nullable=True, meaning="Region of residence", chinese="地区"),
            ),
        ),
        Table(
            "loan_months", required=True, key=("loan_id", "month"),
            meaning="Month-end performance tape: one row per loan per month, origination month to close.",
            columns=(
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("month", "date", meaning="First day of the month", chinese="账期"),
                C("balance", "double", min=0,
                  meaning="Outstanding principal at month end; in the charge-off month, the amount charged off",
                  chinese="剩余本金"),
                C("dpd", "integer", min=0, meaning="Days past due at month end", chinese="逾期天数"),
                C("amount_due", "double", min=0, meaning="Amount due in the month, arrears included", chinese="应还金额"),
                C("amount_paid", "double", min=0, meaning="Amount paid in the month", chinese="实还金额"),
                C("status", "text", enum=LOAN_STATUS, meaning="open | paid_off | charged_off", chinese="账户状态"),
            ),
        ),
        Table(
            "strategy_assignments", meaning="One row per delinquency episode.",
            lights_up=("strategy comparison",),
            columns=(
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("strategy", "text", meaning="Collection strategy code", chinese="催收策略"),
                C("assigned_date", "date", meaning="Date the episode was assigned", chinese="分案日期"),
                C("test_group", "text", enum=TEST_GROUPS, meaning="champion | challenger | holdout | none",
                  chinese="实验组"),
            ),
        ),
        Table(
            "collection_actions", meaning="One row per collection action (contact attempt).",
            lights_up=("rpc_rate", "cost_to_collect"),
            columns=(
                C("action_id", "text", unique=True, meaning="Action identifier", chinese="催记编号"),
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("agent_id", "text", nullable=True, meaning="Agent; empty for automated actions", chinese="催收员"),
                C("channel", "text", enum=ACTION_CHANNELS, meaning="Contact channel", chinese="催收渠道"),
                C("action_at", "timestamp", meaning="When, in the borrower's local time", chinese="催收时间"),
                C("contact_role", "text", enum=CONTACT_ROLES, meaning="Who was contacted", chinese="联系人关系"),
                C("connected", "boolean", meaning="The contact connected", chinese="是否接通"),
                C("outcome", "text", enum=OUTCOMES, meaning="Outcome code", chinese="催收结果"),
                C("cost", "double", min=0, meaning="Cost of the action, yuan", chinese="成本"),
            ),
        ),
        Table(
            "promises", meaning="One row per promise to pay.", lights_up=("ptp_kept_rate",),
            columns=(
                C("promise_id", "text", unique=True, meaning="Promise identifier", chinese="承诺编号"),
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("action_id", "text", nullable=True, meaning="Action that took the promise", chinese="催记编号"),
                C("promised_date", "date", meaning="Date promised", chinese="承诺还款日"),
                C("promised_amount", "double", min=0, min_exclusive=True, meaning="Amount promised", chinese="承诺金额"),
                C("paid_amount", "double", min=0, meaning="Paid by the promised date", chinese="实还金额"),
            ),
        ),
        Table(
            "repayment_plans", meaning="One row per repayment-plan offer.",
            lights_up=("plan_acceptance_rate", "plan_redefault_rate_6m"),
            columns=(
                C("plan_id", "text", unique=True, meaning="Plan identifier", chinese="协商编号"),
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("offered_date", "date", meaning="Date offered", chinese="协商日期"),
                C("plan_type", "text", enum=PLAN_TYPES, meaning="Kind of plan", chinese="方案类型"),
                C("hardship_reason", "text", enum=HARDSHIP, meaning="Hardship reported", chinese="困难原因"),
                C("extension_months", "integer", nullable=True, min=0, meaning="Months added to the term",
                  chinese="延期月数"),
                C("new_installment", "double", nullable=True, min=0, meaning="Installment under the plan",
                  chinese="新月供"),
                C("rate_after", "double", nullable=True, min=0, max=1, meaning="Annual rate under the plan",
                  chinese="新利率"),
                C("settlement_amount", "double", nullable=True, min=0, meaning="Lump sum agreed", chinese="和解金额"),
                C("accepted_date", "date", nullable=True, meaning="Date accepted; empty if not", chinese="生效日期"),
                C("ended_date", "date", nullable=True, meaning="Date ended; empty while active or pending",
                  chinese="结束日期"),
                C("status", "text", enum=PLAN_STATUS, meaning="offered | declined | active | completed | broken",
                  chinese="方案状态"),
            ),
        ),
        Table(
            "payments", meaning="One row per payment received.", lights_up=("recovery_rate_3m", "nco_rate",
                                                                             "cost_to_collect"),
            columns=(
                C("payment_id", "text", unique=True, meaning="Payment identifier", chinese="还款流水号"),
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("paid_date", "date", meaning="Date paid", chinese="还款日期"),
                C("amount", "double", min=0, min_exclusive=True, meaning="Amount paid, yuan", chinese="还款金额"),
                C("kind", "text", enum=PAYMENT_KINDS,
                  meaning="scheduled | plan | settlement | recovery (after charge-off)", chinese="还款类型"),
            ),
        ),
        Table(
            "agents", meaning="One row per collection agent.", lights_up=("agent views",),
            columns=(
                C("agent_id", "text", unique=True, meaning="Agent identifier", chinese="催收员"),
                C("team", "text", meaning="Team", chinese="组别"),
                C("agency", "text", nullable=True, meaning="Outside agency; empty for in-house", chinese="委外机构"),
                C("hire_date", "date", meaning="Hire date", chinese="入职日期"),
                C("training_hours", "double", min=0, meaning="Hours of conduct training", chinese="培训时长"),
            ),
        ),
        Table(
            "complaints", meaning="One row per complaint received.", lights_up=("complaints_per_1k",),
            columns=(
                C("complaint_id", "text", unique=True, meaning="Complaint identifier", chinese="投诉编号"),
                C("loan_id", "text", references_loan=True, meaning="Loan identifier", chinese="借据号"),
                C("agent_id", "text", nullable=True, meaning="Agent complained about", chinese="催收员"),
                C("received_date", "date", meaning="Date received", chinese="投诉日期"),
                C("category", "text", enum=COMPLAINT_CATEGORIES, meaning="Complaint category", chinese="投诉类型"),
                C("escalated", "boolean", meaning="Escalated to a regulator or court", chinese="是否升级"),
            ),
        ),
    )
}

TABLE_ORDER = tuple(TABLES)
REQUIRED_TABLES = tuple(name for name, t in TABLES.items() if t.required)


def table(name: str) -> Table:
    """The contract for one table; KeyError for a name not in the contract."""
    return TABLES[name]


def markdown() -> str:
    """docs/data-contract.md, written from the contract so the two cannot drift apart."""
    lines = [
        "# Data contract",
        "",
        "What Recovery Lens reads: one file per table (CSV with a header line, or Parquet), named after the",
        "table (`loans.csv`, `loan_months.parquet`, ...). `loans` and `loan_months` are required; every other",
        "table is optional, and a page whose table is missing says which file would light it up.",
        "",
        "`python -m analytics import FOLDER --db PATH` checks every rule below before anything becomes",
        "visible, reports each problem with file, line, column and value (personal data masked), and leaves",
        "the database exactly as it was when anything is wrong (exit status 2).",
        "",
        "Types: text; date (`2024-07-31`); timestamp (`2024-07-31 14:05:00`, borrower's local time); number;",
        "whole number; boolean (`true`/`false`). Empty cells are missing values. Money is in yuan.",
        "",
        "This file is generated from `analytics/contract.py` (`python -m analytics contract-doc`); a test",
        "checks they agree.",
    ]
    words = {"text": "text", "date": "date", "timestamp": "timestamp", "double": "number",
             "integer": "whole number", "boolean": "boolean"}
    for t in TABLES.values():
        lines += ["", f"## `{t.name}`{' (required)' if t.required else ' (optional)'}", "", t.meaning]
        if t.key:
            lines += ["", f"Unique together: {', '.join(t.key)}."]
        if t.lights_up:
            lines += ["", f"Lights up: {', '.join(t.lights_up)}."]
        lines += ["", "| column | type | constraint | meaning | 中文 |", "|---|---|---|---|---|"]
        for c in t.columns:
            rules = []
            rules.append("optional column" if not c.required else "required column")
            rules.append("may be empty" if c.nullable else "not empty")
            if c.unique:
                rules.append("unique")
            if c.enum:
                rules.append("one of " + " / ".join(f"`{e}`" for e in c.enum))
            if c.min is not None:
                rules.append(f"{'>' if c.min_exclusive else '>='} {c.min:g}")
            if c.max is not None:
                rules.append(f"<= {c.max:g}")
            if c.references_loan:
                rules.append("a loan in `loans`")
            if c.personal:
                rules.append("personal data: masked on every page, export and message")
            lines.append(f"| `{c.name}` | {words[c.type]} | {'; '.join(rules)} | {c.meaning} | {c.chinese} |")
    lines += [
        "",
        "## Rules across tables",
        "",
        "- `loan_months.month` is the first day of a month.",
        "- `loan_months` has exactly one row per loan per month, from the loan's origination month to the",
        "  month it closes (`paid_off` or `charged_off`), inclusive, with no gaps and no rows after the close;",
        "  a loan still open simply ends at the last month of data.",
        "- In the charge-off month, `balance` is the principal charged off.",
        "- Every `loan_id` in another table names a loan in `loans`; every loan has at least one tape row.",
        "- A promise is kept when `paid_amount >= promised_amount`.",
        "- `payments.kind = recovery` marks money received after charge-off.",
        "",
    ]
    return "\n".join(lines)
