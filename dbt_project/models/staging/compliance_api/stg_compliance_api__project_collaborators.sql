with

source as (

    select * from {{ source('compliance_api', 'project_collaborators') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        project_id,
        key_id,
        collaborator_type,
        principal_id,
        role as collaborator_role,
        granted_at,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
