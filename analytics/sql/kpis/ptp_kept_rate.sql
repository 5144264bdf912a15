-- grain: one row per month x segment
-- ptp_kept_rate(t) = promises with promised_date in t that were kept (paid_amount >= promised_amount)
-- over promises with promised_date in t
with

cells as (
    select month, {segment} as segment, promises, kept, loans
    from promise_months
    where month between $month_from and $month_to and {filters}
),

final as (
    select month, segment, sum(kept) as numerator, sum(promises) as denominator, sum(loans) as accounts
    from cells
    group by month, segment
)

select cast(month as date) as month, segment,
    case when denominator > 0 then numerator / denominator end as value,
    numerator, denominator, accounts
from final
