-- Incremental: only the findings rewritten upstream or whose directory names changed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='finding_id',
    changed_keys='findings_changed',
) }}

with

findings as (

    select * from {{ ref('int_findings_latest') }}
    {% if is_incremental() -%}
        where finding_id in ({{ findings_changed() }})
    {%- endif %}

),

organizations as (

    select
        organization_uuid,
        organization_name
    from {{ ref('int_organizations_latest') }}

),

users as (

    select
        organization_uuid,
        user_id,
        user_email
    from {{ ref('int_users_latest') }}

),

final as (

    select
        findings.finding_id,
        findings.key_id,
        findings.organization_uuid,
        organizations.organization_name,
        findings.user_id,
        users.user_email,
        findings.source,
        findings.source_id,
        findings.chat_id,
        findings.project_id,
        findings.session_id,
        findings.occurred_at,
        findings.detector,
        findings.category,
        findings.severity,
        findings.start_offset,
        findings.end_offset,
        findings.redacted_match,
        findings.fingerprint,
        findings.confidence,
        findings.ruleset_version,
        findings.scanned_at,
        findings.location,
        -- Filled by publish from the state DB (warehouse/state_export.py), so the published
        -- file shows the triage the dashboard shows as of that publish; null in build.duckdb.
        cast(null as varchar) as triage_status,
        cast(null as varchar) as triage_decided_by,
        cast(null as timestamp with time zone) as triage_decided_at,
        cast(null as boolean) as is_suppressed,
        cast(null as bigint) as suppression_id

    from findings
    left join organizations
        on findings.organization_uuid = organizations.organization_uuid
    left join users
        on
            findings.organization_uuid = users.organization_uuid
            and findings.user_id = users.user_id

)

select * from final
