-- grain: one row per month accepted x product x region x channel: accepted plans and those broken
-- within six months of acceptance (ended_date before accepted_date + 6 months)
with

loan_segments as (
    select loan_id, product, region, channel from loans
),

final as (
    select
        date_trunc('month', repayment_plans.accepted_date) as month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        count(*) as accepted,
        sum(
            case
                when repayment_plans.status = 'broken'
                    and repayment_plans.ended_date < repayment_plans.accepted_date + interval 6 month
                    then 1
                else 0
            end
        ) as broken_6m
    from repayment_plans
    inner join loan_segments on loan_segments.loan_id = repayment_plans.loan_id
    where repayment_plans.accepted_date is not null
    group by date_trunc('month', repayment_plans.accepted_date), loan_segments.product, loan_segments.region,
        loan_segments.channel
)

select * from final
