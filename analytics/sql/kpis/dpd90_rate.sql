-- grain: one row per month x segment
-- dpd90_rate(t) = balance of open loans with dpd > 90 over outstanding_balance(t)
with

cells as (
    select month, {segment} as segment, state, loans, balance
    from portfolio_months
    where month between $month_from and $month_to and {filters}
),

final as (
    select
        month,
        segment,
        sum(case when state in ('M4', 'M5', 'M6', 'M7') then balance else 0 end) as numerator,
        sum(case when state in ('M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7') then balance else 0 end) as denominator,
        sum(case when state in ('M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7') then loans else 0 end) as accounts
    from cells
    group by month, segment
)

select
    month,
    segment,
    case when denominator > 0 then numerator / denominator end as value,
    numerator,
    denominator,
    accounts
from final
