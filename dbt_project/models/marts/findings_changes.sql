-- Findings added and removed between the two latest ruleset versions (ranked by their first
-- scan), over the inputs that were scanned under both (so rescanning part of the history
-- compares just that part). Incremental: while the two versions compared stay the same, only
-- the inputs with a scan read from, or dropped from, a changed lake partition are compared
-- again (findings_changes_changed); when they change, every input is. The versions compared
-- are kept after each build in `findings_changes__versions` (schema intermediate).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key=['key_id', 'source', 'source_id'],
    changed_keys='findings_changes_changed',
    post_hook=[
        "create or replace table {{ findings_changes_versions_relation() }} as "
        ~ "{{ findings_changes_compared() }}",
    ],
) }}

with

scans as (

    select *
    from {{ ref('stg_dlp__scanned_inputs') }}
    {% if is_incremental() -%}
        -- by rowid: the key test reads three columns, not every column of every scan
        where rowid in (
            select candidates.rowid from {{ ref('stg_dlp__scanned_inputs') }} as candidates
            where
                (candidates.key_id, candidates.source, candidates.source_id)
                in ({{ findings_changes_changed() }})
        )
    {%- endif %}
    qualify row_number() over (
        partition by input_id, ruleset_version order by scanned_at desc
    ) = 1

),

compared as (

    {{ findings_changes_compared() }}

),

both_scans as (

    select
        latest.input_id,
        latest.scanned_at as latest_scanned_at,
        previous.scanned_at as previous_scanned_at,
        compared.from_ruleset_version,
        compared.to_ruleset_version

    from scans as latest
    inner join compared on latest.ruleset_version = compared.to_ruleset_version
    inner join scans as previous
        on
            latest.input_id = previous.input_id
            and compared.from_ruleset_version = previous.ruleset_version

),

findings as (

    select * from {{ ref('stg_dlp__findings') }}

),

latest_findings as (

    select
        findings.*,
        both_scans.from_ruleset_version,
        both_scans.to_ruleset_version
    from findings
    inner join both_scans
        on
            findings.input_id = both_scans.input_id
            and findings.ruleset_version = both_scans.to_ruleset_version
            and findings.scanned_at = both_scans.latest_scanned_at

),

previous_findings as (

    select
        findings.*,
        both_scans.from_ruleset_version,
        both_scans.to_ruleset_version
    from findings
    inner join both_scans
        on
            findings.input_id = both_scans.input_id
            and findings.ruleset_version = both_scans.from_ruleset_version
            and findings.scanned_at = both_scans.previous_scanned_at

),

added as (

    select
        'added' as change,
        latest_findings.*
    from latest_findings
    anti join previous_findings on latest_findings.finding_id = previous_findings.finding_id

),

removed as (

    select
        'removed' as change,
        previous_findings.*
    from previous_findings
    anti join latest_findings on previous_findings.finding_id = latest_findings.finding_id

),

final as (

    select
        change,
        finding_id,
        key_id,
        source,
        source_id,
        detector,
        category,
        severity,
        redacted_match,
        fingerprint,
        user_id,
        occurred_at,
        from_ruleset_version,
        to_ruleset_version

    from (
        select * from added
        union all
        select * from removed
    ) as changes

)

select * from final
