"""Ground truth: where every planted sensitive value and every decoy sits in the scanned inputs.

Offsets are Python character offsets into the scanned input text of the source, defined as:

- ``chat_message``: the message's ``type == "text"`` content blocks joined by ``"\\n"``;
- ``chat_file``: the file's content decoded as UTF-8; for a document (DOCX, PDF, …) the text
  it was built from (``StoredFile.text``): an extractor lays the same words out its own way,
  so a check locates the value in the extracted text;
- ``project_description`` / ``project_instruction``: the project's ``description`` /
  ``instructions``;
- ``project_file``: the project document's ``content`` or the project file's decoded content;
- ``session_message``: for a user-role local (``clsm_``) or remote (``csev_``) session message,
  its ``text`` blocks' text and the ``text`` items of its ``tool_result`` blocks, in server
  order, joined by ``"\\n"``; whole, as ``tool_result_max_bytes=-1`` serves it;
- ``chat_name`` / ``project_name``: the chat's or project's ``name``.

Decoys in what is not an input (assistant turns, ``tool_use`` inputs, synthetic markers) are
located by ``located_text``: for a session message every string of it in order (``tool_use``
inputs included) joined by ``"\\n"``; for a chat message its text blocks.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import SimData

SOURCES = (
    "chat_message",
    "chat_file",
    "project_description",
    "project_instruction",
    "project_file",
    "session_message",
    "chat_name",
    "project_name",
)


@dataclass(frozen=True, slots=True)
class Planted:
    """One planted sensitive value in one user input."""

    category: str
    value: str
    source: str
    source_id: str
    chat_id: str | None
    project_id: str | None
    user_id: str
    organization_uuid: str
    occurred_at: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Decoy:
    """A look-alike that must not be reported (or a real-looking value in an assistant turn)."""

    value: str
    reason: str
    source: str
    source_id: str
    start: int
    end: int
    is_user_input: bool = True
    """False for assistant turns, which are never scanned."""


def write_jsonl(records: Iterable[Planted | Decoy], path: Path) -> None:
    """Write records as JSON Lines (one object per line, keys in field order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(dataclasses.asdict(record), ensure_ascii=False) + "\n")


def scanned_input(data: SimData, source: str, source_id: str) -> str:
    """The input text a scanner sees for ``source`` / ``source_id`` (see module docstring)."""
    if source == "chat_message":
        return data.messages[source_id].scanned_text
    if source in ("chat_file", "project_file") and source_id in data.files:
        stored = data.files[source_id]
        return stored.text if stored.text is not None else stored.content.decode("utf-8")
    if source in ("project_description", "project_instruction"):
        project = data.projects_by_id[source_id]
        return project.description if source == "project_description" else project.instructions
    if source == "project_file":
        return data.documents[source_id].content
    if source == "session_message":
        return data.session_messages[source_id].scanned_text
    if source == "chat_name":
        return data.chats_by_id[source_id].name
    if source == "project_name":
        return data.projects_by_id[source_id].name
    raise ValueError(f"unknown source {source!r}")


def located_text(data: SimData, source: str, source_id: str) -> str:
    """The text a decoy's offsets point into, inputs and non-inputs alike (module docstring)."""
    if source == "session_message":
        return data.session_messages[source_id].located_text
    if source == "chat_message":
        return data.messages[source_id].scanned_text
    return scanned_input(data, source, source_id)
