-- grain: one row per month x segment
-- plan_acceptance_rate(t) = plans offered in t with an accepted_date, over plans offered in t
with

cells as (
    select month, {segment} as segment, offered, accepted
    from plan_offer_months
    where month between $month_from and $month_to and {filters}
),

final as (
    select month, segment, sum(accepted) as numerator, sum(offered) as denominator, sum(offered) as accounts
    from cells
    group by month, segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value,
    numerator, denominator, accounts
from final
