-- grain: one row per month with performance data
select distinct month from portfolio_months order by month
