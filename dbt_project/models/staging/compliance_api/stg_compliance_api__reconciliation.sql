with

source as (

    select * from {{ source('compliance_api', 'reconciliation') }}

),

renamed as (

    select
        key_id,
        activity_id,
        activity_type,
        activity_at,
        referenced_kind,
        referenced_id,
        status,
        synced_at

    from source

)

select * from renamed
