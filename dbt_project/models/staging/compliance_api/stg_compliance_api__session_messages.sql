-- Session message text stays in the lake: the warehouse carries only metadata and lengths.
with

source as (

    select * from {{ source('compliance_api', 'session_messages') }}

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
        length(text) as text_chars,
        synced_at

    from source

)

select * from renamed
