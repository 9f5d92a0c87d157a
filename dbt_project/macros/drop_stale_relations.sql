{#- Run at the end of every dbt run: drop what sits in the public schema (`main`) of
    build.duckdb without being a model of this project: staging views and intermediate
    tables of builds made before they moved to their own schemas, and renamed or removed
    marts. Publish copies `main` whole, so a leftover there would be published. -#}
{% macro drop_stale_relations() %}
    {%- if execute -%}
        {%- set current = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- set built = node.resource_type in ('model', 'seed', 'snapshot') -%}
            {%- if built and node.schema == target.schema -%}
                {%- do current.append(node.alias | lower) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set found = run_query(
            "select table_name, table_type from information_schema.tables "
            ~ "where table_catalog = current_database() and table_schema = '" ~ target.schema ~ "'"
        ) -%}
        {%- for row in found.rows -%}
            {%- if row[0] | lower not in current -%}
                {%- set kind = 'view' if row[1] == 'VIEW' else 'table' -%}
                {%- set relation = target.schema ~ '."' ~ row[0] ~ '"' -%}
                {%- set name = target.schema ~ "." ~ row[0] -%}
                {% do log("dropping stale " ~ kind ~ " " ~ name, info=true) %}
                {% do run_query("drop " ~ kind ~ " if exists " ~ relation) %}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
