-- grain: one row per month offered x product x region x channel
with

loan_segments as (
    select loan_id, product, region, channel from loans
),

final as (
    select
        date_trunc('month', repayment_plans.offered_date) as month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        count(*) as offered,
        sum(case when repayment_plans.accepted_date is not null then 1 else 0 end) as accepted
    from repayment_plans
    inner join loan_segments on loan_segments.loan_id = repayment_plans.loan_id
    group by date_trunc('month', repayment_plans.offered_date), loan_segments.product, loan_segments.region,
        loan_segments.channel
)

select * from final
