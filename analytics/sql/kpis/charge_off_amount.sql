-- grain: one row per month x segment
-- charge_off_amount(t) = balance of charged_off rows at t (the principal charged off that month)
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
        sum(case when state = 'CO' then balance else 0 end) as numerator,
        cast(null as double) as denominator,
        sum(case when state = 'CO' then loans else 0 end) as accounts
    from cells
    group by month, segment
)

select month, segment, numerator as value, numerator, denominator, accounts from final
