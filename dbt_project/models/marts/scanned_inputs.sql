with

scanned_inputs as (

    select * from {{ ref('int_scanned_inputs_latest') }}

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
