-- grain: one row per contract table the user provided
select table_name from dataset_tables where provided order by table_name
