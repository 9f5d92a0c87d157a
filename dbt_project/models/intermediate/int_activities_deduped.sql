-- One row per activity id (overlapping polls deduplicated). Incremental: only the activities
-- polled in a changed lake partition (or whose kept row came from one) are recomputed.
{{ config(
    materialized='incremental',
    incremental_strategy='replace_latest',
    unique_key='activity_id',
    meta={'build_rows': 'this_invocation'},
) }}

with

source as (

    select * from {{ ref('stg_compliance_api__activities') }}
    {% if is_incremental() -%}
        where activity_id in (
            {{ changed_ids('activity_id', ref('stg_compliance_api__activities')) }}
        )
    {%- endif %}

),

latest as (

    select
        *,
        -- which build wrote the row: downstream marts recompute only this build's ids
        '{{ invocation_id }}' as dbt_invocation_id

    from source
    qualify row_number() over (partition by activity_id order by synced_at desc) = 1

)

select * from latest
