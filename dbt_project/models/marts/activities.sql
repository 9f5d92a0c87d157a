with

activities as (

    select * from {{ ref('int_activities_deduped') }}

),

final as (

    select
        activity_id,
        key_id,
        activity_type,
        created_at,
        organization_uuid,
        actor_type,
        actor_user_id,
        actor_email,
        actor_api_key_id,
        chat_id,
        project_id,
        file_id,
        project_document_id,
        synced_at

    from activities

)

select * from final
