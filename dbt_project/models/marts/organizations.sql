with

organizations as (

    select * from {{ ref('int_organizations_latest') }}

),

users as (

    select
        organization_uuid,
        count(*) as user_count
    from {{ ref('int_users_latest') }}
    group by organization_uuid

),

final as (

    select
        organizations.organization_uuid,
        organizations.key_id,
        organizations.organization_name,
        organizations.created_at,
        coalesce(users.user_count, 0) as user_count,
        organizations.synced_at

    from organizations
    left join users on organizations.organization_uuid = users.organization_uuid

)

select * from final
