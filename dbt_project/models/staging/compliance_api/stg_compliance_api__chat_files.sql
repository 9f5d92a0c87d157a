-- File content stays in the lake: the warehouse carries only metadata.
with

source as (

    select * from {{ source('compliance_api', 'chat_files') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        file_id,
        chat_id,
        message_id,
        key_id,
        filename,
        mime_type,
        size_bytes,
        md5,
        created_at,
        skipped_reason,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
