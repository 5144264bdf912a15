-- grain: one row per loan_id that names no loan in loans (the first 20, with the total)
select _line as line, loan_id as value, count(*) over () as total
from {table}
where loan_id is not null and loan_id not in (select loan_id from stage_loans where loan_id is not null)
order by _line
limit 20
