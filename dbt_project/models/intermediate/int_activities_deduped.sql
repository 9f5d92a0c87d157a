-- One row per activity id (overlapping polls deduplicated).
with

source as (

    select * from {{ ref('stg_compliance_api__activities') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by activity_id order by synced_at desc) = 1

)

select * from latest
