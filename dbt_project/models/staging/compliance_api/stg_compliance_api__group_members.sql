with

source as (

    select * from {{ source('compliance_api', 'group_members') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        group_id,
        user_id,
        key_id,
        email as user_email,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
