-- grain: one row per loan per month (the performance tape with the loan's segments, its month-end
-- state and the state it had at the previous month end)
-- Portable SQL: built at import time; must transpile to Spark SQL with sqlglot.
with

tape as (
    select * from loan_months
),

loan_segments as (
    select loan_id, product, region, channel, repayment_method from loans
),

with_state as (
    select
        tape.loan_id,
        tape.month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        loan_segments.repayment_method,
        tape.status,
        -- Buckets by month-end days past due; defined here once for every page.
        case
            when tape.status = 'charged_off' then 'CO'
            when tape.status = 'paid_off' then 'PO'
            when tape.dpd = 0 then 'M0'
            when tape.dpd <= 30 then 'M1'
            when tape.dpd <= 60 then 'M2'
            when tape.dpd <= 90 then 'M3'
            when tape.dpd <= 120 then 'M4'
            when tape.dpd <= 150 then 'M5'
            when tape.dpd <= 180 then 'M6'
            else 'M7'
        end as state,
        tape.balance,
        tape.dpd,
        tape.amount_due,
        tape.amount_paid
    from tape
    inner join loan_segments on tape.loan_id = loan_segments.loan_id
),

final as (
    select
        with_state.*,
        -- The import guarantees one row per month with no gaps, so the previous row is month - 1.
        lag(state) over (partition by loan_id order by month) as prev_state,
        lag(status) over (partition by loan_id order by month) as prev_status,
        lag(balance) over (partition by loan_id order by month) as prev_balance,
        lag(dpd) over (partition by loan_id order by month) as prev_dpd
    from with_state
)

select * from final
