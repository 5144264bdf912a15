-- grain: one row per loan whose first tape row is not its origination month (first 20, with the total)
with first_rows as (
    select loan_id, min(month) as first_month, min(_line) as first_line
    from {table}
    where loan_id is not null and month is not null
    group by loan_id
)
select first_rows.first_line as line,
    first_rows.loan_id || ' ' || cast(first_rows.first_month as varchar) as value,
    count(*) over () as total
from first_rows
inner join stage_loans on stage_loans.loan_id = first_rows.loan_id
where first_rows.first_month <> date_trunc('month', stage_loans.origination_date)
order by first_rows.first_line
limit 20
