with

source as (

    select * from {{ source('compliance_api', 'groups') }}

),

renamed as (

    select
        group_id,
        key_id,
        name as group_name,
        source_type,
        created_at,
        updated_at,
        synced_at

    from source

)

select * from renamed
