-- grain: one row per month x segment
-- complaints_per_1k(t) = complaints received in t per 1,000 loans open with dpd > 0 at t
with

delinquent as (
    select month, {segment} as segment, sum(loans) as loans
    from portfolio_months
    where month between $month_from and $month_to and {filters}
        and state in ('M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7')
    group by month, segment
),

received as (
    select month, {segment} as segment, sum(complaints) as complaints
    from complaint_months
    where month between $month_from and $month_to and {filters}
    group by month, segment
),

final as (
    select
        delinquent.month,
        delinquent.segment,
        coalesce(received.complaints, 0) as numerator,
        delinquent.loans as denominator,
        delinquent.loans as accounts
    from delinquent
    left join received using (month, segment)
)

select month, segment, case when denominator > 0 then numerator / denominator * 1000 end as value,
    numerator, denominator, accounts
from final
