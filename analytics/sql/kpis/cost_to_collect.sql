-- grain: one row per month x segment
-- cost_to_collect(t) = action cost in t over money collected in t (payments other than recoveries
-- by loans open with dpd > 0 at t-1, plus recoveries in t)
with

spent as (
    select month, {segment} as segment, sum(action_cost) as cost, sum(loans) as loans
    from action_months
    where month between $month_from and $month_to and {filters}
    group by month, segment
),

collected as (
    select
        month,
        {segment} as segment,
        sum(collected_from_delinquent + recoveries) as amount,
        sum(paying_delinquent_loans + recovering_loans) as loans
    from payment_months
    where month between $month_from and $month_to and {filters}
    group by month, segment
),

final as (
    select
        coalesce(spent.month, collected.month) as month,
        coalesce(spent.segment, collected.segment) as segment,
        coalesce(spent.cost, 0) as numerator,
        coalesce(collected.amount, 0) as denominator,
        coalesce(collected.loans, 0) as accounts
    from spent
    full outer join collected on spent.month = collected.month and spent.segment = collected.segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value,
    numerator, denominator, accounts
from final
