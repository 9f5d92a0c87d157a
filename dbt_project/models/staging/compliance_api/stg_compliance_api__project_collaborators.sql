with

source as (

    select * from {{ source('compliance_api', 'project_collaborators') }}

),

renamed as (

    select
        project_id,
        key_id,
        collaborator_type,
        principal_id,
        role as collaborator_role,
        granted_at,
        synced_at

    from source

)

select * from renamed
