with

source as (

    select * from {{ source('compliance_api', 'organizations') }}

),

renamed as (

    select
        organization_uuid,
        key_id,
        name as organization_name,
        created_at,
        synced_at

    from source

)

select * from renamed
