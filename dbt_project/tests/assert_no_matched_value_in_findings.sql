-- No matched value reaches the marts: the text under each finding's offsets, read back from
-- the raw lake, never appears in the masked preview the marts carry.
with

inputs as (

    select 'chat_message' as source, message_id as source_id, text
    from {{ source('compliance_api', 'chat_messages') }}
    union all
    select 'chat_file', file_id, content_text
    from {{ source('compliance_api', 'chat_files') }}
    union all
    select 'project_description', project_id, description
    from {{ source('compliance_api', 'projects') }}
    union all
    select 'project_instruction', project_id, instructions
    from {{ source('compliance_api', 'projects') }}
    union all
    select 'project_file', attachment_id, content_text
    from {{ source('compliance_api', 'project_attachments') }}

),

matched as (

    select distinct
        findings.finding_id,
        findings.redacted_match,
        substring(inputs.text, findings.start_offset + 1, findings.end_offset - findings.start_offset)
            as matched_value

    from {{ ref('findings') }} as findings
    inner join inputs
        on findings.source = inputs.source and findings.source_id = inputs.source_id

)

select finding_id
from matched
where length(matched_value) > 0 and contains(redacted_match, matched_value)
