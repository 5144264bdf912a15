-- grain: one row per tape row dated after the loan's paid_off or charged_off row (first 20, total)
with closed as (
    select loan_id, min(month) as closed_month
    from {table}
    where status in ('paid_off', 'charged_off')
    group by loan_id
)
select tape._line as line, tape.loan_id || ' ' || cast(tape.month as varchar) as value, count(*) over () as total
from {table} as tape
inner join closed on closed.loan_id = tape.loan_id
where tape.month > closed.closed_month
order by tape._line
limit 20
