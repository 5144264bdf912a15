-- grain: one row per month of the promised date x product x region x channel
with

loan_segments as (
    select loan_id, product, region, channel from loans
),

final as (
    select
        date_trunc('month', promises.promised_date) as month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        count(*) as promises,
        sum(case when promises.paid_amount >= promises.promised_amount then 1 else 0 end) as kept,
        count(distinct promises.loan_id) as loans
    from promises
    inner join loan_segments on loan_segments.loan_id = promises.loan_id
    group by date_trunc('month', promises.promised_date), loan_segments.product, loan_segments.region,
        loan_segments.channel
)

select * from final
