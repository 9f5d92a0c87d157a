"""The scanned sources: the one registry of what is scanned, where its text lives in the raw
lake, and what the rest of the product calls it (ARCHITECTURE §1).

Every reader of "source → lake table → text column" takes it from here: the scan step's
input query (`scan.inputs`), the dashboard's raw-text lookups (`web.lake`), and dbt, through
the generated macro `dbt_project/macros/dlp_sources.sql` (written with the vocabulary's macros
by `python -m claude_compliance.vocabulary`; a test keeps the committed file equal to this
registry).

>>> [s.name for s in SOURCES if s.is_title]
['chat_name', 'project_name']
>>> source("chat_file").table, source("chat_file").text_column
('chat_files', 'content_text')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    table: str  # raw lake table (`lake/raw/<table>/…`)
    id_column: str  # the column of `table` that is the finding's `source_id`
    text_column: str  # the column of `table` holding the scanned text
    description: str
    is_title: bool = False  # a name shown in listings: published masked (`dlp/masked_names`)


SOURCES: tuple[Source, ...] = (
    Source(
        "chat_message",
        "chat_messages",
        "message_id",
        "text",
        "The text of a user turn in a chat (its text blocks joined by a newline).",
    ),
    Source(
        "chat_file",
        "chat_files",
        "file_id",
        "content_text",
        "A file attached to a chat message: text, or the text extracted from a document.",
    ),
    Source(
        "project_description",
        "projects",
        "project_id",
        "description",
        "A project's description.",
    ),
    Source(
        "project_instruction",
        "projects",
        "project_id",
        "instructions",
        "A project's instructions (its system prompt).",
    ),
    Source(
        "project_file",
        "project_attachments",
        "attachment_id",
        "content_text",
        "A project document or a file attached to a project (text, or extracted text).",
    ),
    Source(
        "session_message",
        "session_messages",
        "message_id",
        "text",
        "A user-role message of a Claude Code or Cowork session, local or remote: its text "
        "blocks and the text of its tool results, joined by a newline.",
    ),
    Source(
        "chat_name",
        "chats",
        "chat_id",
        "name",
        "A chat's name (often derived from its first user message).",
        is_title=True,
    ),
    Source(
        "project_name",
        "projects",
        "project_id",
        "name",
        "A project's name.",
        is_title=True,
    ),
)

SOURCE_NAMES: tuple[str, ...] = tuple(s.name for s in SOURCES)
_BY_NAME = {s.name: s for s in SOURCES}


def source(name: str) -> Source:
    """The source called `name`; KeyError names the known ones."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(SOURCE_NAMES)}") from None


DBT_MACRO = Path("macros") / "dlp_sources.sql"


def dbt_macro() -> str:
    """The dbt macro that hands this registry to SQL (`{{ dlp_sources() }}`)."""
    entries = [
        {
            "name": s.name,
            "table": s.table,
            "id_column": s.id_column,
            "text_column": s.text_column,
            "is_title": s.is_title,
            "description": s.description,
        }
        for s in SOURCES
    ]
    # JSON is valid Jinja literal syntax (lists, dicts, strings, true/false).
    body = json.dumps(entries, indent=2, ensure_ascii=False)
    return (
        "{#- Generated from claude_compliance.scan.sources: do not edit; regenerate with\n"
        "    python -m claude_compliance.vocabulary <dbt project dir> -#}\n"
        "{% macro dlp_sources() %}\n"
        f"{{{{ return({body}) }}}}\n"
        "{% endmacro %}\n"
    )
