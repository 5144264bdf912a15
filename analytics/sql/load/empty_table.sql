-- grain: as the contract table; an optional table the user did not provide, empty but queryable
create table {table} ({column_definitions})
