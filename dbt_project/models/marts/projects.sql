with

projects as (

    select * from {{ ref('int_projects_latest') }}

),

final as (

    select
        project_id,
        key_id,
        organization_uuid,
        user_id,
        user_email,
        project_name,
        is_private,
        created_at,
        updated_at,
        deleted_at,
        is_deleted,
        synced_at

    from projects

)

select * from final
