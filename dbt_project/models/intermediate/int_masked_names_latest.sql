-- One masked name per chat and project: the one of the latest scan of the name.
with

names as (

    select * from {{ ref('stg_dlp__masked_names') }}

),

latest_scans as (

    select input_id, scanned_at, ruleset_version from {{ ref('int_scanned_inputs_latest') }}

),

latest as (

    select names.*
    from names
    inner join latest_scans
        on
            names.input_id = latest_scans.input_id
            and names.scanned_at = latest_scans.scanned_at
            and names.ruleset_version = latest_scans.ruleset_version

)

select * from latest
