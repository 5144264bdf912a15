-- grain: one row per month x product x region x channel: recoveries (payments of kind recovery)
-- and money collected from loans that were open with dpd > 0 at the previous month end
with

facts as (
    select * from loan_month_facts
),

loan_segments as (
    select loan_id, product, region, channel from loans
),

payments_by_loan_month as (
    select
        loan_id,
        date_trunc('month', paid_date) as month,
        sum(case when kind = 'recovery' then amount else 0 end) as recovered,
        sum(case when kind <> 'recovery' then amount else 0 end) as paid
    from payments
    group by loan_id, date_trunc('month', paid_date)
),

delinquent_last_month as (
    select loan_id, month + interval 1 month as month
    from facts
    where status = 'open' and dpd > 0
),

tagged as (
    select
        payments_by_loan_month.month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        payments_by_loan_month.loan_id,
        payments_by_loan_month.recovered,
        case when delinquent_last_month.loan_id is not null then payments_by_loan_month.paid else 0 end
            as paid_by_delinquent
    from payments_by_loan_month
    inner join loan_segments on loan_segments.loan_id = payments_by_loan_month.loan_id
    left join delinquent_last_month
        on delinquent_last_month.loan_id = payments_by_loan_month.loan_id
        and delinquent_last_month.month = payments_by_loan_month.month
),

final as (
    select
        month,
        product,
        region,
        channel,
        sum(recovered) as recoveries,
        sum(case when recovered > 0 then 1 else 0 end) as recovering_loans,
        sum(paid_by_delinquent) as collected_from_delinquent,
        sum(case when paid_by_delinquent > 0 then 1 else 0 end) as paying_delinquent_loans
    from tagged
    group by month, product, region, channel
)

select * from final
