-- Day (UTC) × key × organization × source × category × severity counts of current findings.
with

findings as (

    select * from {{ ref('findings') }}

),

final as (

    select
        cast(timezone('UTC', occurred_at) as date) as day,
        key_id,
        organization_uuid,
        source,
        category,
        severity,
        count(*) as finding_count

    from findings
    group by all

)

select * from final
