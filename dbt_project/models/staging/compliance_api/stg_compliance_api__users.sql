with

source as (

    select * from {{ source('compliance_api', 'users') }}

),

renamed as (

    select
        user_id,
        organization_uuid,
        key_id,
        email as user_email,
        full_name,
        organization_role,
        created_at as joined_at,
        synced_at

    from source

)

select * from renamed
