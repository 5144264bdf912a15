-- grain: one row per month x segment x from_bucket (M0..M6)
-- flow_rate Mk->Mk+1 (t) = total balance in Mk+1 at t over total balance in Mk at t-1 (迁徙率)
with

bucket_order as (
    select * from (values ('M0', 0), ('M1', 1), ('M2', 2), ('M3', 3), ('M4', 4), ('M5', 5), ('M6', 6), ('M7', 7))
        as b(state, k)
),

balances as (
    select portfolio_months.month, {segment} as segment, bucket_order.k, sum(balance) as balance,
        sum(loans) as loans
    from portfolio_months
    inner join bucket_order on bucket_order.state = portfolio_months.state
    where portfolio_months.month between $month_from - interval 1 month and $month_to and {filters}
    group by portfolio_months.month, segment, bucket_order.k
),

last_month as (
    select cast(month + interval 1 month as date) as month, segment, k, balance, loans from balances where k < 7
),

final as (
    select
        cast(last_month.month as date) as month,
        last_month.segment,
        'M' || cast(last_month.k as varchar) as from_bucket,
        'M' || cast(last_month.k + 1 as varchar) as to_bucket,
        coalesce(this_month.balance, 0) as numerator,
        last_month.balance as denominator,
        last_month.loans as accounts
    from last_month
    left join balances as this_month
        on this_month.month = last_month.month and this_month.segment = last_month.segment
        and this_month.k = last_month.k + 1
    where last_month.month between $month_from and $month_to
)

select month, segment, from_bucket, to_bucket,
    case when denominator > 0 then numerator / denominator end as value, numerator, denominator, accounts
from final
