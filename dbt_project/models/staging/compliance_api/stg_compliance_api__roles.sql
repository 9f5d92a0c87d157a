with

source as (

    select * from {{ source('compliance_api', 'roles') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        role_id,
        organization_uuid,
        key_id,
        name as role_name,
        description as role_description,
        created_at,
        updated_at,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
