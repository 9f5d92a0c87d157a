with

source as (

    select * from {{ source('compliance_api', 'own_requests') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        request_id,
        key_id,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
