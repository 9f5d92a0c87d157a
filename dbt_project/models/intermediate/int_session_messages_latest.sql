-- One row per session message: the latest sync of it (re-runs and backfills deduplicated).
-- Incremental: only the messages synced in a changed lake partition are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_latest',
    unique_key='message_id',
    meta={'build_rows': 'this_invocation'},
) }}

with

source as (

    select * from {{ ref('stg_compliance_api__session_messages') }}
    {% if is_incremental() -%}
        where message_id in (
            {{ changed_ids('message_id', ref('stg_compliance_api__session_messages')) }}
        )
    {%- endif %}

),

latest as (

    select
        *,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from source
    qualify row_number() over (partition by message_id order by synced_at desc) = 1

)

select * from latest
