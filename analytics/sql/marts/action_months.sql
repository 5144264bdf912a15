-- grain: one row per month of the action x product x region x channel (channel is the loan's
-- acquisition channel; the contact channel is counted in the columns)
with

loan_segments as (
    select loan_id, product, region, channel from loans
),

final as (
    select
        date_trunc('month', collection_actions.action_at) as month,
        loan_segments.product,
        loan_segments.region,
        loan_segments.channel,
        count(*) as actions,
        sum(collection_actions.cost) as action_cost,
        sum(case when collection_actions.channel = 'call' then 1 else 0 end) as calls,
        sum(
            case
                when collection_actions.channel = 'call'
                    and collection_actions.connected
                    and collection_actions.contact_role = 'debtor'
                    then 1
                else 0
            end
        ) as right_party_calls,
        count(distinct case when collection_actions.channel = 'call' then collection_actions.loan_id end)
            as called_loans,
        count(distinct collection_actions.loan_id) as loans
    from collection_actions
    inner join loan_segments on loan_segments.loan_id = collection_actions.loan_id
    group by date_trunc('month', collection_actions.action_at), loan_segments.product, loan_segments.region,
        loan_segments.channel
)

select * from final
