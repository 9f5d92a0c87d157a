-- One row per input: its latest scan.
with

source as (

    select * from {{ ref('stg_dlp__scanned_inputs') }}

),

latest as (

    select *
    from source
    qualify row_number() over (partition by input_id order by scanned_at desc, ruleset_version) = 1

)

select * from latest
