-- One row per user per organization: the latest directory snapshot.
with

source as (

    select * from {{ ref('stg_compliance_api__users') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by organization_uuid, user_id order by synced_at desc) = 1

)

select * from latest
