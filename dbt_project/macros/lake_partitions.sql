{#- Incremental builds by lake partition (key × day).

    The builder (plugins/claude_compliance/warehouse/partitions.py) compares the lake with
    what the last build read and writes the partitions whose files changed (written,
    rewritten, rescanned, quarantined or removed) to `$CLAUDE_COMPLIANCE_HOME/dbt/
    lake_partitions.tsv` (a `key<TAB>dt` header, then one line each), removed again after the build. A file, not a
    `--vars`: dbt re-parses the whole project when vars change (20-30 s on a loaded
    machine), so the list is read when the models run, not when they are parsed.
    Staging models copy only those partitions out of the lake and replace them in their
    table (strategy `replace_partitions`); everything downstream is derived from those
    tables, so a run reads the intervals it wrote, not the whole history. Downstream, the
    "latest row per id" models replace the ids with a row in a changed partition
    (`replace_latest`), and the per-input, per-chat, per-session… models recompute only the
    keys those rewrote or dropped (`replace_keys`, keys from macros/changed_keys.sql). Without the file
    (a hand-run `dbt build`), or on the first build and `--full-refresh`, every partition
    is read and replaced. -#}

{% macro lake_partitions() %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set path = env_var("CLAUDE_COMPLIANCE_HOME", "./var") ~ "/dbt/lake_partitions.tsv" -%}
    {%- set listed = run_query(
        "select count(*) from glob('" ~ path | replace("'", "''") ~ "')"
    ).columns[0].values()[0] -%}
    {%- if listed == 0 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query(
        "select key, dt from read_csv('" ~ path | replace("'", "''") ~ "', delim = '\t', "
        ~ "header = true, auto_detect = false, columns = {'key': 'varchar', 'dt': 'varchar'})"
    ).rows -%}
    {{ return(rows | map('list') | list) }}
{% endmacro %}

{#- The rows of a lake source to read: the changed partitions only, when building
    incrementally. `dt in (…)` lets DuckDB skip the other days' files (hive pruning). -#}
{% macro lake_partitions_filter(key_column='key', dt_column='dt') %}
    {%- if not is_incremental() -%}
        true
    {%- else -%}
        {{ changed_partitions_filter(key_column, dt_column) }}
    {%- endif -%}
{% endmacro %}

{#- The same filter wherever it is used (a data test has no incremental state): the changed
    partitions when the builder handed a list, else every partition. -#}
{% macro changed_partitions_filter(key_column='key', dt_column='dt') %}
    {%- set partitions = lake_partitions() -%}
    {%- if partitions is none -%}
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
    would keep. With `record_removed=true`, the dropped rows are kept in `<target>__removed`. -#}
{% macro get_incremental_replace_partitions_sql(arg_dict) %}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set temp = arg_dict["temp_relation"] -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    {%- set partitions = lake_partitions() -%}
    {%- set condition = "true" if partitions is none
        else lake_partitions_filter('lake_key', 'lake_dt') -%}
    {%- if config.get("record_removed", false) %}
        {{ remove_rows(target, condition) }}
    {%- elif partitions is none %}
    delete from {{ target }};
    {%- elif partitions | length > 0 %}
    delete from {{ target }}
    where {{ condition }};
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{% endmacro %}

{#- The ids whose latest row may have changed in this build: those with a row in a changed
    partition of `source` (new or rewritten), and those whose current latest row in this
    model came from a changed partition (it may be gone). Used by "latest row per id"
    models built with the `replace_latest` strategy. -#}
{% macro changed_ids(id_column, source) %}
    select {{ id_column }} from {{ source }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
    union
    select {{ id_column }} from {{ this }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
{% endmacro %}

{#- Custom incremental strategy for "latest row per id" models whose rows carry the lake
    partition they came from (`lake_key`, `lake_dt`): the model recomputes the latest row of
    every changed id (`changed_ids`) from all partitions; the target drops those ids and
    any row from a changed partition (an id whose rows are all gone has no new row), then
    takes the new rows. Without a partition list, everything is replaced. The rows dropped
    are kept in `<target>__removed` (remove_rows). -#}
{% macro get_incremental_replace_latest_sql(arg_dict) %}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set temp = arg_dict["temp_relation"] -%}
    {%- set id_column = arg_dict["unique_key"] -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    {%- set partitions = lake_partitions() -%}
    {%- if partitions is none %}
    {{ remove_rows(target, "true") }}
    {%- else %}
        {%- set condition = id_column ~ " in (select " ~ id_column ~ " from " ~ temp ~ ") or ("
            ~ lake_partitions_filter('lake_key', 'lake_dt') ~ ")" %}
        {{ remove_rows(target, condition) }}
    {%- endif %}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{% endmacro %}

{#- Custom incremental strategy for models keyed by something other than the lake partition
    (a per-input or per-user result, an aggregate): the model names, in its `changed_keys`
    config, a macro returning the SQL of the keys this build must recompute, and selects the
    rows of those keys only. The target drops every row of those keys (a key whose rows are
    all gone has none to insert), then takes the new rows. The macro is evaluated here
    before the delete, so it may read the target's current rows. Without a partition list,
    everything is replaced. The rows dropped are kept in `<target>__removed` (remove_rows). -#}
{% macro get_incremental_replace_keys_sql(arg_dict) %}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set temp = arg_dict["temp_relation"] -%}
    {%- set key = arg_dict["unique_key"] -%}
    {%- set key_sql = key if key is string else "(" ~ key | join(", ") ~ ")" -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    {%- set changed_keys = context[config.require("changed_keys")] -%}
    {%- set condition = "true" if lake_partitions() is none
        else key_sql ~ " in (" ~ changed_keys() ~ ")" %}
    {{ remove_rows(target, condition) }}
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ temp }}
{% endmacro %}

{#- How an incremental strategy drops rows: it deletes the target's rows matching `condition`
    and keeps them (some come back rewritten, marked with the invocation id) in the table
    `<target>__removed`, rewritten by every incremental build of the model. Downstream models keyed by another
    column (a session's messages, an input's findings, a chat's masked name) read it to find
    what lost a row in this build; the lost rows are otherwise gone. Written before
    downstream models run, so a whole `dbt build` never reads an older build's list. The rows
    are found by `rowid` first: the condition then reads only its own columns, where a
    `select *` under it would read every column of every row (3-4x slower at a year), and the
    delete reuses them instead of evaluating the condition again. Row ids are stable inside
    the materialization's transaction. -#}
{% macro remove_rows(target, condition) %}
    create or replace temporary table {{ target.identifier }}__removed_rowids as
    select rowid as removed_rowid from {{ target }} where {{ condition }};
    create or replace table {{ removed_relation(target) }} as
    select * from {{ target }}
    where rowid in (select removed_rowid from {{ target.identifier }}__removed_rowids);
    delete from {{ target }}
    where rowid in (select removed_rowid from {{ target.identifier }}__removed_rowids);
    drop table {{ target.identifier }}__removed_rowids;
{% endmacro %}

{#- The `__removed` table of a model built with replace_latest or replace_keys. -#}
{% macro removed_relation(relation) %}
    {{- return(relation.incorporate(path={"identifier": relation.identifier ~ "__removed"})) -}}
{% endmacro %}
