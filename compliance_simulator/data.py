"""Deterministic generation of the synthetic organization, its planted values and decoys."""

from __future__ import annotations

import datetime as dt
import json
import random
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

from . import text
from .config import SimConfig
from .document_files import add_documents
from .ids import IdFactory
from .model import (
    Activity,
    Block,
    Chat,
    Document,
    Message,
    Organization,
    Project,
    SimData,
    StoredFile,
    TextBlock,
    ToolResultBlock,
    ToolUseBlock,
    User,
)
from .names import plant_in_names
from .sensitive import (
    ASSISTANT_DECOY_VALUES,
    DECOY_KINDS,
    PLANT_KINDS,
    Mark,
    Part,
    Secret,
    compose,
)
from .session_data import generate_sessions
from .truth import Decoy, Planted

UNKNOWN_ACTIVITY_TYPES = ("claude_chat_branch_merged", "workspace_insight_generated")
"""Types deliberately absent from the catalogue: clients must keep them."""
UNKNOWN_FIELD = "client_platform"
"""A field no catalogue entry has, set on a few records: clients must keep it."""

_USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
    "Claude/1.4.2 (darwin; arm64)",
)
_FIRST = (
    "Ada",
    "Ben",
    "Chiara",
    "Dev",
    "Elif",
    "Femi",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Mina",
    "Nils",
    "Olu",
    "Paula",
    "Quinn",
    "Rania",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
)
_LAST = (
    "Abara",
    "Brandt",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fujita",
    "Gomez",
    "Horvat",
    "Iyer",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreno",
    "Novak",
    "Oyelaran",
    "Park",
    "Quist",
    "Reyes",
)
_ORG_NAMES = (
    "Acme Analytics",
    "Acme Analytics Research",
    "Acme Analytics Legal",
    "Acme Labs",
    "Acme Field Ops",
)


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def png_bytes(rng: random.Random, width: int = 24, height: int = 16) -> bytes:
    """A valid RGB PNG of random pixels."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True, slots=True)
class Generated:
    data: SimData
    planted: list[Planted]
    decoys: list[Decoy]


class _Planter:
    """Decides what each input carries; the first planted inputs cover every kind."""

    def __init__(self, rng: random.Random, plant_rate: float, decoy_rate: float) -> None:
        self._rng = rng
        self.plant_rate = plant_rate
        self.decoy_rate = decoy_rate
        self.queue = list(PLANT_KINDS)
        self.decoy_queue = list(DECOY_KINDS)
        rng.shuffle(self.queue)
        rng.shuffle(self.decoy_queue)

    def plants(self, force: bool = False, prefer: tuple[str, ...] = ()) -> list[str]:
        """Kinds to plant in the next input; ``force`` guarantees coverage unless rate is 0."""
        if self.plant_rate <= 0 or not (force or self._rng.random() < self.plant_rate):
            return []
        if prefer:
            kind = next((k for k in self.queue if k in prefer), self._rng.choice(prefer))
            if kind in self.queue:
                self.queue.remove(kind)
            return [kind]
        if self.queue:
            taken, self.queue = self.queue[:4], self.queue[4:]
            return taken
        return self._rng.sample(list(PLANT_KINDS), self._rng.choice((1, 1, 1, 2)))

    def decoys(self) -> list[str]:
        if self._rng.random() >= self.decoy_rate:
            return []
        if self.decoy_queue:
            taken, self.decoy_queue = self.decoy_queue[:2], self.decoy_queue[2:]
            return taken
        return [self._rng.choice(list(DECOY_KINDS))]

    def parts(self, kinds: list[str], decoys: list[str]) -> list[Part]:
        out: list[Part] = []
        for kind in kinds:
            out += ["\n\n", *PLANT_KINDS[kind](self._rng)]
        for kind in decoys:
            out += ["\n\n", *DECOY_KINDS[kind](self._rng)]
        return out


@dataclass(frozen=True, slots=True)
class _Input:
    """Where a composed input lives, to turn its marks into truth records."""

    source: str
    source_id: str
    chat_id: str | None
    project_id: str | None
    user: User
    occurred_at: dt.datetime


class _Generator:
    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.rng = random.Random(f"data:{config.seed}")  # noqa: S311 - reproducible synthetic data
        self.ids = IdFactory(config.seed)
        self.planter = _Planter(self.rng, config.plant_rate, config.decoy_rate)
        self.start = config.window_start
        self.planted: list[Planted] = []
        self.decoys: list[Decoy] = []
        self.activities: list[Activity] = []
        self.messages: dict[str, Message] = {}
        self.files: dict[str, StoredFile] = {}
        self.documents: dict[str, Document] = {}
        self.extra_field_budget = 4
        self.unknown_emitted = 0

    # --- helpers ------------------------------------------------------------------------------

    def record(self, where: _Input, marks: list[Mark], offset: int = 0) -> None:
        for mark in marks:
            if isinstance(mark.part, Secret):
                self.planted.append(
                    Planted(
                        category=mark.part.category,
                        value=mark.part.value,
                        source=where.source,
                        source_id=where.source_id,
                        chat_id=where.chat_id,
                        project_id=where.project_id,
                        user_id=where.user.id,
                        organization_uuid=where.user.organization_uuid,
                        occurred_at=_ts(where.occurred_at),
                        start=mark.start + offset,
                        end=mark.end + offset,
                    )
                )
            else:
                self.decoys.append(
                    Decoy(
                        value=mark.part.value,
                        reason=mark.part.reason,
                        source=where.source,
                        source_id=where.source_id,
                        start=mark.start + offset,
                        end=mark.end + offset,
                    )
                )

    def activity(
        self,
        at: dt.datetime,
        kind: str,
        user: User | None,
        fields: Mapping[str, object],
        org_less: bool = False,
    ) -> None:
        actor: dict[str, object]
        if user is None:
            actor = {"type": "system_actor", "service": "claude_ai"}
            org_uuid: str | None = None
        else:
            actor = {
                "type": "user_actor",
                "email_address": user.email,
                "user_id": user.id,
                "ip_address": f"198.51.100.{1 + int(user.id[-3:], 36) % 250}",
                "user_agent": self.rng.choice(_USER_AGENTS),
            }
            org_uuid = user.organization_uuid
        if org_less:
            org_uuid = None
        extra = dict(fields)
        if self.extra_field_budget and self.rng.random() < 0.05:
            self.extra_field_budget -= 1
            extra[UNKNOWN_FIELD] = self.rng.choice(("desktop", "ios", "web"))
        self.activities.append(
            Activity(
                id=self.ids.tagged("activity_"),
                created_at=at,
                type=kind,
                organization_uuid=org_uuid,
                organization_id=self.org_ids[org_uuid] if org_uuid else None,
                actor=actor,
                fields=extra,
            )
        )

    def at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        return self.start + dt.timedelta(
            days=day,
            hours=hour,
            minutes=minute,
            seconds=self.rng.randint(0, 59),
            microseconds=self.rng.randint(0, 999) * 1000,
        )

    # --- directory ----------------------------------------------------------------------------

    def directory(self) -> None:
        cfg = self.config
        self.parent_uuid = self.ids.uuid()
        self.orgs = [
            Organization(
                uuid=self.ids.uuid(),
                org_id=self.ids.tagged("org_"),
                name=_ORG_NAMES[i % len(_ORG_NAMES)] + ("" if i < len(_ORG_NAMES) else f" {i}"),
                created_at=self.start - dt.timedelta(days=900 - 40 * i),
            )
            for i in range(cfg.orgs)
        ]
        self.org_ids = {o.uuid: o.org_id for o in self.orgs}
        self.users: list[User] = []
        for i in range(cfg.users):
            first, last = _FIRST[i % len(_FIRST)], _LAST[(i * 7) % len(_LAST)]
            suffix = "" if i < len(_FIRST) else str(i // len(_FIRST))
            org = self.orgs[i % cfg.orgs]
            role = (
                "primary_owner"
                if i == 0
                else (
                    "admin"
                    if i < cfg.orgs + 1
                    else self.rng.choice(("user", "user", "user", "developer"))
                )
            )
            self.users.append(
                User(
                    id=self.ids.tagged("user_"),
                    email=f"{first.lower()}.{last.lower()}{suffix}@acme-analytics.test",
                    full_name=f"{first} {last}",
                    organization_role=role,
                    created_at=org.created_at
                    + dt.timedelta(days=30 + self.rng.randint(0, 800), hours=i),
                    organization_uuid=org.uuid,
                )
            )

    # --- projects -----------------------------------------------------------------------------

    def project_skeletons(self) -> None:
        self.projects: list[Project] = []
        latest_day = max(0, self.config.days // 2)
        for org in self.orgs:
            members = [u for u in self.users if u.organization_uuid == org.uuid]
            for _ in range(self.config.projects_per_org if members else 0):
                created = self.at(self.rng.randint(0, latest_day), self.rng.randint(8, 11))
                self.projects.append(
                    Project(
                        id=self.ids.tagged("claude_proj_"),
                        name=text.project_name(self.rng),
                        created_at=created,
                        updated_at=created,
                        deleted_at=None,
                        is_private=self.rng.random() < 0.3,
                        organization_uuid=org.uuid,
                        user_id=self.rng.choice(members).id,
                        description="",
                        instructions="",
                    )
                )

    def compose_input(
        self,
        filler: str,
        where: _Input,
        force: bool = False,
        prefer: tuple[str, ...] = (),
        decoys: bool = True,
    ) -> str:
        kinds = self.planter.plants(force=force, prefer=prefer)
        parts: list[Part] = [
            filler,
            *self.planter.parts(kinds, self.planter.decoys() if decoys else []),
        ]
        composed, marks = compose(parts)
        self.record(where, marks)
        return composed

    def project_contents(self) -> None:
        filled: list[Project] = []
        for index, project in enumerate(self.projects):
            owner = next(u for u in self.users if u.id == project.user_id)
            first = index == 0
            description = self.compose_input(
                text.project_description(self.rng),
                _Input(
                    "project_description", project.id, None, project.id, owner, project.created_at
                ),
                force=first,
                prefer=("email", "phone"),
                decoys=False,
            )
            instructions = self.compose_input(
                text.project_instructions(self.rng),
                _Input(
                    "project_instruction", project.id, None, project.id, owner, project.created_at
                ),
                force=first,
                prefer=("anthropic_api03", "password_phrase", "bearer", "ipv4"),
            )
            updated = project.created_at
            for n in range(self.rng.randint(1, 3)):
                at = project.created_at + dt.timedelta(
                    minutes=5 + 40 * n, seconds=self.rng.randint(0, 59)
                )
                doc_id = self.ids.tagged("claude_proj_doc_")
                content = self.compose_input(
                    text.document(self.rng),
                    _Input("project_file", doc_id, None, project.id, owner, at),
                    force=first and n == 0,
                )
                self.documents[doc_id] = Document(
                    id=doc_id,
                    project_id=project.id,
                    filename=f"runbook-{n + 1}.md",
                    created_at=at,
                    content=content,
                    user_id=owner.id,
                )
                self.activity(
                    at,
                    "claude_project_document_uploaded",
                    owner,
                    {
                        "claude_project_document_id": doc_id,
                        "claude_project_id": project.id,
                        "filename": None,
                    },
                )
                updated = max(updated, at)
            for n in range(self.rng.randint(0 if not first else 2, 2)):
                at = project.created_at + dt.timedelta(
                    minutes=7 + 30 * n, seconds=self.rng.randint(0, 59)
                )
                file_id = self.ids.tagged("claude_file_")
                if n == 1 and index % 3 == 0:
                    blob, name, mime = png_bytes(self.rng), "architecture.png", "image/png"
                else:
                    name, mime = self.rng.choice(
                        (("pricing.csv", "text/csv"), ("notes.md", "text/markdown"))
                    )
                    filler = (
                        text.csv_table(self.rng)
                        if mime == "text/csv"
                        else text.document(self.rng, 1)
                    )
                    blob = self.compose_input(
                        filler,
                        _Input("project_file", file_id, None, project.id, owner, at),
                        force=first and n == 0,
                    ).encode()
                self.files[file_id] = StoredFile(
                    id=file_id,
                    uuid=self.ids.uuid(),
                    filename=name,
                    mime_type=mime,
                    created_at=at,
                    content=blob,
                    user_id=owner.id,
                    organization_uuid=project.organization_uuid,
                    project_id=project.id,
                )
                self.activity(
                    at,
                    "claude_project_file_uploaded",
                    owner,
                    {"claude_file_id": file_id, "claude_project_id": project.id, "filename": None},
                )
                updated = max(updated, at)
            if (
                self.planter.plant_rate > 0
                and self.planter.queue
                and index == len(self.projects) - 1
            ):
                updated = max(updated, self.leftovers(project, owner))
            self.activity(
                project.created_at,
                "claude_project_created",
                owner,
                {"claude_project_id": project.id},
            )
            filled.append(
                Project(
                    id=project.id,
                    name=project.name,
                    created_at=project.created_at,
                    updated_at=updated,
                    deleted_at=None,
                    is_private=project.is_private,
                    organization_uuid=project.organization_uuid,
                    user_id=project.user_id,
                    description=description,
                    instructions=instructions,
                )
            )
        self.projects = filled

    def leftovers(self, project: Project, owner: User) -> dt.datetime:
        """Small configurations: put every kind not yet planted into one handover document."""
        at = project.created_at + dt.timedelta(hours=3)
        doc_id = self.ids.tagged("claude_proj_doc_")
        parts: list[Part] = ["# Credentials handover (to be rotated)\n"]
        parts += self.planter.parts(self.planter.queue, [])
        self.planter.queue = []
        content, marks = compose(parts)
        self.record(_Input("project_file", doc_id, None, project.id, owner, at), marks)
        self.documents[doc_id] = Document(
            id=doc_id,
            project_id=project.id,
            filename="handover.md",
            created_at=at,
            content=content,
            user_id=owner.id,
        )
        self.activity(
            at,
            "claude_project_document_uploaded",
            owner,
            {
                "claude_project_document_id": doc_id,
                "claude_project_id": project.id,
                "filename": None,
            },
        )
        return at

    # --- chats --------------------------------------------------------------------------------

    def chats(self) -> None:
        cfg = self.config
        self.chat_list: list[Chat] = []
        self.first_text_file_planted = False
        self.big_file_attached = False
        whole, fraction = int(cfg.chats_per_user_day), cfg.chats_per_user_day % 1
        for day in range(cfg.days):
            for user in self.users:
                count = whole + (1 if self.rng.random() < fraction else 0)
                if count:
                    first_at = self.at(day, 7, 40)
                    self.activity(
                        first_at,
                        "sso_login_succeeded",
                        user,
                        {"auth_method": "sso", "mfa_method": None},
                        org_less=True,
                    )
                for _ in range(count):
                    self.chat(user, day)

    def chat(self, user: User, day: int) -> None:
        cfg, rng = self.config, self.rng
        chat_id, chat_uuid = self.ids.tagged("claude_chat_"), self.ids.uuid()
        created = self.at(day, rng.randint(8, 17), rng.randint(0, 59))
        projects = [
            p
            for p in self.projects
            if p.organization_uuid == user.organization_uuid and p.created_at < created
        ]
        project_id = rng.choice(projects).id if projects and rng.random() < 0.25 else None
        is_deleted = rng.random() < 0.05
        sessions = [(created, rng.randint(1, 2 * cfg.turns_per_chat - 1))]
        if day + 1 < cfg.days and rng.random() < 0.15:
            later = rng.randint(day + 1, min(cfg.days - 1, day + 3))
            sessions.append(
                (self.at(later, rng.randint(8, 17), rng.randint(0, 59)), rng.randint(1, 2))
            )
        message_ids: list[str] = []
        last = created
        self.activity(
            created,
            "claude_chat_created",
            user,
            {"claude_chat_id": chat_id, "claude_project_id": project_id},
        )
        for index, (start, turns) in enumerate(sessions):
            if index:
                self.activity(
                    start,
                    "claude_chat_updated",
                    user,
                    {"claude_chat_id": chat_id, "claude_project_id": project_id},
                )
            at = start + dt.timedelta(seconds=2)
            for _ in range(turns):
                message_ids.append(
                    self.user_message(chat_id, project_id, user, at, plant=not is_deleted)
                )
                at += dt.timedelta(seconds=rng.randint(5, 90), milliseconds=rng.randint(0, 999))
                message_ids.append(self.assistant_message(chat_id, at))
                last = at
                at += dt.timedelta(minutes=rng.randint(1, 12), seconds=rng.randint(0, 59))
        deleted_at = last + dt.timedelta(minutes=rng.randint(10, 120)) if is_deleted else None
        if deleted_at is not None:
            self.activity(
                deleted_at,
                "claude_chat_deleted",
                user,
                {"claude_chat_id": chat_id, "claude_project_id": project_id},
            )
        elif rng.random() < 0.3:
            self.activity(
                last + dt.timedelta(minutes=30),
                "claude_chat_viewed",
                user,
                {"claude_chat_id": chat_id, "claude_project_id": project_id},
            )
        if self.unknown_emitted < len(UNKNOWN_ACTIVITY_TYPES) or rng.random() < 0.01:
            kind = UNKNOWN_ACTIVITY_TYPES[self.unknown_emitted % len(UNKNOWN_ACTIVITY_TYPES)]
            self.unknown_emitted += 1
            self.activity(
                last + dt.timedelta(minutes=1),
                kind,
                user,
                {"claude_chat_id": chat_id, "insight_count": rng.randint(1, 5)},
            )
        self.chat_list.append(
            Chat(
                id=chat_id,
                uuid=chat_uuid,
                name="" if is_deleted else text.chat_title(rng),
                created_at=created,
                updated_at=deleted_at or last,
                deleted_at=deleted_at,
                model=rng.choice(text.MODELS),
                organization_uuid=user.organization_uuid,
                project_id=project_id,
                user_id=user.id,
                message_ids=tuple(message_ids),
            )
        )

    def user_message(
        self, chat_id: str, project_id: str | None, user: User, at: dt.datetime, plant: bool
    ) -> str:
        rng = self.rng
        message_id = self.ids.tagged("claude_chat_msg_")
        where = _Input("chat_message", message_id, chat_id, project_id, user, at)
        kinds = self.planter.plants() if plant else []
        decoys = self.planter.decoys() if plant else []
        body, marks = compose([text.user_turn(rng), *self.planter.parts(kinds, decoys)])
        self.record(where, marks)
        blocks: tuple[Block, ...] = (TextBlock(body),)
        split = self.split_point(body, marks)
        if split is not None and rng.random() < 0.3:
            blocks = (TextBlock(body[:split]), TextBlock(body[split + 1 :]))
        file_ids: list[str] = []
        if not self.big_file_attached and plant:
            self.big_file_attached = True
            file_ids.append(self.chat_file(where, kind="big"))
        if rng.random() < 0.12:
            kind = "png" if rng.random() < 0.15 else "text"
            file_ids.append(self.chat_file(where, kind=kind, plant=plant))
        self.messages[message_id] = Message(
            id=message_id,
            chat_id=chat_id,
            role="user",
            created_at=at,
            content=blocks,
            file_ids=tuple(file_ids),
        )
        return message_id

    @staticmethod
    def split_point(body: str, marks: list[Mark]) -> int | None:
        """A newline outside every mark, where the input may be split into two text blocks."""
        at = body.find("\n\n")
        if at < 0 or any(m.start <= at < m.end for m in marks):
            return None
        return at

    def assistant_message(self, chat_id: str, at: dt.datetime) -> str:
        rng = self.rng
        message_id = self.ids.tagged("claude_chat_msg_")
        reply = text.assistant_turn(rng)
        blocks: list[Block] = []
        if rng.random() < 0.1:
            tool_id = self.ids.tagged("toolu_")
            query = rng.choice(text.TOPICS)
            blocks += [
                ToolUseBlock(id=tool_id, name="web_search", input=json.dumps({"query": query})),
                ToolResultBlock(
                    tool_use_id=tool_id,
                    name="web_search",
                    text=f"Top results for {query}: " + text.prose(rng, 4),
                ),
            ]
        if rng.random() < 0.02:
            kind = rng.choice(list(ASSISTANT_DECOY_VALUES))
            value = ASSISTANT_DECOY_VALUES[kind](rng)
            prefix = reply + "\n\nFor example, a value shaped like "
            self.decoys.append(
                Decoy(
                    value=value,
                    reason="assistant turn (not a user input)",
                    source="chat_message",
                    source_id=message_id,
                    start=len(prefix),
                    end=len(prefix) + len(value),
                    is_user_input=False,
                )
            )
            reply = prefix + value + " would be flagged."
        blocks.append(TextBlock(reply))
        self.messages[message_id] = Message(
            id=message_id, chat_id=chat_id, role="assistant", created_at=at, content=tuple(blocks)
        )
        return message_id

    def chat_file(self, message: _Input, kind: str, plant: bool = False) -> str:
        """Upload a file attached to ``message`` (a user message input)."""
        rng, user = self.rng, message.user
        file_id = self.ids.tagged("claude_file_")
        uploaded = message.occurred_at - dt.timedelta(seconds=rng.randint(3, 40))
        if kind == "big":
            name, mime = "server-full.log", "text/plain"
            content = text.big_log(rng, self.config.large_file_bytes).encode()
        elif kind == "png":
            name, mime, content = "screenshot.png", "image/png", png_bytes(rng)
        else:
            name, mime, filler = rng.choice(
                (
                    ("notes.txt", "text/plain", text.prose(rng, 4)),
                    ("export.csv", "text/csv", text.csv_table(rng)),
                    (
                        "settings.json",
                        "application/json",
                        json.dumps(
                            {"service": rng.choice(text.SERVICES), "retries": rng.randint(1, 5)},
                            indent=2,
                        ),
                    ),
                    ("job.py", "text/x-python", text.code(rng).strip("`").removeprefix("python\n")),
                    ("worker.log", "text/plain", text.log_lines(rng, 12)),
                    ("deploy.yaml", "application/yaml", text.config(rng)),
                )
            )
            force = plant and not self.first_text_file_planted
            self.first_text_file_planted = self.first_text_file_planted or force
            body = filler
            if plant:
                where = _Input(
                    "chat_file", file_id, message.chat_id, message.project_id, user, uploaded
                )
                body = self.compose_input(filler + "\n", where, force=force)
            content = body.encode()
        self.files[file_id] = StoredFile(
            id=file_id,
            uuid=self.ids.uuid(),
            filename=name,
            mime_type=mime,
            created_at=uploaded,
            content=content,
            user_id=user.id,
            organization_uuid=user.organization_uuid,
            chat_id=message.chat_id,
            message_id=message.source_id,
        )
        self.activity(
            uploaded,
            "claude_file_uploaded",
            user,
            {
                "claude_file_id": file_id,
                "filename": None,
                "claude_chat_id": message.chat_id,
                "claude_project_id": message.project_id,
            },
        )
        return file_id

    def run(self) -> Generated:
        self.directory()
        self.project_skeletons()
        self.chats()
        self.project_contents()
        data = SimData(
            parent_uuid=self.parent_uuid,
            orgs=self.orgs,
            users=self.users,
            chats=self.chat_list,
            messages=self.messages,
            files=self.files,
            projects=self.projects,
            documents=self.documents,
            activities=self.activities,
        )
        # sessions come last and from their own random stream: the records above stay the same
        sessions = generate_sessions(self.config, self.users, self.projects, _Planter)
        data.local_sessions = sessions.local
        data.remote_sessions = sessions.remote
        data.session_messages = sessions.messages
        data.reindex()
        # then names holding values, also from their own stream
        named = plant_in_names(self.config, data)
        uploads = add_documents(self.config, data)
        return Generated(
            data=data,
            planted=self.planted + sessions.planted + named + uploads,
            decoys=self.decoys + sessions.decoys,
        )


def generate(config: SimConfig) -> Generated:
    """Build the organization for ``config``; same config, same result."""
    return _Generator(config).run()
