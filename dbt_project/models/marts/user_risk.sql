-- One row per user and organization: findings by severity, coverage and a risk score.
-- risk_score = 10 × CRITICAL + 5 × HIGH + 2 × MEDIUM + 1 × LOW findings: a simple, explainable
-- weighting that ranks one leaked key above several email addresses.
with

findings as (

    select * from {{ ref('findings') }}

),

inputs as (

    select * from {{ ref('scanned_inputs') }}

),

directory as (

    select
        organization_uuid,
        user_id,
        user_email
    from {{ ref('int_users_latest') }}

),

finding_counts as (

    select
        organization_uuid,
        user_id,
        count(*) filter (where severity = 'CRITICAL') as critical_count,
        count(*) filter (where severity = 'HIGH') as high_count,
        count(*) filter (where severity = 'MEDIUM') as medium_count,
        count(*) filter (where severity = 'LOW') as low_count,
        count(*) as finding_count,
        max(occurred_at) as last_finding_at

    from findings
    where user_id is not null
    group by organization_uuid, user_id

),

input_counts as (

    select
        organization_uuid,
        user_id,
        count(*) as inputs_scanned,
        count(*) filter (where finding_count > 0) as inputs_with_findings

    from inputs
    where user_id is not null
    group by organization_uuid, user_id

),

everyone as (

    select
        organization_uuid,
        user_id
    from directory
    union
    select
        organization_uuid,
        user_id
    from input_counts

),

final as (

    select
        everyone.user_id,
        everyone.organization_uuid,
        directory.user_email,
        coalesce(finding_counts.critical_count, 0) as critical_count,
        coalesce(finding_counts.high_count, 0) as high_count,
        coalesce(finding_counts.medium_count, 0) as medium_count,
        coalesce(finding_counts.low_count, 0) as low_count,
        coalesce(finding_counts.finding_count, 0) as finding_count,
        coalesce(input_counts.inputs_scanned, 0) as inputs_scanned,
        coalesce(input_counts.inputs_with_findings, 0) as inputs_with_findings,
        finding_counts.last_finding_at,
        cast(
            {{ severity_weight('CRITICAL') }} * coalesce(finding_counts.critical_count, 0)
            + {{ severity_weight('HIGH') }} * coalesce(finding_counts.high_count, 0)
            + {{ severity_weight('MEDIUM') }} * coalesce(finding_counts.medium_count, 0)
            + {{ severity_weight('LOW') }} * coalesce(finding_counts.low_count, 0)
            as double
        ) as risk_score

    from everyone
    left join directory
        on
            everyone.organization_uuid = directory.organization_uuid
            and everyone.user_id = directory.user_id
    left join finding_counts
        on
            everyone.organization_uuid = finding_counts.organization_uuid
            and everyone.user_id = finding_counts.user_id
    left join input_counts
        on
            everyone.organization_uuid = input_counts.organization_uuid
            and everyone.user_id = input_counts.user_id

)

select * from final
