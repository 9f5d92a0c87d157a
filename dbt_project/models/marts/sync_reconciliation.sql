-- Per key and activity: what the feed says was created, and whether the sync has it.
-- Incremental: only the activities with a row read from, or dropped from, a changed lake
-- partition are recomputed (sync_reconciliation_changed).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key=['key_id', 'activity_id'],
    changed_keys='sync_reconciliation_changed',
) }}
with

reconciliation as (

    select * from {{ ref('stg_compliance_api__reconciliation') }}
    {% if is_incremental() -%}
        where (key_id, activity_id) in ({{ sync_reconciliation_changed() }})
    {%- endif %}

),

final as (

    select
        key_id,
        activity_id,
        activity_type,
        activity_at,
        referenced_kind,
        referenced_id,
        status,
        synced_at

    from reconciliation
    qualify row_number() over (
        partition by key_id, activity_id, referenced_id order by synced_at desc
    ) = 1

)

select * from final
