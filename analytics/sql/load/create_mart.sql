-- grain: as the mart's own file states; materialises a mart at import time
create table {table} as
{query}
