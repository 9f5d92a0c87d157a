-- One row per input: its latest scan. Incremental: only the inputs with a scan in a changed
-- lake partition (or whose latest scan came from one) are recomputed, from all their scans.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_latest',
    unique_key='input_id',
    meta={'build_rows': 'this_invocation'},
) }}

with

source as (

    select * from {{ ref('stg_dlp__scanned_inputs') }}
    {% if is_incremental() -%}
        where input_id in ({{ changed_ids('input_id', ref('stg_dlp__scanned_inputs')) }})
    {%- endif %}

),

latest as (

    select
        *,
        -- which build wrote the row: downstream marts copy only this build's rows
        '{{ invocation_id }}' as dbt_invocation_id

    from source
    qualify
        row_number() over (partition by input_id order by scanned_at desc, ruleset_version asc) = 1

)

select * from latest
