-- One row per organization: its latest directory snapshot.
with

source as (

    select * from {{ ref('stg_compliance_api__organizations') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by organization_uuid order by synced_at desc) = 1

)

select * from latest
