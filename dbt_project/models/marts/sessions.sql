-- Incremental: only the sessions rewritten upstream or with a message rewritten or dropped.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='session_id',
    changed_keys='sessions_changed',
) }}

with

sessions as (

    select * from {{ ref('int_sessions_latest') }}
    {% if is_incremental() -%}
        where session_id in ({{ sessions_changed() }})
    {%- endif %}

),

messages as (

    select
        session_id,
        count(*) as message_count,
        count(*) filter (where role = 'user') as user_message_count,
        count(*) filter (where is_content_unavailable) as unavailable_message_count,
        count(*) filter (where is_truncated) as truncated_message_count,
        min(created_at) as first_message_at,
        max(created_at) as last_message_at

    from {{ ref('int_session_messages_latest') }}
    {% if is_incremental() -%}
        where session_id in ({{ sessions_changed() }})
    {%- endif %}
    group by session_id

),

final as (

    select
        sessions.session_id,
        sessions.key_id,
        sessions.session_kind,
        sessions.product_surface,
        sessions.organization_uuid,
        sessions.user_id,
        sessions.user_email,
        sessions.agent_id,
        sessions.started_by_user_id,
        sessions.project_id,
        sessions.workspace_id,
        sessions.status,
        sessions.created_at,
        sessions.updated_at,
        sessions.is_truncated,
        sessions.tombstone is not null as is_deleted,
        coalesce(messages.message_count, 0) as message_count,
        coalesce(messages.user_message_count, 0) as user_message_count,
        coalesce(messages.unavailable_message_count, 0) as unavailable_message_count,
        coalesce(messages.truncated_message_count, 0) as truncated_message_count,
        messages.first_message_at,
        messages.last_message_at,
        sessions.synced_at

    from sessions
    left join messages on sessions.session_id = messages.session_id

)

select * from final
