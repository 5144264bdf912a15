-- grain: one row per value below the column's lower bound (the first 20, with the total)
select _line as line, cast({column} as varchar) as value, count(*) over () as total
from {table}
where {column} < $bound
order by _line
limit 20
