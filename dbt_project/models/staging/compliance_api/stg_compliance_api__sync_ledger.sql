with

source as (

    select * from {{ source('compliance_api', 'sync_ledger') }}

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
        detail

    from source

)

select * from renamed
