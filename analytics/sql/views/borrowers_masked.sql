-- grain: one row per borrower, personal data masked (the only way pages and exports read borrowers)
-- Phone keeps its carrier prefix and last four digits; the ID number only its last four (never the
-- birth date in digits 7-14); the name only its surname. Same rules as analytics/privacy.py.
with

source as (
    select * from borrowers
),

final as (
    select
        borrower_id,
        case
            when name is null then null
            else substring(name, 1, 1) || '*'
        end as name_masked,
        case
            when phone is null then null
            when length(phone) < 8 then '****'
            else substring(phone, 1, 3) || '****' || substring(phone, length(phone) - 3, 4)
        end as phone_masked,
        case
            when id_number is null then null
            when length(id_number) <= 4 then '****'
            else '**************' || substring(id_number, length(id_number) - 3, 4)
        end as id_number_masked,
        birth_year,
        monthly_income,
        employment_status,
        region
    from source
)

select * from final
