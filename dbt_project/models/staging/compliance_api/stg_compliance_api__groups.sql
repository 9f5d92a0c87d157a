with

source as (

    select * from {{ source('compliance_api', 'groups') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        group_id,
        key_id,
        name as group_name,
        source_type,
        created_at,
        updated_at,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
