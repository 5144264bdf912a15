-- grain: one row per repeat of a value that must be unique, after its first line (first 20, total)
with numbered as (
    select _line, {column} as value, row_number() over (partition by {column} order by _line) as nth
    from {table}
    where {column} is not null
)
select _line as line, cast(value as varchar) as value, count(*) over () as total
from numbered
where nth > 1
order by _line
limit 20
