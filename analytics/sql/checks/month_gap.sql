-- grain: one row per tape row whose previous row for the loan is not the month before (first 20, total)
with ordered as (
    select _line, loan_id, month, lag(month) over (partition by loan_id order by month) as previous_month
    from {table}
    where loan_id is not null and month is not null and day(month) = 1
)
select _line as line, loan_id || ' ' || cast(month as varchar) as value, count(*) over () as total
from ordered
where previous_month is not null and month > previous_month + interval 1 month
order by _line
limit 20
