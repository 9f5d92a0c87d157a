with

ledger as (

    select * from {{ ref('stg_compliance_api__sync_ledger') }}

),

final as (

    select
        key_id,
        resource,
        dt,
        interval_start,
        interval_end,
        status,
        records,
        requests,
        first_cursor,
        last_cursor,
        last_request_id,
        started_at,
        finished_at,
        detail

    from ledger
    qualify row_number() over (
        partition by key_id, resource, interval_start, interval_end
        order by finished_at desc nulls last
    ) = 1

)

select * from final
