with

source as (

    select * from {{ source('compliance_api', 'sync_ledger') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        key_id,
        resource,
        interval_start,
        interval_end,
        cast(timezone('UTC', interval_start) as date) as dt,
        status,
        records,
        requests,
        first_cursor,
        last_cursor,
        last_request_id,
        started_at,
        finished_at,
        detail,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
