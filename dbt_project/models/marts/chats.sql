with

chats as (

    select * from {{ ref('int_chats_latest') }}

),

final as (

    select
        chat_id,
        key_id,
        organization_uuid,
        user_id,
        user_email,
        project_id,
        chat_name,
        model,
        href,
        created_at,
        updated_at,
        deleted_at,
        is_deleted,
        synced_at

    from chats

)

select * from final
