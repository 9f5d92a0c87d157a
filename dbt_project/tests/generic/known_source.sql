{#- A column that names a scanned source holds only the registry's names (dlp_sources()). -#}
-- noqa: disable=LT02
-- (sqlfluff's jinja templater misplaces test blocks: it asks for two indents on one line)
{% test known_source(model, column_name) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} not in (
    {%- for s in dlp_sources() %}'{{ s.name }}'{% if not loop.last %}, {% endif %}{% endfor -%}
)

{% endtest %}
