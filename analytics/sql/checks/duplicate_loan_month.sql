-- grain: one row per repeat of a (loan_id, month) pair after its first line (first 20, total)
with numbered as (
    select _line, loan_id, month, row_number() over (partition by loan_id, month order by _line) as nth
    from {table}
    where loan_id is not null and month is not null
)
select _line as line, loan_id || ' ' || cast(month as varchar) as value, count(*) over () as total
from numbered
where nth > 1
order by _line
limit 20
