-- grain: one row per month x segment
-- cure_rate(t) = among loans open with dpd > 0 at t-1 that have a row at t, the share (by count)
-- that are M0 or PO at t
with

cells as (
    select month, {segment} as segment, to_state, loans
    from transitions
    where month between $month_from and $month_to and {filters}
        and from_state in ('M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7')
),

final as (
    select
        month,
        segment,
        sum(case when to_state in ('M0', 'PO') then loans else 0 end) as numerator,
        sum(loans) as denominator,
        sum(loans) as accounts
    from cells
    group by month, segment
)

select month, segment, case when denominator > 0 then numerator / denominator end as value,
    numerator, denominator, accounts
from final
