-- grain: one row per month x segment
-- recovery_rate_3m(t) = for loans that entered delinquency in month e = t-3, payments of any kind in
-- months e+1..e+3 over their balance at e
with

cells as (
    select cast(month + interval 3 month as date) as month, {segment} as segment, loans, entry_balance, paid_3m
    from delinquency_entries
    where month between $month_from - interval 3 month and $month_to - interval 3 month and {filters}
),

final as (
    select month, segment, sum(paid_3m) as numerator, sum(entry_balance) as denominator, sum(loans) as accounts
    from cells
    group by month, segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value, numerator, denominator, accounts
from final
