-- grain: one row per month received x product x region x channel
with

loan_segments as (
    select loan_id, product, region, channel from loans
),

final as (
    select
        date_trunc('month', complaints.received_date) as month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        count(*) as complaints,
        sum(case when complaints.escalated then 1 else 0 end) as escalated
    from complaints
    inner join loan_segments on loan_segments.loan_id = complaints.loan_id
    group by date_trunc('month', complaints.received_date), loan_segments.product, loan_segments.region,
        loan_segments.channel
)

select * from final
