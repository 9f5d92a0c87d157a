-- One row per chat: the latest version synced (at-least-once delivery deduplicated).
with

source as (

    select * from {{ ref('stg_compliance_api__chats') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by chat_id order by synced_at desc, updated_at desc) = 1

)

select * from latest
