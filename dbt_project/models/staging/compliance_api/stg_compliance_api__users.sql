with

source as (

    select * from {{ source('compliance_api', 'users') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        user_id,
        organization_uuid,
        key_id,
        email as user_email,
        full_name,
        organization_role,
        created_at as joined_at,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
