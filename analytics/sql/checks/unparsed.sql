-- grain: one row per value that did not parse as its column's type (the first 20, with the total)
select _line as line, {bad} as value, count(*) over () as total
from {table}
where {bad} is not null
order by _line
limit 20
