-- Every finding's input is in scanned_inputs with a matching finding count.
select findings.finding_id
from {{ ref('findings') }} as findings
left join {{ ref('scanned_inputs') }} as scanned_inputs
    on
        findings.key_id = scanned_inputs.key_id
        and findings.source = scanned_inputs.source
        and findings.source_id = scanned_inputs.source_id
where scanned_inputs.input_id is null
