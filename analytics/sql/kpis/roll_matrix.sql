-- grain: one row per month x segment x from_state (M0..M7) x to_state (M0..M7, CO, PO)
-- roll matrix(t): over loans open at t-1 with a row at t, the share moving from each state to each
-- state, by count (count_rate) and by balance at t-1 (balance_rate); each from_state row sums to 1
with

cells as (
    select month, {segment} as segment, from_state, to_state, sum(loans) as loans,
        sum(balance_from) as balance_from
    from transitions
    where month between $month_from and $month_to and {filters}
    group by month, segment, from_state, to_state
),

final as (
    select
        month,
        segment,
        from_state,
        to_state,
        loans,
        balance_from,
        sum(loans) over (partition by month, segment, from_state) as row_loans,
        sum(balance_from) over (partition by month, segment, from_state) as row_balance
    from cells
)

select month, segment, from_state, to_state, loans, balance_from, row_loans, row_balance,
    case when row_loans > 0 then loans / row_loans end as count_rate,
    case when row_balance > 0 then balance_from / row_balance end as balance_rate
from final
