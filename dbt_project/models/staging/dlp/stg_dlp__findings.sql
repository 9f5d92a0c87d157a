with

source as (

    select * from {{ source('dlp', 'findings') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        finding_id,
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
        detector,
        category,
        severity,
        start_offset,
        end_offset,
        redacted_match,
        fingerprint,
        confidence,
        ruleset_version,
        scanned_at,
        location,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
