-- grain: one row per value outside the column's allowed codes (the first 20, with the total)
select _line as line, cast({column} as varchar) as value, count(*) over () as total
from {table}
where {column} is not null and not list_contains($allowed, {column})
order by _line
limit 20
