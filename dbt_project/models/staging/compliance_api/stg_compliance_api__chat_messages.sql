-- Message text stays in the lake: the warehouse carries only metadata and lengths.
with

source as (

    select * from {{ source('compliance_api', 'chat_messages') }}

),

renamed as (

    select
        message_id,
        chat_id,
        key_id,
        role,
        created_at,
        length(text) as text_chars,
        len(file_ids) as file_count,
        synced_at

    from source

)

select * from renamed
