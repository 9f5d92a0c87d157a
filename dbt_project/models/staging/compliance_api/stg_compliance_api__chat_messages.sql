-- Message text stays in the lake: the warehouse carries only metadata and lengths.
with

source as (

    select * from {{ source('compliance_api', 'chat_messages') }}
    where {{ lake_partitions_filter() }}

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
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
