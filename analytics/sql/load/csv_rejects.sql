-- grain: one row per CSV line DuckDB's reader rejected (wrong column count, unterminated quote)
select line, column_name, error_type, error_message
from {rejects}
order by line
limit 20
