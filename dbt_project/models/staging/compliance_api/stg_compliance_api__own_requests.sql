with

source as (

    select * from {{ source('compliance_api', 'own_requests') }}

),

renamed as (

    select
        request_id,
        key_id,
        synced_at

    from source

)

select * from renamed
