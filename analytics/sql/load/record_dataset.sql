-- grain: one row describing the loaded data version
create table dataset_info as
select
    $fingerprint as fingerprint,
    cast($loaded_at as timestamp) as loaded_at,
    $source as source,
    (select min(month) from loan_months) as first_month,
    (select max(month) from loan_months) as last_month
