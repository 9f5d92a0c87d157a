-- Claude Code and Cowork sessions, local and remote, as synced (metadata only).
with

source as (

    select * from {{ source('compliance_api', 'sessions') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        session_id,
        key_id,
        session_kind,
        organization_uuid,
        user_id,
        user_email,
        product_surface,
        status,
        agent_id,
        started_by_user_id,
        project_id,
        workspace_id,
        created_at,
        updated_at,
        coalesce(is_truncated, false) as is_truncated,
        tombstone,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
