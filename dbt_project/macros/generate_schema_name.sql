{#- Staging views and intermediate tables live in their own schemas of build.duckdb (`staging`,
    `intermediate`), the public marts in `main`: publish copies `main` only, so nothing that
    holds a lake path or a half-built table reaches the published file. dbt's default would
    prefix the target schema (`main_staging`); the plain name reads better in the duckdb CLI. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
