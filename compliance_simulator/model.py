"""Records of the synthetic organization and the in-memory store that indexes them."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Organization:
    uuid: str
    org_id: str
    name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    full_name: str
    organization_role: str
    created_at: dt.datetime
    organization_uuid: str


@dataclass(frozen=True, slots=True)
class TextBlock:
    text: str


@dataclass(frozen=True, slots=True)
class ToolUseBlock:
    id: str
    name: str
    input: str
    """JSON-encoded string, as the API returns it."""


@dataclass(frozen=True, slots=True)
class ToolResultBlock:
    tool_use_id: str
    name: str
    text: str
    is_error: bool = False


Block = TextBlock | ToolUseBlock | ToolResultBlock


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    chat_id: str
    role: str
    created_at: dt.datetime
    content: tuple[Block, ...]
    file_ids: tuple[str, ...] = ()

    @property
    def scanned_text(self) -> str:
        """The text blocks joined by a newline: the ``chat_message`` input definition."""
        return "\n".join(b.text for b in self.content if isinstance(b, TextBlock))


@dataclass(frozen=True, slots=True)
class Chat:
    id: str
    uuid: str
    name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    model: str
    organization_uuid: str
    project_id: str | None
    user_id: str
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A chat upload or a project file; ``content`` is what the download serves."""

    id: str
    uuid: str
    filename: str
    mime_type: str
    created_at: dt.datetime
    content: bytes
    user_id: str
    organization_uuid: str
    chat_id: str | None = None
    message_id: str | None = None
    project_id: str | None = None
    text: str | None = None
    """For a document, the text it was built from (where its ground truth points)."""

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content, usedforsecurity=False).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.content)


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None
    is_private: bool
    organization_uuid: str
    user_id: str
    description: str
    instructions: str


@dataclass(frozen=True, slots=True)
class Document:
    """A project document (``project_doc``): text knowledge."""

    id: str
    project_id: str
    filename: str
    created_at: dt.datetime
    content: str
    user_id: str

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content.encode(), usedforsecurity=False).hexdigest()

    @property
    def size_bytes(self) -> int:
        return len(self.content.encode())


@dataclass(frozen=True, slots=True)
class Activity:
    id: str
    created_at: dt.datetime
    type: str
    organization_uuid: str | None
    organization_id: str | None
    actor: Mapping[str, object]
    fields: Mapping[str, object]
    """Type-specific fields, flattened next to ``type`` in the wire record."""

    @property
    def sort_key(self) -> tuple[dt.datetime, str]:
        return (self.created_at, self.id)


# --- Claude Code / Cowork sessions (spec §5.8, §5.9) --------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionText:
    """A ``text`` block; ``truncated`` marks a non-text block shown as a placeholder text."""

    text: str
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class SessionToolUse:
    id: str | None
    name: str
    input: str
    """JSON-encoded string, as the API returns it."""


@dataclass(frozen=True, slots=True)
class SessionToolResult:
    tool_use_id: str | None
    name: str
    texts: tuple[str, ...]
    """The ``text`` items of the result's ``content`` list, in order."""
    is_error: bool = False


SessionBlock = SessionText | SessionToolUse | SessionToolResult


@dataclass(frozen=True, slots=True)
class Provenance:
    """A local message's ``provenance`` object (None on the message means verified)."""

    type: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SessionMessage:
    """A local (``clsm_``) or remote (``csev_``) session message."""

    id: str
    session_id: str
    role: str
    created_at: dt.datetime
    content: tuple[SessionBlock, ...]
    model: str | None = None
    provenance: Provenance | None = None
    """Local messages only."""
    content_unavailable: bool = False
    """Remote messages only."""
    sent_by_user_id: str | None = None
    """Remote messages only."""

    @property
    def scanned_text(self) -> str:
        """The ``session_message`` input: text blocks and tool-result text items, by ``\\n``."""
        pieces: list[str] = []
        for block in self.content:
            if isinstance(block, SessionText):
                pieces.append(block.text)
            elif isinstance(block, SessionToolResult):
                pieces.extend(block.texts)
        return "\n".join(pieces)

    @property
    def located_text(self) -> str:
        """Every string of the message (tool-use inputs included) in order, by ``\\n``.

        Where decoys in non-input messages are located; equals ``scanned_text`` for a
        message without ``tool_use`` blocks.
        """
        pieces: list[str] = []
        for block in self.content:
            if isinstance(block, SessionText):
                pieces.append(block.text)
            elif isinstance(block, SessionToolUse):
                pieces.append(block.input)
            else:
                pieces.extend(block.texts)
        return "\n".join(pieces)


@dataclass(frozen=True, slots=True)
class LocalSession:
    id: str
    organization_uuid: str
    workspace_id: str | None
    user_id: str
    product_surface: str | None
    created_at: dt.datetime
    """The earliest retained inference call."""
    updated_at: dt.datetime
    """The latest retained inference call."""
    truncated: bool
    message_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RemoteSession:
    id: str
    organization_uuid: str
    user_id: str | None
    agent_id: str | None
    started_by_user_id: str | None
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    product_surface: str | None
    claude_project_id: str | None
    message_ids: tuple[str, ...]


@dataclass(slots=True)
class SimData:
    """The generated organization with lookup indices. Records are immutable; lists are sorted."""

    parent_uuid: str
    orgs: list[Organization]
    users: list[User]
    chats: list[Chat]
    messages: dict[str, Message]
    files: dict[str, StoredFile]
    projects: list[Project]
    documents: dict[str, Document]
    activities: list[Activity]
    local_sessions: list[LocalSession] = field(default_factory=list)
    remote_sessions: list[RemoteSession] = field(default_factory=list)
    session_messages: dict[str, SessionMessage] = field(default_factory=dict)
    document_file_ids: set[str] = field(default_factory=set)
    """The uploads added by `document_files` (documents of every format)."""
    users_by_id: dict[str, User] = field(init=False)
    chats_by_id: dict[str, Chat] = field(init=False)
    projects_by_id: dict[str, Project] = field(init=False)
    orgs_by_uuid: dict[str, Organization] = field(init=False)
    local_sessions_by_id: dict[str, LocalSession] = field(init=False)
    remote_sessions_by_id: dict[str, RemoteSession] = field(init=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Sort the lists and rebuild the lookups (after generation or a deletion)."""
        self.orgs.sort(key=lambda o: (o.created_at, o.uuid))
        self.users.sort(key=lambda u: (u.created_at, u.id))
        self.chats.sort(key=lambda c: (c.created_at, c.id))
        self.projects.sort(key=lambda p: (p.created_at, p.id))
        self.activities.sort(key=lambda a: a.sort_key)
        self.users_by_id = {u.id: u for u in self.users}
        self.chats_by_id = {c.id: c for c in self.chats}
        self.projects_by_id = {p.id: p for p in self.projects}
        self.orgs_by_uuid = {o.uuid: o for o in self.orgs}
        self.local_sessions.sort(key=lambda s: (s.created_at, s.id))
        self.remote_sessions.sort(key=lambda s: (s.created_at, s.id))
        self.local_sessions_by_id = {s.id: s for s in self.local_sessions}
        self.remote_sessions_by_id = {s.id: s for s in self.remote_sessions}

    def chat_messages(self, chat: Chat) -> list[Message]:
        return [self.messages[m] for m in chat.message_ids]

    def project_documents(self, project_id: str) -> list[Document]:
        return [d for d in self.documents.values() if d.project_id == project_id]

    def session_message_list(self, session: LocalSession | RemoteSession) -> list[SessionMessage]:
        """A session's messages in server order."""
        return [self.session_messages[m] for m in session.message_ids]

    def project_files(self, project_id: str) -> list[StoredFile]:
        return [f for f in self.files.values() if f.project_id == project_id]

    def project_chats(self, project_id: str) -> list[Chat]:
        return [c for c in self.chats if c.project_id == project_id]
