-- grain: one row per month x product x region x channel x state (M0..M7, CO, PO)
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
        state,
        count(*) as loans,
        sum(balance) as balance
    from facts
    group by month, product, region, channel, state
)

select * from final
