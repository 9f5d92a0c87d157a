{#- Generated from claude_compliance.scan.sources: do not edit; regenerate with
    python -m claude_compliance.vocabulary <dbt project dir> -#}
{% macro dlp_sources() %}
{{ return([
  {
    "name": "chat_message",
    "table": "chat_messages",
    "id_column": "message_id",
    "text_column": "text",
    "is_title": false,
    "description": "The text of a user turn in a chat (its text blocks joined by a newline)."
  },
  {
    "name": "chat_file",
    "table": "chat_files",
    "id_column": "file_id",
    "text_column": "content_text",
    "is_title": false,
    "description": "A file attached to a chat message: text, or the text extracted from a document."
  },
  {
    "name": "project_description",
    "table": "projects",
    "id_column": "project_id",
    "text_column": "description",
    "is_title": false,
    "description": "A project's description."
  },
  {
    "name": "project_instruction",
    "table": "projects",
    "id_column": "project_id",
    "text_column": "instructions",
    "is_title": false,
    "description": "A project's instructions (its system prompt)."
  },
  {
    "name": "project_file",
    "table": "project_attachments",
    "id_column": "attachment_id",
    "text_column": "content_text",
    "is_title": false,
    "description": "A project document or a file attached to a project (text, or extracted text)."
  },
  {
    "name": "session_message",
    "table": "session_messages",
    "id_column": "message_id",
    "text_column": "text",
    "is_title": false,
    "description": "A user-role message of a Claude Code or Cowork session, local or remote: its text blocks and the text of its tool results, joined by a newline."
  },
  {
    "name": "chat_name",
    "table": "chats",
    "id_column": "chat_id",
    "text_column": "name",
    "is_title": true,
    "description": "A chat's name (often derived from its first user message)."
  },
  {
    "name": "project_name",
    "table": "projects",
    "id_column": "project_id",
    "text_column": "name",
    "is_title": true,
    "description": "A project's name."
  }
]) }}
{% endmacro %}
