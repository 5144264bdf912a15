-- grain: one row per month value that is not the first day of a month (the first 20, with the total)
select _line as line, cast(month as varchar) as value, count(*) over () as total
from {table}
where month is not null and day(month) <> 1
order by _line
limit 20
