-- Attachment content stays in the lake: the warehouse carries only metadata.
with

source as (

    select * from {{ source('compliance_api', 'project_attachments') }}

),

renamed as (

    select
        attachment_id,
        attachment_type,
        project_id,
        key_id,
        user_id,
        filename,
        mime_type,
        size_bytes,
        md5,
        created_at,
        skipped_reason,
        synced_at

    from source

)

select * from renamed
