-- One row per chat: the latest version synced (at-least-once delivery deduplicated). A chat's
-- versions sit in every partition it was synced in; incremental builds recompute only the
-- chats with a version in a changed partition (or whose latest version came from one).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_latest',
    unique_key='chat_id',
    meta={'build_rows': 'this_invocation'},
) }}

with

source as (

    select * from {{ ref('stg_compliance_api__chats') }}
    {% if is_incremental() -%}
        where chat_id in ({{ changed_ids('chat_id', ref('stg_compliance_api__chats')) }})
    {%- endif %}

),

latest as (

    select
        *,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from source
    qualify row_number() over (partition by chat_id order by synced_at desc, updated_at desc) = 1

)

select * from latest
