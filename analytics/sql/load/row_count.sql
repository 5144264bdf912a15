-- grain: one row: the number of rows in a table
select count(*) from {table}
