{#- The keys each `replace_keys` model recomputes in an incremental build (see
    get_incremental_replace_keys_sql in lake_partitions.sql). Each unions what is new or
    rewritten (rows read from a changed lake partition, or rows an upstream incremental model
    rewrote in this build, marked with its invocation id) with what may be gone (the rows an
    upstream model dropped in this build, `__removed`, or this model's own rows that came
    from a changed partition). Each stays a small set when a build reads one interval. -#}

{#- Per-input results of the latest scan (findings, masked names) from `staged`: the inputs
    whose latest scan this build recomputed, or with rows read from, or kept from, a changed
    partition. -#}
{% macro scan_changed_inputs(staged) %}
    select input_id from {{ ref('int_scanned_inputs_latest') }}
    where dbt_invocation_id = '{{ invocation_id }}'
    union
    select input_id from {{ removed_relation(ref('int_scanned_inputs_latest')) }}
    union
    select input_id from {{ staged }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
    union
    select input_id from {{ this }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
{% endmacro %}

{% macro findings_changed_inputs() %}
    {{- scan_changed_inputs(ref('stg_dlp__findings')) -}}
{% endmacro %}

{% macro masked_names_changed_inputs() %}
    {{- scan_changed_inputs(ref('stg_dlp__masked_names')) -}}
{% endmacro %}

{#- A mart copied from a "latest row per id" model (`upstream`, replace_latest): the ids it
    rewrote or dropped in this build. -#}
{% macro rewritten_ids(id_column, upstream) %}
    select {{ id_column }} from {{ upstream }}
    where dbt_invocation_id = '{{ invocation_id }}'
    union
    select {{ id_column }} from {{ removed_relation(upstream) }}
{% endmacro %}

{#- scanned_inputs: the inputs whose latest scan was rewritten or dropped. -#}
{% macro scanned_inputs_changed() %}
    {{- rewritten_ids('input_id', ref('int_scanned_inputs_latest')) -}}
{% endmacro %}

{#- chats: rewritten chats, and chats whose masked name was rewritten or dropped. -#}
{% macro chats_changed() %}
    select source_id from {{ ref('int_masked_names_latest') }}
    where dbt_invocation_id = '{{ invocation_id }}' and source = 'chat_name'
    union
    select source_id from {{ removed_relation(ref('int_masked_names_latest')) }}
    where source = 'chat_name'
    union
    {{ rewritten_ids('chat_id', ref('int_chats_latest')) }}
{% endmacro %}

{#- activities: rewritten activities, and those whose request id was recorded (or dropped)
    as one of our own requests in this build. -#}
{% macro activities_changed() %}
    select activity_id from {{ ref('int_activities_deduped') }}
    where request_id in (
        select request_id from {{ ref('stg_compliance_api__own_requests') }}
        where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
    )
    union
    select activity_id from {{ this }}
    where is_own_request and request_id not in (
        select request_id from {{ ref('stg_compliance_api__own_requests') }}
        where request_id is not null
    )
    union
    {{ rewritten_ids('activity_id', ref('int_activities_deduped')) }}
{% endmacro %}

{#- sessions: rewritten sessions, and the sessions of messages rewritten or dropped. -#}
{% macro sessions_changed() %}
    {{- rewritten_ids('session_id', ref('int_sessions_latest')) }}
    union
    select session_id from {{ ref('int_session_messages_latest') }}
    where dbt_invocation_id = '{{ invocation_id }}'
    union
    select session_id from {{ removed_relation(ref('int_session_messages_latest')) }}
{% endmacro %}

{#- findings: the findings rewritten or dropped upstream, and those whose organization name
    or user email (from the directory) is no longer the one they carry. -#}
{% macro findings_changed() %}
    select published.finding_id from {{ this }} as published
    left join {{ ref('int_organizations_latest') }} as organizations
        on published.organization_uuid = organizations.organization_uuid
    left join {{ ref('int_users_latest') }} as users
        on
            published.organization_uuid = users.organization_uuid
            and published.user_id = users.user_id
    where
        published.organization_name is distinct from organizations.organization_name
        or published.user_email is distinct from users.user_email
    union
    {{ rewritten_ids('finding_id', ref('int_findings_latest')) }}
{% endmacro %}

{#- sync_reconciliation: the (key, activity) pairs with a row read from a changed partition
    or dropped from one (the staging model keeps those, record_removed). -#}
{% macro sync_reconciliation_changed() %}
    select key_id, activity_id from {{ ref('stg_compliance_api__reconciliation') }}
    where {{ lake_partitions_filter('lake_key', 'lake_dt') }}
    union
    select key_id, activity_id
    from {{ removed_relation(ref('stg_compliance_api__reconciliation')) }}
{% endmacro %}

{#- findings_changes: the two latest ruleset versions, ranked by their first scan (one row:
    to_ruleset_version, from_ruleset_version; either null when there are fewer). -#}
{% macro findings_changes_compared() %}
    with versions as (
        select
            ruleset_version,
            row_number() over (order by min(scanned_at) desc, ruleset_version) as recency
        from {{ ref('stg_dlp__scanned_inputs') }}
        group by ruleset_version
    )
    select
        max(ruleset_version) filter (where recency = 1) as to_ruleset_version,
        max(ruleset_version) filter (where recency = 2) as from_ruleset_version
    from versions
{% endmacro %}

{% macro findings_changes_versions_relation() %}
    {%- set intermediate = ref('int_scanned_inputs_latest') -%}
    {{- return(this.incorporate(path={"schema": intermediate.schema,
                                      "identifier": this.identifier ~ "__versions"})) -}}
{% endmacro %}

{#- findings_changes: every input when the versions compared changed since the last build,
    else the inputs with a scan read from, or dropped from, a changed partition (the staging
    model keeps those, record_removed). An input is its (key, source, source_id). Whether the
    versions changed is asked once, when the model runs: as a condition inside the query it
    kept DuckDB from skipping the unchanged days' rows (a scan of every input at a year). -#}
{% macro findings_changes_changed() %}
    {%- set scans = ref('stg_dlp__scanned_inputs') -%}
    select key_id, source, source_id from {{ scans }}
    where
        {{ "true" if findings_changes_versions_changed()
            else lake_partitions_filter('lake_key', 'lake_dt') }}
    union
    select key_id, source, source_id from {{ removed_relation(scans) }}
{% endmacro %}

{#- Whether the two versions findings_changes compares differ from those of its last build
    (recorded by its post-hook); true before there is a record. -#}
{% macro findings_changes_versions_changed() %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set recorded = findings_changes_versions_relation() -%}
    {%- if adapter.get_relation(recorded.database, recorded.schema, recorded.identifier) is none -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set same = run_query(
        "select count(*) from (" ~ findings_changes_compared() ~ ") as now "
        ~ "inner join " ~ recorded ~ " as before "
        ~ "on now.to_ruleset_version is not distinct from before.to_ruleset_version "
        ~ "and now.from_ruleset_version is not distinct from before.from_ruleset_version"
    ).columns[0].values()[0] -%}
    {{ return(same == 0) }}
{% endmacro %}
