-- Removal requests live in the state DB, not the lake: publish fills this mart whole from the
-- state table (warehouse/state_export.py, REMEDIATIONS), as it fills the findings' triage
-- columns, so the published file shows the requests as of that publish. dbt declares the
-- contract (names, types, NOT NULL) and selects no row; build.duckdb holds it empty.
with

final as (

    select
        cast(null as varchar) as request_id,
        cast(null as varchar) as status,
        cast(null as varchar) as key_id,
        cast(null as varchar) as object_kind,
        cast(null as varchar) as object_id,
        cast(null as varchar) as chat_id,
        cast(null as varchar) as project_id,
        cast(null as varchar) as owner_user_id,
        cast(null as bigint) as message_count,
        cast(null as bigint) as file_count,
        cast(null as varchar) as requested_by,
        cast(null as timestamp with time zone) as requested_at,
        cast(null as varchar) as approver,
        cast(null as varchar) as decided_by,
        cast(null as timestamp with time zone) as decided_at,
        cast(null as timestamp with time zone) as executed_at,
        cast(null as varchar) as executed_key_id,
        cast(null as bigint) as api_status,
        cast(null as varchar) as api_request_id,
        cast(null as varchar) as outcome,
        cast(null as varchar) as failure_reason,
        cast(null as timestamp with time zone) as confirmed_at,
        cast(null as bigint) as finding_count,
        cast(null as varchar[]) as finding_ids,
        cast(null as double) as hours_to_decision,
        cast(null as double) as hours_to_confirmation

)

select * from final
where false
