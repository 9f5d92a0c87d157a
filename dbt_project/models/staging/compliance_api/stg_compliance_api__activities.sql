with

source as (

    select * from {{ source('compliance_api', 'activities') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        activity_id,
        key_id,
        type as activity_type,
        created_at,
        organization_uuid,
        actor_type,
        actor_user_id,
        actor_email,
        actor_api_key_id,
        claude_chat_id as chat_id,
        claude_project_id as project_id,
        claude_file_id as file_id,
        claude_project_document_id as project_document_id,
        request_id,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
