-- One row per session: the latest version synced.
with

source as (

    select * from {{ ref('stg_compliance_api__sessions') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by session_id order by synced_at desc, updated_at desc) = 1

)

select * from latest
