with

remediations as (

    select * from {{ ref('stg_state__remediations') }}

),

final as (

    select
        request_id,
        status,
        key_id,
        object_kind,
        object_id,
        chat_id,
        project_id,
        owner_user_id,
        message_count,
        file_count,
        requested_by,
        requested_at,
        -- the approver, or whoever rejected: `status` says which
        case when status != 'rejected' then decided_by end as approver,
        decided_by,
        decided_at,
        executed_at,
        executed_key_id,
        api_status,
        api_request_id,
        outcome,
        failure_reason,
        confirmed_at,
        len(finding_ids) as finding_count,
        finding_ids,
        date_diff('second', requested_at, decided_at) / 3600.0 as hours_to_decision,
        date_diff('second', requested_at, confirmed_at) / 3600.0 as hours_to_confirmation

    from remediations

)

select * from final
