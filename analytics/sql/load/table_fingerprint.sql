-- grain: one row: the table's row count and an order-independent sum of row hashes
select count(*) as row_count, coalesce(sum(hash(t) % 1000000007), 0) as hash_sum
from {table} as t
