-- One row per session: the latest version synced. Incremental: only the sessions with a
-- version in a changed lake partition (or whose latest version came from one) are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_latest',
    unique_key='session_id',
    meta={'build_rows': 'this_invocation'},
) }}

with

source as (

    select * from {{ ref('stg_compliance_api__sessions') }}
    {% if is_incremental() -%}
        where session_id in ({{ changed_ids('session_id', ref('stg_compliance_api__sessions')) }})
    {%- endif %}

),

latest as (

    select
        *,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from source
    qualify row_number() over (partition by session_id order by synced_at desc, updated_at desc) = 1

)

select * from latest
