-- grain: one row per month x segment
-- recoveries(t) = payments of kind recovery (after charge-off) paid in month t
with

-- Months with tape rows in the segment, and months with a recovery (a segment whose loans are all
-- charged off has no tape rows left, but its recoveries still count).
observed_months as (
    select distinct cast(month as date) as month, {segment} as segment
    from portfolio_months
    where month between $month_from and $month_to and {filters}
    union
    select distinct cast(month as date) as month, {segment} as segment
    from payment_months
    where month between $month_from and $month_to and {filters} and recoveries > 0
),

recovered as (
    select cast(month as date) as month, {segment} as segment, sum(recoveries) as amount,
        sum(recovering_loans) as loans
    from payment_months
    where month between $month_from and $month_to and {filters}
    group by cast(month as date), segment
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
