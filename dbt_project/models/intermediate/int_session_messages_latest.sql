-- One row per session message: the latest sync of it (re-runs and backfills deduplicated).
with

source as (

    select * from {{ ref('stg_compliance_api__session_messages') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by message_id order by synced_at desc) = 1

)

select * from latest
