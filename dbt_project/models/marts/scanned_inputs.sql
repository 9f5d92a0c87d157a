-- Incremental: copies the inputs whose latest scan this build rewrote, and drops those whose
-- scans are all gone (keys from macros/changed_keys.sql).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='input_id',
    changed_keys='scanned_inputs_changed',
    meta={'build_rows': 'keys_of:int_scanned_inputs_latest'},
) }}

with

scanned_inputs as (

    select * from {{ ref('int_scanned_inputs_latest') }}
    {% if is_incremental() -%}
        where dbt_invocation_id = '{{ invocation_id }}'
    {%- endif %}

),

final as (

    select
        input_id,
        key_id,
        organization_uuid,
        user_id,
        source,
        source_id,
        chat_id,
        project_id,
        session_id,
        occurred_at,
        chars,
        max_severity,
        finding_count,
        findings_dropped,
        skipped_reason,
        ruleset_version,
        scanned_at,
        detected_format,
        extractor

    from scanned_inputs

)

select * from final
