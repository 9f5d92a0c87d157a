-- No matched value reaches the marts: the text under each finding's offsets, read back from
-- the raw lake, never appears in the masked preview the marts carry. The sources come from
-- the one registry (`claude_compliance.scan.sources`, through the generated `dlp_sources()`).
-- An incremental build checks the findings of the lake partitions it read (a finding's text
-- is in the raw partition its scan read, and is checked again whenever that partition
-- changes); a full build checks them all.
with

inputs as (

    {% for s in dlp_sources() %}
        select
            '{{ s.name }}' as source,
            {{ s.id_column }} as source_id,
            -- `text as text` for a source whose column is already called so
            {{ s.text_column }} as text  -- noqa: AL09
        from {{ source('compliance_api', s.table) }}
        where {{ changed_partitions_filter() }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

matched as (

    select distinct
        findings.finding_id,
        findings.redacted_match,
        substring(
            inputs.text, findings.start_offset + 1, findings.end_offset - findings.start_offset
        )
            as matched_value

    from {{ ref('findings') }} as findings
    inner join inputs
        on findings.source = inputs.source and findings.source_id = inputs.source_id
    where findings.finding_id in (
        select latest.finding_id from {{ ref('int_findings_latest') }} as latest
        where {{ changed_partitions_filter('latest.lake_key', 'latest.lake_dt') }}
    )

)

select finding_id
from matched
where length(matched_value) > 0 and contains(redacted_match, matched_value)
