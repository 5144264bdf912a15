-- grain: one row: the loaded data version
select fingerprint, loaded_at, source, first_month, last_month from dataset_info
