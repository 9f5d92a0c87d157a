-- Keeps the rows each build drops: findings_changes compares their inputs again.
{{ config(record_removed=true) }}

with

source as (

    select * from {{ source('dlp', 'scanned_inputs') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

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
        coalesce(findings_dropped, 0) as findings_dropped,
        skipped_reason,
        ruleset_version,
        scanned_at,
        detected_format,
        extractor,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
