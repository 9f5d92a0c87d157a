-- Incremental: copies the inputs whose latest scan this build rewrote; the post-hook drops
-- the inputs that no longer have a scan at all.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='input_id',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} where input_id not in "
        ~ "(select input_id from {{ ref('int_scanned_inputs_latest') }}){% endif %}",
    ],
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
