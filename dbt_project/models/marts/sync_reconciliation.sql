-- Per key and activity: what the feed says was created, and whether the sync has it.
with

reconciliation as (

    select * from {{ ref('stg_compliance_api__reconciliation') }}

),

final as (

    select
        key_id,
        activity_id,
        activity_type,
        activity_at,
        referenced_kind,
        referenced_id,
        status,
        synced_at

    from reconciliation
    qualify row_number() over (
        partition by key_id, activity_id, referenced_id order by synced_at desc
    ) = 1

)

select * from final
