with

source as (

    select * from {{ source('dlp', 'masked_names') }}
    where {{ lake_partitions_filter() }}

),

renamed as (

    select
        input_id,
        key_id,
        source,
        source_id,
        masked_name,
        ruleset_version,
        scanned_at,
        -- the lake partition the row was read from: incremental builds replace by it
        key as lake_key,
        dt as lake_dt

    from source

)

select * from renamed
