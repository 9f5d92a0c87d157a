-- Session message text stays in the lake: the warehouse carries only metadata and lengths.
with

source as (

    select * from {{ source('compliance_api', 'session_messages') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        message_id,
        session_id,
        key_id,
        session_kind,
        role,
        created_at,
        seq,
        provenance_type,
        provenance_reason,
        coalesce(is_content_unavailable, false) as is_content_unavailable,
        coalesce(is_truncated, false) as is_truncated,
        length(text) as text_chars,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
