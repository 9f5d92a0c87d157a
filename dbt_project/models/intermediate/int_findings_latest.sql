-- The findings of each input's latest scan only: a rescan replaces, never adds. Incremental:
-- only the inputs whose latest scan this build recomputed, or with findings in a changed
-- lake partition, are recomputed (strategy replace_keys, keys from findings_changed_inputs).
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='input_id',
    changed_keys='findings_changed_inputs',
    meta={'build_rows': 'this_invocation'},
) }}

with

findings as (

    select * from {{ ref('stg_dlp__findings') }}
    {% if is_incremental() -%}
        where input_id in ({{ findings_changed_inputs() }})
    {%- endif %}

),

latest_scans as (

    select
        input_id,
        scanned_at,
        ruleset_version
    from {{ ref('int_scanned_inputs_latest') }}

),

joined as (

    select
        findings.*,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from findings
    inner join latest_scans
        on
            findings.input_id = latest_scans.input_id
            and findings.scanned_at = latest_scans.scanned_at
            and findings.ruleset_version = latest_scans.ruleset_version
    qualify
        row_number() over (partition by findings.finding_id order by findings.scanned_at desc) = 1

)

select * from joined
