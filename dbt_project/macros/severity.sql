{#- Generated from claude_compliance.vocabulary: do not edit; regenerate with
    python -m claude_compliance.vocabulary <dbt project dir> -#}
{% macro severity_rank(column) -%}
    case {{ column }}
        when 'CRITICAL' then 4
        when 'HIGH' then 3
        when 'MEDIUM' then 2
        when 'LOW' then 1
        else 0
    end
{%- endmacro %}

{% macro severity_weight(severity) -%}
    {%- set weights = {"CRITICAL": 10.0, "HIGH": 5.0, "MEDIUM": 2.0, "LOW": 1.0} -%}
    {%- if severity not in weights -%}
        {{ exceptions.raise_compiler_error("unknown severity " ~ severity) }}
    {%- endif -%}
    {{ weights[severity] }}
{%- endmacro %}
