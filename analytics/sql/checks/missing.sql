-- grain: one row per empty value in a column that requires one (the first 20, with the total)
select _line as line, cast(null as varchar) as value, count(*) over () as total
from {table}
where {column} is null and {bad} is null
order by _line
limit 20
