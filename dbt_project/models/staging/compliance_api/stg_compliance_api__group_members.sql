with

source as (

    select * from {{ source('compliance_api', 'group_members') }}

),

renamed as (

    select
        group_id,
        user_id,
        key_id,
        email as user_email,
        synced_at

    from source

)

select * from renamed
