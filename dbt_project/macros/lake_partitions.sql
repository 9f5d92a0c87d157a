{#- Incremental builds by lake partition (key × day).

    The builder (plugins/claude_compliance/warehouse/partitions.py) compares the lake with
    what the last build read and passes the partitions whose files changed (written,
    rewritten, rescanned, quarantined or removed) as the var `lake_partitions`:
    a list of [key, dt] pairs. Staging models copy only those partitions out of the lake and
    replace them in their table (strategy `replace_partitions`); everything downstream is
    derived from those tables, so a run reads the intervals it wrote, not the whole history.
    Without the var (a hand-run `dbt build`), or on the first build and `--full-refresh`,
    every partition is read and replaced. -#}

{% macro lake_partitions() %}
    {{ return(var('lake_partitions', none)) }}
{% endmacro %}

{#- The rows of a lake source to read: the changed partitions only, when building
    incrementally. `dt in (…)` lets DuckDB skip the other days' files (hive pruning). -#}
{% macro lake_partitions_filter(key_column='key', dt_column='dt') %}
    {%- set partitions = lake_partitions() -%}
    {%- if not is_incremental() or partitions is none -%}
        true
    {%- elif partitions | length == 0 -%}
        false
    {%- else -%}
        {{ dt_column }} in (
            {%- for day in partitions | map(attribute=1) | unique -%}
                date '{{ day }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        )
        and ({{ key_column }}, {{ dt_column }}) in (
            {%- for key, day in partitions -%}
                ('{{ key | replace("'", "''") }}', date '{{ day }}'){{ ", " if not loop.last }}
            {%- endfor -%}
        )
    {%- endif -%}
{% endmacro %}

{#- Custom incremental strategy: drop the target's rows of the changed partitions (or all of
    them when no partition list was passed), then insert what was read from those partitions.
    A partition whose files are gone thus loses its rows, which delete+insert on a unique key
    would keep. -#}
{% macro get_incremental_replace_partitions_sql(arg_dict) %}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set temp = arg_dict["temp_relation"] -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    {%- set partitions = lake_partitions() -%}
    {%- if partitions is none %}
    delete from {{ target }};
    {%- elif partitions | length > 0 %}
    delete from {{ target }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }};
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{% endmacro %}
