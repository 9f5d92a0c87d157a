with

source as (

    select * from {{ source('compliance_api', 'organizations') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        organization_uuid,
        key_id,
        name as organization_name,
        created_at,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
