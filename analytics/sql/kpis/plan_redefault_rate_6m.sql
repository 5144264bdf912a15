-- grain: one row per month x segment
-- plan_redefault_rate_6m(t) = plans accepted in month t-6 that were broken with ended_date before
-- accepted_date + 6 months, over plans accepted in month t-6
with

cells as (
    select cast(month + interval 6 month as date) as month, {segment} as segment, accepted, broken_6m
    from plan_acceptance_months
    where month between $month_from - interval 6 month and $month_to - interval 6 month and {filters}
),

final as (
    select month, segment, sum(broken_6m) as numerator, sum(accepted) as denominator, sum(accepted) as accounts
    from cells
    group by month, segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value, numerator, denominator, accounts
from final
