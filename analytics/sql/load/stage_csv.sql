-- grain: one row per data line of a CSV file, typed per the contract; `_line` is the file's line
-- number and `<column>__bad` keeps the raw text of a value that did not parse
create table {stage} as
select ordinality + 1 as _line, {select_list}
from read_csv(
    $path, columns = $columns, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
    strict_mode = true, store_rejects = true, rejects_table = $rejects_table, rejects_scan = $rejects_scan
) with ordinality
