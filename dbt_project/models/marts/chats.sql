-- Incremental: only the chats rewritten upstream or whose masked name changed (chats_changed).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='chat_id',
    changed_keys='chats_changed',
) }}

with

chats as (

    select * from {{ ref('int_chats_latest') }}
    {% if is_incremental() -%}
        where chat_id in ({{ chats_changed() }})
    {%- endif %}

),

masked_names as (

    select
        key_id,
        source_id,
        masked_name
    from {{ ref('int_masked_names_latest') }}
    where source = 'chat_name'

),

final as (

    select
        chats.chat_id,
        chats.key_id,
        chats.organization_uuid,
        chats.user_id,
        chats.user_email,
        chats.project_id,
        -- never the raw name: names are scanned like any user input (source chat_name)
        masked_names.masked_name as chat_name,
        chats.model,
        chats.href,
        chats.created_at,
        chats.updated_at,
        chats.deleted_at,
        chats.is_deleted,
        chats.synced_at

    from chats
    left join masked_names
        on chats.key_id = masked_names.key_id and chats.chat_id = masked_names.source_id

)

select * from final
