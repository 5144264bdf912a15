-- grain: one row per month x segment
-- recoveries(t) = payments of kind recovery (after charge-off) paid in month t
with

observed_months as (
    select distinct month, {segment} as segment
    from portfolio_months
    where month between $month_from and $month_to and {filters}
),

recovered as (
    select month, {segment} as segment, sum(recoveries) as amount, sum(recovering_loans) as loans
    from payment_months
    where month between $month_from and $month_to and {filters}
    group by month, segment
),

final as (
    select
        observed_months.month,
        observed_months.segment,
        coalesce(recovered.amount, 0) as numerator,
        cast(null as double) as denominator,
        coalesce(recovered.loans, 0) as accounts
    from observed_months
    left join recovered using (month, segment)
)

select month, segment, numerator as value, numerator, denominator, accounts from final
