{#- The rows a grain test (unique, not_null, primary_key) checks in an incremental build.

    A full build (no partition list handed to dbt, `--full-refresh`, a hand-run `dbt build`)
    tests every row. An incremental build wrote only some rows, and each incremental
    strategy first deletes every row of the keys or partitions it writes, so a duplicate or a
    missing key can only involve a row this build wrote: a test over those rows, and over the
    older rows sharing their keys, proves the grain of the whole table at the cost of the
    build's rows instead of the whole history (a `unique` over 2.4M session messages took
    2 s a build at a year of history). The tested model says which rows its build wrote in
    `meta.build_rows`:
      - `lake_partitions`: the rows of the changed lake partitions (staging, by lake_key and
        lake_dt);
      - `this_invocation`: the rows stamped with this build's `dbt_invocation_id`
        (intermediate "latest row" and per-key models);
      - `keys_of:<model>`: the rows whose key this build rewrote in `<model>` (a mart that
        copies that model's rows one to one; a null key matches no upstream key, so its
        not_null tests check every row, which costs one column).
    Other tests (relationships, accepted values, singular tests) keep the `where` config
    alone. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append(config.get('where')) -%}
    {%- endif -%}
    {%- set build_rows = grain_test_build_rows(relation) -%}
    {%- if build_rows -%}
        {%- do conditions.append(build_rows) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set where = conditions | join(" and ") -%}
        {{ return("(select * from " ~ relation ~ " where " ~ where ~ ") dbt_subquery") }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro grain_test_build_rows(relation) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test = model.get('test_metadata') or {} -%}
    {%- set tested = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if test.get('name') not in ('unique', 'not_null', 'primary_key')
        or tested is none or lake_partitions() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kind = (tested.config.get('meta') or {}).get('build_rows') -%}
    {%- if not kind or (kind.startswith('keys_of:') and test.get('name') == 'not_null') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set kwargs = test.get('kwargs') or {} -%}
    {%- set key = kwargs.get('column_name') or (kwargs.get('columns') or []) | join(', ') -%}
    {%- if kind == 'lake_partitions' -%}
        {%- set written = changed_partitions_filter('lake_key', 'lake_dt') -%}
    {%- elif kind == 'this_invocation' -%}
        {%- set written = "dbt_invocation_id = '" ~ invocation_id ~ "'" -%}
    {%- elif graph.nodes.get('model.' ~ project_name ~ '.' ~ kind[8:]) and kind[:8] == 'keys_of:' -%}
        {%- set upstream = graph.nodes['model.' ~ project_name ~ '.' ~ kind[8:]] -%}
        {%- set upstream_relation = api.Relation.create(
            database=upstream.database, schema=upstream.schema, identifier=upstream.alias) -%}
        {%- set written = "(" ~ key ~ ") in (select " ~ key ~ " from " ~ upstream_relation
            ~ " where dbt_invocation_id = '" ~ invocation_id ~ "')" -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "meta.build_rows of " ~ tested.name ~ ": expected lake_partitions, this_invocation "
            ~ "or keys_of:<a model of this project>, got " ~ kind) }}
    {%- endif -%}
    {%- if test.get('name') == 'not_null' -%}
        {{ return(written) }}
    {%- endif -%}
    {#- a row this build wrote, or an older row with the key of one -#}
    {{ return("(" ~ written ~ " or (" ~ key ~ ") in (select " ~ key ~ " from " ~ relation
        ~ " where " ~ written ~ "))") }}
{%- endmacro %}
