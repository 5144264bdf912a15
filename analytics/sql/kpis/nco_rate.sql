-- grain: one row per month x segment
-- nco_rate(t) = (charge_off_amount(t) - recoveries(t)) / outstanding_balance(t-1) x 12 (annualised)
with

charged_off as (
    select month, {segment} as segment, sum(balance) as amount
    from portfolio_months
    where month between $month_from and $month_to and {filters} and state = 'CO'
    group by month, segment
),

recovered as (
    select month, {segment} as segment, sum(recoveries) as amount
    from payment_months
    where month between $month_from and $month_to and {filters}
    group by month, segment
),

outstanding_last_month as (
    select cast(month + interval 1 month as date) as month, {segment} as segment, sum(balance) as balance, sum(loans) as loans
    from portfolio_months
    where month between $month_from - interval 1 month and $month_to - interval 1 month
        and {filters} and state in ('M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7')
    group by cast(month + interval 1 month as date), segment
),

final as (
    select
        outstanding_last_month.month,
        outstanding_last_month.segment,
        coalesce(charged_off.amount, 0) - coalesce(recovered.amount, 0) as numerator,
        outstanding_last_month.balance as denominator,
        outstanding_last_month.loans as accounts
    from outstanding_last_month
    left join charged_off using (month, segment)
    left join recovered using (month, segment)
)

select
    cast(month as date) as month,
    segment,
    case when denominator > 0 then numerator / denominator * 12 end as value,
    numerator,
    denominator,
    accounts
from final
