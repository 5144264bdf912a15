-- grain: one row per row of a Parquet file, typed per the contract; `_line` is the row number
create table {stage} as
select ordinality as _line, {select_list}
from read_parquet($path) with ordinality
