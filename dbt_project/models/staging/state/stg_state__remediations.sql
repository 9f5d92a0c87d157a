with

source as (

    select * from {{ source('state', 'remediations') }}

),

renamed as (

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
        finding_ids,
        requested_by,
        requested_at,
        decided_by,
        decided_at,
        executed_at,
        executed_key_id,
        api_status,
        api_request_id,
        outcome,
        error as failure_reason,
        confirmed_at

    from source

)

select * from renamed
