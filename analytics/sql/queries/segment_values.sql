-- grain: one row per filter dimension x code present in the loans
select 'product' as dimension, product as value from (select distinct product from loans)
union all
select 'region', region from (select distinct region from loans)
union all
select 'channel', channel from (select distinct channel from loans)
order by dimension, value
