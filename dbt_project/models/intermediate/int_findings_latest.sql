-- The findings of each input's latest scan only: a rescan replaces, never adds.
with

findings as (

    select * from {{ ref('stg_dlp__findings') }}

),

latest_scans as (

    select input_id, scanned_at, ruleset_version from {{ ref('int_scanned_inputs_latest') }}

),

joined as (

    select findings.*
    from findings
    inner join latest_scans
        on
            findings.input_id = latest_scans.input_id
            and findings.scanned_at = latest_scans.scanned_at
            and findings.ruleset_version = latest_scans.ruleset_version
    qualify row_number() over (partition by findings.finding_id order by findings.scanned_at desc) = 1

)

select * from joined
