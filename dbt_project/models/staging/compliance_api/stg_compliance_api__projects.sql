-- Names stay in the lake: the marts publish them masked (dlp masked_names).
-- Descriptions and instructions stay in the lake: they are scanned inputs.
with

source as (

    select * from {{ source('compliance_api', 'projects') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        project_id,
        key_id,
        organization_uuid,
        user_id,
        user_email,
        is_private,
        created_at,
        updated_at,
        deleted_at,
        deleted_at is not null as is_deleted,
        synced_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
