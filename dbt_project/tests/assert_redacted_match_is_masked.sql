-- A masked preview always hides part of the match: it carries a mask character.
select finding_id
from {{ ref('findings') }}
where not (redacted_match like '%•%' or redacted_match like '%…%' or redacted_match like '%*%')
