-- grain: one row per month x product x region x channel x from_state x to_state, over loans that
-- were open at the previous month end and have a row this month
with

facts as (
    select * from loan_month_facts
),

final as (
    select
        month,
        product,
        region,
        channel,
        prev_state as from_state,
        state as to_state,
        count(*) as loans,
        sum(prev_balance) as balance_from,
        sum(balance) as balance_to
    from facts
    where prev_status = 'open'
    group by month, product, region, channel, prev_state, state
)

select * from final
