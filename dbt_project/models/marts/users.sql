with

users as (

    select * from {{ ref('int_users_latest') }}

),

final as (

    select
        user_id,
        organization_uuid,
        key_id,
        user_email,
        full_name,
        organization_role,
        joined_at,
        synced_at

    from users

)

select * from final
