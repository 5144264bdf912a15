-- grain: none; removes a staging table once its rows are published
drop table {table}
