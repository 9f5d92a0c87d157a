with

source as (

    select * from {{ source('dlp', 'masked_names') }}

),

renamed as (

    select
        input_id,
        key_id,
        source,
        source_id,
        masked_name,
        ruleset_version,
        scanned_at

    from source

)

select * from renamed
