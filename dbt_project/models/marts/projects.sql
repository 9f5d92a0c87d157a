with

projects as (

    select * from {{ ref('int_projects_latest') }}

),

masked_names as (

    select
        key_id,
        source_id,
        masked_name
    from {{ ref('int_masked_names_latest') }}
    where source = 'project_name'

),

final as (

    select
        projects.project_id,
        projects.key_id,
        projects.organization_uuid,
        projects.user_id,
        projects.user_email,
        -- never the raw name: names are scanned like any user input (source project_name)
        masked_names.masked_name as project_name,
        projects.is_private,
        projects.created_at,
        projects.updated_at,
        projects.deleted_at,
        projects.is_deleted,
        projects.synced_at

    from projects
    left join masked_names
        on projects.key_id = masked_names.key_id and projects.project_id = masked_names.source_id

)

select * from final
