-- Every finding's offsets lie inside its input's scanned text (chars).
select findings.finding_id
from {{ ref('findings') }} as findings
inner join {{ ref('scanned_inputs') }} as scanned_inputs
    on
        findings.key_id = scanned_inputs.key_id
        and findings.source = scanned_inputs.source
        and findings.source_id = scanned_inputs.source_id
where
    findings.start_offset < 0
    or findings.end_offset <= findings.start_offset
    or findings.end_offset > scanned_inputs.chars
