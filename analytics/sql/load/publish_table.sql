-- grain: as the contract table; the validated staging rows in file order, without the helper columns
create table {table} as
select {columns}
from {stage}
order by _line
