-- Keeps the rows each build drops: sync_reconciliation recomputes their activities.
{{ config(record_removed=true) }}

with

source as (

    select * from {{ source('compliance_api', 'reconciliation') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        key_id,
        activity_id,
        activity_type,
        activity_at,
        referenced_kind,
        referenced_id,
        status,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
