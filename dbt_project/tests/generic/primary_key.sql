{#- The grain of a model whose key spans several columns: every column of the key is set and
    no two rows share the combination (`unique` + `not_null` on a composite key, in one query
    so the check costs one node of each build). Written here, not taken from dbt_utils
    (`unique_combination_of_columns`), because `dbt deps` cannot reach the package hub from
    where the pipeline builds. Returns the offending combinations. -#}
-- noqa: disable=LT02
-- (sqlfluff's jinja templater misplaces test blocks: it asks for two indents on one line)
{% test primary_key(model, columns) %}

with

keys as (

    select {{ columns | join(', ') }}
    from {{ model }}

)

select
    {{ columns | join(', ') }},
    count(*) as n_records

from keys
group by {{ columns | join(', ') }}
having
    count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}

{% endtest %}
