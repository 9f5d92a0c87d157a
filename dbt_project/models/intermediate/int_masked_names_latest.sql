-- One masked name per chat and project: the one of the latest scan of the name. Incremental
-- like int_findings_latest: only the inputs whose latest scan was recomputed, or with names
-- in a changed lake partition.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_keys',
    unique_key='input_id',
    changed_keys='masked_names_changed_inputs',
    meta={'build_rows': 'this_invocation'},
) }}

with

names as (

    select * from {{ ref('stg_dlp__masked_names') }}
    {% if is_incremental() -%}
        where input_id in ({{ masked_names_changed_inputs() }})
    {%- endif %}

),

latest_scans as (

    select
        input_id,
        scanned_at,
        ruleset_version
    from {{ ref('int_scanned_inputs_latest') }}

),

latest as (

    select
        names.*,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from names
    inner join latest_scans
        on
            names.input_id = latest_scans.input_id
            and names.scanned_at = latest_scans.scanned_at
            and names.ruleset_version = latest_scans.ruleset_version

)

select * from latest
