-- Incremental: only the activities rewritten upstream or whose own-request mark changed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='activity_id',
    changed_keys='activities_changed',
) }}

with

activities as (

    select * from {{ ref('int_activities_deduped') }}
    {% if is_incremental() -%}
        where activity_id in ({{ activities_changed() }})
    {%- endif %}

),

own_requests as (

    select distinct request_id from {{ ref('stg_compliance_api__own_requests') }}

),

final as (

    select
        activities.activity_id,
        activities.key_id,
        activities.activity_type,
        activities.created_at,
        activities.organization_uuid,
        activities.actor_type,
        activities.actor_user_id,
        activities.actor_email,
        activities.actor_api_key_id,
        activities.chat_id,
        activities.project_id,
        activities.file_id,
        activities.project_document_id,
        activities.request_id,
        -- Our own sync's API calls, so reports can leave that traffic out.
        activities.activity_type = 'compliance_api_accessed'
        and own_requests.request_id is not null as is_own_request,
        activities.synced_at

    from activities
    left join own_requests on activities.request_id = own_requests.request_id

)

select * from final
