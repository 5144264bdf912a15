-- grain: one row per entry month x product x region x channel: loans that entered delinquency that
-- month (open with dpd > 0, after dpd = 0 or no row the month before), their balance then, and what
-- they paid (payments of any kind) in the three following months
with

facts as (
    select * from loan_month_facts
),

payments_by_loan_month as (
    select
        loan_id,
        date_trunc('month', paid_date) as month,
        sum(amount) as amount
    from payments
    group by loan_id, date_trunc('month', paid_date)
),

entries as (
    select loan_id, month, product, region, channel, balance
    from facts
    where status = 'open' and dpd > 0 and (prev_dpd is null or prev_dpd = 0)
),

paid_after_entry as (
    select
        entries.loan_id,
        entries.month,
        sum(payments_by_loan_month.amount) as paid_3m
    from entries
    inner join payments_by_loan_month
        on payments_by_loan_month.loan_id = entries.loan_id
        and payments_by_loan_month.month > entries.month
        and payments_by_loan_month.month <= entries.month + interval 3 month
    group by entries.loan_id, entries.month
),

final as (
    select
        entries.month,
        entries.product,
        entries.region,
        entries.channel,
        count(*) as loans,
        sum(entries.balance) as entry_balance,
        coalesce(sum(paid_after_entry.paid_3m), 0) as paid_3m
    from entries
    left join paid_after_entry
        on paid_after_entry.loan_id = entries.loan_id and paid_after_entry.month = entries.month
    group by entries.month, entries.product, entries.region, entries.channel
)

select * from final
