-- grain: one row per month x segment
-- outstanding_balance(t) = sum of balance over open rows at t (principal, yuan); accounts = open loans
with

cells as (
    select month, {segment} as segment, loans, balance
    from portfolio_months
    where month between $month_from and $month_to and {filters} and state in ('M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7')
),

final as (
    select
        month,
        segment,
        sum(balance) as numerator,
        cast(null as double) as denominator,
        sum(loans) as accounts
    from cells
    group by month, segment
)

select month, segment, numerator as value, numerator, denominator, accounts from final
