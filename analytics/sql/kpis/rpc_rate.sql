-- grain: one row per month x segment
-- rpc_rate(t) = calls in t that connected to the debtor (right-party contacts) over calls in t
with

cells as (
    select month, {segment} as segment, calls, right_party_calls, called_loans
    from action_months
    where month between $month_from and $month_to and {filters}
),

final as (
    select month, segment, sum(right_party_calls) as numerator, sum(calls) as denominator,
        sum(called_loans) as accounts
    from cells
    group by month, segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value,
    numerator, denominator, accounts
from final
