with

source as (

    select * from {{ source('compliance_api', 'roles') }}

),

renamed as (

    select
        role_id,
        organization_uuid,
        key_id,
        name as role_name,
        description as role_description,
        created_at,
        updated_at,
        synced_at

    from source

)

select * from renamed
