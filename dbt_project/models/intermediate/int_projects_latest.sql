-- One row per project: the latest version synced.
with

source as (

    select * from {{ ref('stg_compliance_api__projects') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by project_id order by synced_at desc, updated_at desc) = 1

)

select * from latest
