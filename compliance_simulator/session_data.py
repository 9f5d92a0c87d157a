"""Deterministic generation of Claude Code / Cowork sessions, their planted values and decoys.

Sessions draw from their own random stream and id factory (``sessions:<seed>``), so adding
them leaves every chat, project, file and activity of a seed exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import text
from .config import SimConfig
from .ids import IdFactory
from .model import (
    LocalSession,
    Project,
    Provenance,
    RemoteSession,
    SessionBlock,
    SessionMessage,
    SessionText,
    SessionToolResult,
    SessionToolUse,
    User,
)
from .sensitive import (
    ASSISTANT_DECOY_VALUES,
    Lookalike,
    Mark,
    Part,
    Secret,
    aws_access_key_id,
    compose,
    email,
    opaque_token,
)
from .truth import Decoy, Planted

if TYPE_CHECKING:
    from .data import _Planter

SOURCE = "session_message"
LOCAL_SURFACES = (
    "cowork",
    "claude_code",
    "claude_science",
    "claude_in_chrome",
    "office_agents/excel",
    "office_agents/powerpoint",
    "office_agents/word",
    "office_agents/outlook",
    "office_agents",
)
"""The documented local ``product_surface`` values (§5.8)."""
UNKNOWN_LOCAL_SURFACE = "claude_for_jetbrains"
"""A surface the spec does not list: clients must pass it through."""
REMOTE_STATUSES = ("pending", "active", "paused", "archived", "failed")
UNKNOWN_REMOTE_STATUS = "hibernated"
UNAVAILABLE_REASONS = (
    "not_captured",
    "client_aborted",
    "cmek_key_revoked",
    "retention_elapsed",
    "oversize",
)
UNKNOWN_PROVENANCE = "device_attested"
"""A provenance ``type`` the spec does not list: clients must tolerate it."""
SYSTEM_PROMPT_MARKER = "[system prompt content not shown]"
COMPACTION_MARKER = "[conversation compacted; earlier turns summarised]"
LONG_RESULT_PLANT_AFTER = 12_000
"""Planted values in long tool results start past this byte (the default cap is 10,000)."""
HUGE_RESULT_BYTES = 1_150_000
"""One tool result longer than the server maximum (~1 MiB): truncated even with ``-1``."""
ENV_KINDS = (
    "anthropic_api03",
    "aws",
    "password_env",
    "password_uri",
    "stripe",
    "openai",
    "github",
    "slack",
)
LOCAL_FEATURES = (
    "unavailable:not_captured",
    "unavailable:client_aborted",
    "unavailable:cmek_key_revoked",
    "unavailable:oversize",
    "retention_placeholder",
    "client_asserted",
    "compaction",
    "unknown_provenance",
    "long_result",
    "huge_result",
    "truncated",
    "multi_day",
    "image_block",
    "non_text_items",
    "env_paste",
    "tool_use_decoy",
    "assistant_decoy",
)
"""Behaviours every configuration shows at least once (the first sessions take them)."""
REMOTE_FEATURES = (
    "agent_with_user",
    "surface_null",
    "project",
    "content_unavailable",
    "inverted_commit",
    "multi_day",
    "long_result",
    "env_paste",
    "tool_use_decoy",
)

_PROMPTS = (
    "Fix the failing test in the {service} service, it broke after the last merge.",
    "Add retries with backoff to the {service} client and update the tests.",
    "Why is the {service} build so slow? Profile it and suggest changes.",
    "Refactor the {topic} module so the CLI and the worker share one code path.",
    "Write a migration for the {topic} table and a rollback script.",
    "Review my branch for the {topic} change before I open the pull request.",
    "The deploy of {service} fails on staging, can you find out why?",
    "Summarise the open issues about {topic} and draft a plan for next sprint.",
)
_ASSISTANT = (
    "I'll start by looking at the relevant files.",
    "Let me run the tests to see the current failure.",
    "The failure comes from a stale fixture; I'll update it and re-run.",
    "I found the cause: the retry loop never resets its counter. Fixing it now.",
    "Done. The change is small and the tests pass locally.",
    "I'll check the configuration the service loads at start-up.",
)
_ENV_FILLER = (
    "APP_ENV=staging\nLOG_LEVEL=info\nDB_HOST=db-primary.internal\nDB_PORT=5432\n"
    "FEATURE_FLAGS=checkout,reports\nCACHE_TTL_SECONDS=300\n"
)


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class GeneratedSessions:
    local: list[LocalSession]
    remote: list[RemoteSession]
    messages: dict[str, SessionMessage]
    planted: list[Planted]
    decoys: list[Decoy]


@dataclass(slots=True)
class _Builder:
    """Blocks of one message and the marks of its parts, offsets into ``located_text``."""

    blocks: list[SessionBlock] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    length: int = 0
    pieces: int = 0

    def _piece(self, value: str, marks: list[Mark]) -> None:
        offset = self.length + (1 if self.pieces else 0)
        self.marks += [Mark(m.part, m.start + offset, m.end + offset) for m in marks]
        self.length = offset + len(value)
        self.pieces += 1

    def text(self, value: str, marks: list[Mark] | None = None, truncated: bool = False) -> None:
        self._piece(value, marks or [])
        self.blocks.append(SessionText(value, truncated))

    def tool_use(self, tool_id: str | None, name: str, value: str, marks: list[Mark]) -> None:
        self._piece(value, marks)
        self.blocks.append(SessionToolUse(tool_id, name, value))

    def tool_result(
        self,
        tool_use_id: str | None,
        name: str,
        items: list[tuple[str, list[Mark]]],
        is_error: bool = False,
    ) -> None:
        for value, marks in items:
            self._piece(value, marks)
        self.blocks.append(
            SessionToolResult(tool_use_id, name, tuple(v for v, _ in items), is_error)
        )


@dataclass(frozen=True, slots=True)
class _ToolCall:
    kind: str
    name: str
    args: dict[str, str]
    parts: list[Part]
    is_error: bool


@dataclass(frozen=True, slots=True)
class _Owner:
    """Who a session's planted values are attributed to (None: nothing is planted)."""

    user: User | None
    organization_uuid: str


class _SessionGenerator:
    def __init__(
        self,
        config: SimConfig,
        users: list[User],
        projects: list[Project],
        planter_cls: type[_Planter],
    ) -> None:
        self.config = config
        self.rng = random.Random(f"sessions:{config.seed}")  # noqa: S311 - reproducible data
        self.ids = IdFactory(f"sessions:{config.seed}")
        self.planter = planter_cls(self.rng, config.plant_rate, config.decoy_rate)
        self.users = users
        self.projects = projects
        self.start = config.window_start
        self.messages: dict[str, SessionMessage] = {}
        self.planted: list[Planted] = []
        self.decoys: list[Decoy] = []
        self.local: list[LocalSession] = []
        self.remote: list[RemoteSession] = []
        orgs = sorted({u.organization_uuid for u in users})
        self.workspaces = {o: [self.ids.tagged("wrkspc_") for _ in range(2)] for o in orgs}

    # --- helpers ------------------------------------------------------------------------------

    def at(self, day: int, hour: int, minute: int = 0) -> dt.datetime:
        return self.start + dt.timedelta(
            days=day,
            hours=hour,
            minutes=minute,
            seconds=self.rng.randint(0, 59),
            microseconds=self.rng.randint(0, 999) * 1000,
        )

    def counts(self, rate: float, minimum: int) -> list[tuple[int, User]]:
        """(day, user) of each session: ``rate`` per user and day, at least ``minimum``."""
        whole, fraction = int(rate), rate % 1
        starts: list[tuple[int, User]] = []
        for day in range(self.config.days):
            for user in self.users:
                starts += [(day, user)] * (whole + (1 if self.rng.random() < fraction else 0))
        while len(starts) < minimum:
            starts.append((self.rng.randrange(self.config.days), self.rng.choice(self.users)))
        return starts

    @staticmethod
    def take_features(queue: list[str], sessions_left: int) -> set[str]:
        """Spread the coverage queue over the first sessions (all of it by the last one)."""
        take = math.ceil(len(queue) / max(1, sessions_left))
        taken = set(queue[:take])
        del queue[:take]
        return taken

    def emit(
        self,
        builder: _Builder,
        message: SessionMessage,
        owner: _Owner,
        is_input: bool,
    ) -> str:
        """Store ``message`` and turn the builder's marks into truth records."""
        self.messages[message.id] = message
        for mark in builder.marks:
            if isinstance(mark.part, Secret):
                assert owner.user is not None and is_input, "plants go into attributed inputs"
                self.planted.append(
                    Planted(
                        category=mark.part.category,
                        value=mark.part.value,
                        source=SOURCE,
                        source_id=message.id,
                        chat_id=None,
                        project_id=None,
                        user_id=owner.user.id,
                        organization_uuid=owner.user.organization_uuid,
                        occurred_at=_ts(message.created_at),
                        start=mark.start,
                        end=mark.end,
                    )
                )
            else:
                self.decoys.append(
                    Decoy(
                        value=mark.part.value,
                        reason=mark.part.reason,
                        source=SOURCE,
                        source_id=message.id,
                        start=mark.start,
                        end=mark.end,
                        is_user_input=is_input,
                    )
                )
        return message.id

    def compose_prompt(self, owner: _Owner, force: bool = False) -> tuple[str, list[Mark]]:
        """A developer's prompt, sometimes with pasted secrets (and user-input decoys)."""
        filler = self.rng.choice(_PROMPTS).format(
            service=self.rng.choice(text.SERVICES), topic=self.rng.choice(text.TOPICS)
        )
        if self.rng.random() < 0.4:
            filler = f"{filler}\n\n{text.user_turn(self.rng)}"
        if owner.user is None:
            return filler, []
        kinds = self.planter.plants(force=force)
        parts: list[Part] = [filler, *self.planter.parts(kinds, self.planter.decoys())]
        return compose(parts)

    def planted_parts(
        self, owner: _Owner, force: bool = False, prefer: tuple[str, ...] = ()
    ) -> list[Part]:
        if owner.user is None:
            return []
        return self.planter.parts(self.planter.plants(force=force, prefer=prefer), [])

    # --- tool calls ---------------------------------------------------------------------------

    def tool_call(self, kind: str, owner: _Owner) -> _ToolCall:
        """One tool call of ``kind``: the input the assistant sends and the result it gets."""
        rng = self.rng
        service = rng.choice(text.SERVICES)
        if kind == "env":
            path = rng.choice((".env", ".env.local", "config/staging.env"))
            parts: list[Part] = [_ENV_FILLER]
            parts += self.planted_parts(owner, force=True, prefer=ENV_KINDS)
            return _ToolCall(kind, "Read", {"file_path": path}, parts, False)
        if kind == "long":
            lines = text.log_lines(rng, lines=40)
            while len(lines.encode()) < LONG_RESULT_PLANT_AFTER:
                lines += "\n" + text.log_lines(rng, lines=40)
            parts = [lines, "\n"]
            parts += self.planted_parts(owner, force=True)
            parts += ["\n", text.log_lines(rng, lines=30)]
            command = f"tail -n 800 logs/{service}.log"
            return _ToolCall(
                kind,
                "Bash",
                {"command": command, "description": "Show the service log"},
                parts,
                False,
            )
        if kind == "huge":
            return _ToolCall(
                kind,
                "Read",
                {"file_path": "logs/full.log"},
                [text.big_log(rng, HUGE_RESULT_BYTES)],
                False,
            )
        if kind == "test":
            passed, failed = rng.randint(20, 300), rng.randint(0, 3)
            output = (
                "============ test session starts ============\n"
                f"collected {passed + failed} items\n\n"
                f"tests/test_{service}.py {'.' * 12}{'F' * failed}\n\n"
                f"====== {failed} failed, {passed} passed in {rng.randint(1, 90)}s ======"
            )
            return _ToolCall(
                kind,
                "Bash",
                {"command": "pytest -q", "description": "Run tests"},
                [output],
                failed > 0,
            )
        if kind == "git":
            output = (
                f"On branch fix/{service}\nChanges not staged for commit:\n"
                f"\tmodified:   src/{service}/client.py\n\tmodified:   tests/test_{service}.py\n"
            )
            return _ToolCall(kind, "Bash", {"command": "git status"}, [output], False)
        if kind == "code":
            snippet = text.code(rng).strip("`").split("\n", 1)[1]
            parts = [snippet]
            parts += self.planted_parts(owner)
            return _ToolCall(kind, "Read", {"file_path": f"src/{service}/main.py"}, parts, False)
        output = "\n".join(
            f"src/{service}/{rng.choice(('client', 'retry', 'config'))}.py:{rng.randint(1, 400)}:"
            f" {rng.choice(text.TOPICS)}"
            for _ in range(rng.randint(2, 6))
        )
        return _ToolCall(
            kind, "Grep", {"pattern": rng.choice(text.TOPICS).split()[0]}, [output], False
        )

    def tool_use_input(self, args: dict[str, str], decoy: bool) -> tuple[str, list[Mark]]:
        """The JSON input; with ``decoy`` the assistant writes a real-looking credential into it."""
        if not decoy:
            return json.dumps(args), []
        if self.rng.random() < 0.5:
            value = opaque_token(self.rng)
            note = f"then curl -s -H 'Authorization: Bearer {value}' https://api.internal/health"
        else:
            value = aws_access_key_id(self.rng)
            note = f"then export AWS_ACCESS_KEY_ID={value} && aws s3 ls"
        encoded = json.dumps({**args, "description": note})
        start = encoded.index(value)
        reason = "tool_use input written by the assistant (not a user input)"
        return encoded, [Mark(Lookalike(reason, value), start, start + len(value))]

    def assistant_text(self, decoy: bool) -> tuple[str, list[Mark]]:
        reply = self.rng.choice(_ASSISTANT)
        if not decoy:
            return reply, []
        kind = self.rng.choice(sorted(ASSISTANT_DECOY_VALUES))
        value = ASSISTANT_DECOY_VALUES[kind](self.rng)
        prefix = reply + " For example, a value shaped like "
        mark = Mark(
            Lookalike("assistant turn (not a user input)", value),
            len(prefix),
            len(prefix) + len(value),
        )
        return prefix + value + " would be flagged.", [mark]

    # --- local sessions -----------------------------------------------------------------------

    def local_sessions(self) -> None:
        starts = self.counts(self.config.local_sessions_per_user_day, 8)
        queue = list(LOCAL_FEATURES)
        surfaces: list[str | None] = [None, UNKNOWN_LOCAL_SURFACE, *LOCAL_SURFACES]
        for index, (day, user) in enumerate(starts):
            features = self.take_features(queue, len(starts) - index)
            if self.rng.random() < 0.05:
                features.add(self.rng.choice(LOCAL_FEATURES))
            if surfaces:
                surface = surfaces.pop(0)
            else:
                surface = self.rng.choices(
                    (*LOCAL_SURFACES, None, UNKNOWN_LOCAL_SURFACE),
                    weights=(25, 50, 4, 4, 4, 3, 4, 3, 3, 4, 2),
                )[0]
            owner = _Owner(user, user.organization_uuid)
            self.local_session(day, user.id, owner, surface, features, index == len(starts) - 1)
        # a user no longer in the directory: email_address null, nothing attributed to them
        user = self.rng.choice(self.users)
        self.local_session(
            self.rng.randrange(self.config.days),
            self.ids.tagged("user_"),
            _Owner(None, user.organization_uuid),
            "claude_code",
            set(),
            False,
        )

    def local_session(
        self,
        day: int,
        user_id: str,
        owner: _Owner,
        surface: str | None,
        features: set[str],
        is_last: bool,
    ) -> None:
        rng = self.rng
        session_id = self.ids.tagged("clls_")
        model = rng.choice(text.MODELS)
        days = self.config.days
        multi_day = "multi_day" in features and days > 1
        if multi_day:
            day = min(day, days - 2)
        bursts = [(self.at(day, rng.randint(8, 17), rng.randint(0, 59)), rng.randint(1, 4))]
        if multi_day or (day + 1 < days and rng.random() < 0.15):
            for later in sorted({rng.randint(day + 1, min(days - 1, day + 3)) for _ in range(2)}):
                bursts.append((self.at(later, rng.randint(8, 17)), rng.randint(1, 2)))
        extra = sorted(features)
        tool_kinds = [
            k
            for f, k in (
                ("long_result", "long"),
                ("huge_result", "huge"),
                ("env_paste", "env"),
                ("non_text_items", "grep"),
            )
            if f in features
        ]
        message_ids: list[str] = []
        first_at = bursts[0][0]
        if "retention_placeholder" in features:
            message_ids.append(self.placeholder(session_id, first_at, "retention_elapsed"))
        if rng.random() < 0.4 or "compaction" in features:
            message_ids.append(self.marker(session_id, first_at, SYSTEM_PROMPT_MARKER, []))
        pending_provenance = [f.split(":", 1)[1] for f in extra if f.startswith("unavailable:")]
        for burst, (at, turns) in enumerate(bursts):
            for turn in range(turns):
                message_ids += self.local_turn(
                    session_id,
                    owner,
                    at,
                    model,
                    tool_kinds if burst == 0 and turn == 0 else [],
                    features if burst == 0 and turn == 0 else set(),
                )
                at = self.messages[message_ids[-1]].created_at + dt.timedelta(
                    minutes=rng.randint(2, 20), seconds=rng.randint(0, 59)
                )
                while pending_provenance:
                    reason = pending_provenance.pop()
                    message_ids.append(self.placeholder(session_id, at, reason))
                    at += dt.timedelta(seconds=rng.randint(5, 60))
            if burst == 0 and "compaction" in features:
                message_ids.append(self.compaction(session_id, at))
        if (
            is_last
            and owner.user is not None
            and self.planter.plant_rate > 0
            and self.planter.queue
        ):
            message_ids += self.leftovers(session_id, owner, at, model)
        created = self.messages[message_ids[0]].created_at
        updated = max(self.messages[m].created_at for m in message_ids)
        workspaces = self.workspaces[owner.organization_uuid]
        self.local.append(
            LocalSession(
                id=session_id,
                organization_uuid=owner.organization_uuid,
                workspace_id=rng.choice(workspaces) if rng.random() < 0.7 else None,
                user_id=user_id,
                product_surface=surface,
                created_at=created,
                updated_at=updated,
                truncated="truncated" in features or rng.random() < 0.03,
                message_ids=tuple(message_ids),
            )
        )

    def placeholder(self, session_id: str, at: dt.datetime, reason: str) -> str:
        """A turn whose content is not available: empty content, nothing planted."""
        return self.emit(
            _Builder(),
            SessionMessage(
                id=self.ids.tagged("clsm_"),
                session_id=session_id,
                role="user",
                created_at=at,
                content=(),
                provenance=Provenance("content_unavailable", reason),
            ),
            _Owner(None, ""),
            is_input=False,
        )

    def marker(self, session_id: str, at: dt.datetime, value: str, marks: list[Mark]) -> str:
        builder = _Builder()
        builder.text(value, marks)
        return self.emit(
            builder,
            SessionMessage(
                id=self.ids.tagged("clsm_"),
                session_id=session_id,
                role="user",
                created_at=at,
                content=tuple(builder.blocks),
                provenance=Provenance("synthetic_marker"),
            ),
            _Owner(None, ""),
            is_input=False,
        )

    def compaction(self, session_id: str, at: dt.datetime) -> str:
        """A compaction marker whose summary quotes an address: not an input, so a decoy."""
        value = email(self.rng)
        head = f"{COMPACTION_MARKER}\nSummary: the user asked to notify "
        mark = Mark(
            Lookalike("synthetic marker (not a user input)", value),
            len(head),
            len(head) + len(value),
        )
        return self.marker(session_id, at, head + value + " when the deploy finishes.", [mark])

    def local_turn(
        self,
        session_id: str,
        owner: _Owner,
        at: dt.datetime,
        model: str,
        tool_kinds: list[str],
        features: set[str],
    ) -> list[str]:
        """One prompt and the inference calls it causes (each call's messages share ``at``)."""
        rng = self.rng
        ids: list[str] = []
        provenance: Provenance | None = None
        if "client_asserted" in features:
            provenance = Provenance("client_asserted")
        elif "unknown_provenance" in features:
            provenance = Provenance(UNKNOWN_PROVENANCE)
        prompt = _Builder()
        # nothing planted under an unknown provenance: whether it is an input is the client's call
        unknown = provenance is not None and provenance.type == UNKNOWN_PROVENANCE
        body, marks = self.compose_prompt(
            _Owner(None, owner.organization_uuid) if unknown else owner,
            force=bool({"env_paste", "client_asserted"} & features),
        )
        prompt.text(body, marks)
        if "image_block" in features:
            prompt.text("[image content not shown]", truncated=True)
        ids.append(
            self.emit(
                prompt,
                SessionMessage(
                    id=self.ids.tagged("clsm_"),
                    session_id=session_id,
                    role="user",
                    created_at=at,
                    content=tuple(prompt.blocks),
                    provenance=provenance,
                ),
                owner,
                is_input=True,
            )
        )
        kinds = list(tool_kinds)
        kinds += [rng.choice(("test", "git", "code", "grep")) for _ in range(rng.randint(0, 3))]
        ids += self.tool_loop(session_id, at, at, model, kinds, owner, features, remote=False)
        return ids

    def tool_loop(
        self,
        session_id: str,
        at: dt.datetime,
        first_reply_at: dt.datetime,
        model: str,
        kinds: list[str],
        owner: _Owner,
        features: set[str],
        remote: bool,
    ) -> list[str]:
        """The assistant's replies and tool results after a prompt, one inference call each."""
        ids: list[str] = []
        reply_at = first_reply_at
        for index, kind in enumerate([*kinds, None]):
            call = self.tool_call(kind, owner) if kind is not None else None
            tool_id = self.ids.tagged("toolu_") if self.rng.random() > 0.03 else None
            ids.append(
                self.assistant(session_id, reply_at, model, call, tool_id, features, index, remote)
            )
            if call is None:
                break
            at += dt.timedelta(
                seconds=self.rng.randint(2, 40), milliseconds=self.rng.randint(0, 999)
            )
            reply_at = at
            ids.append(
                self.tool_result_message(session_id, at, call, tool_id, owner, features, remote)
            )
        return ids

    def assistant(
        self,
        session_id: str,
        at: dt.datetime,
        model: str,
        call: _ToolCall | None,
        tool_id: str | None,
        features: set[str],
        index: int,
        remote: bool,
    ) -> str:
        rng = self.rng
        builder = _Builder()
        decoy = ("assistant_decoy" in features and index == 0) or rng.random() < 0.04
        reply, marks = self.assistant_text(decoy)
        builder.text(reply, marks)
        if call is not None:
            use_decoy = ("tool_use_decoy" in features and index == 0) or rng.random() < 0.03
            value, marks = self.tool_use_input(call.args, use_decoy)
            builder.tool_use(tool_id, call.name, value, marks)
        return self.emit(
            builder,
            SessionMessage(
                id=self.ids.tagged("csev_" if remote else "clsm_"),
                session_id=session_id,
                role="assistant",
                created_at=at,
                content=tuple(builder.blocks),
                model=None if remote else model,
            ),
            _Owner(None, ""),
            is_input=False,
        )

    def tool_result_message(
        self,
        session_id: str,
        at: dt.datetime,
        call: _ToolCall,
        tool_id: str | None,
        owner: _Owner,
        features: set[str],
        remote: bool,
    ) -> str:
        body, marks = compose(call.parts)
        items = [(body, marks)]
        if call.kind == "grep" and "non_text_items" in features:
            items.append(("[2 non-text item(s) not shown]", []))
        builder = _Builder()
        builder.tool_result(tool_id, call.name, items, call.is_error)
        return self.emit(
            builder,
            SessionMessage(
                id=self.ids.tagged("csev_" if remote else "clsm_"),
                session_id=session_id,
                role="user",
                created_at=at,
                content=tuple(builder.blocks),
            ),
            owner,
            is_input=True,
        )

    def leftovers(self, session_id: str, owner: _Owner, at: dt.datetime, model: str) -> list[str]:
        """Small configurations: every kind not yet planted, in one ``.env`` the agent reads."""
        at += dt.timedelta(minutes=3)
        parts: list[Part] = ["# handover.env (to be rotated)\n"]
        parts += self.planter.parts(self.planter.queue, [])
        self.planter.queue = []
        body, marks = compose(parts)
        call = _ToolCall("env", "Read", {"file_path": "handover.env"}, [], False)
        tool_id = self.ids.tagged("toolu_")
        ids = [self.assistant(session_id, at, model, call, tool_id, set(), 1, False)]
        builder = _Builder()
        builder.tool_result(tool_id, "Read", [(body, marks)])
        ids.append(
            self.emit(
                builder,
                SessionMessage(
                    id=self.ids.tagged("clsm_"),
                    session_id=session_id,
                    role="user",
                    created_at=at + dt.timedelta(seconds=4),
                    content=tuple(builder.blocks),
                ),
                owner,
                is_input=True,
            )
        )
        return ids

    # --- remote sessions ----------------------------------------------------------------------

    def remote_sessions(self) -> None:
        starts = self.counts(self.config.remote_sessions_per_user_day, 6)
        queue = list(REMOTE_FEATURES)
        statuses = ["active", "paused", "archived", "failed", UNKNOWN_REMOTE_STATUS]
        for index, (day, user) in enumerate(starts):
            features = self.take_features(queue, len(starts) - index)
            if statuses:
                status = statuses.pop(0)
            else:
                status = self.rng.choices(
                    (*REMOTE_STATUSES, UNKNOWN_REMOTE_STATUS), weights=(8, 35, 10, 40, 7, 2)
                )[0]
            if status == "pending" and features:
                status = "active"  # a pending session has no transcript to carry a feature
            owner = _Owner(user, user.organization_uuid)
            kind = "user"
            if "agent_with_user" in features or (not features and self.rng.random() < 0.2):
                kind = "agent_with_user" if self.rng.random() < 0.6 or features else "agent"
            if kind == "agent":
                owner = _Owner(None, user.organization_uuid)
            self.remote_session(day, user, owner, kind, status, features)
        # always one session still pending (404 on messages) and one agent session with no human
        for kind, status in (("user", "pending"), ("agent", "active")):
            user = self.rng.choice(self.users)
            owner = _Owner(user if kind == "user" else None, user.organization_uuid)
            self.remote_session(
                self.rng.randrange(self.config.days), user, owner, kind, status, set()
            )

    def remote_session(
        self, day: int, user: User, owner: _Owner, kind: str, status: str, features: set[str]
    ) -> None:
        rng = self.rng
        session_id = self.ids.tagged("cse_")
        agent_id = self.ids.tagged("cagt_") if kind != "user" else None
        projects = [
            p
            for p in self.projects
            if p.organization_uuid == user.organization_uuid
            and p.created_at < self.start + dt.timedelta(days=day)
        ]
        project_id = (
            rng.choice(projects).id
            if projects and ("project" in features or rng.random() < 0.3)
            else None
        )
        created = self.at(day, rng.randint(8, 17), rng.randint(0, 59))
        message_ids: list[str] = []
        if status != "pending":
            at = created + dt.timedelta(seconds=3)
            days = self.config.days
            for turn in range(2 if "multi_day" in features else rng.randint(1, 3)):
                message_ids += self.remote_turn(
                    session_id, owner, at, features if turn == 0 else set()
                )
                at = self.messages[message_ids[-1]].created_at + dt.timedelta(
                    minutes=rng.randint(2, 30)
                )
                if day + 1 < days and ("multi_day" in features or rng.random() < 0.1):
                    # resumed a day or two later: updated_at moves, created_at stays
                    day = rng.randint(day + 1, min(days - 1, day + 2))
                    at = self.at(day, rng.randint(8, 16))
        updated = max([created, *(self.messages[m].created_at for m in message_ids)])
        self.remote.append(
            RemoteSession(
                id=session_id,
                organization_uuid=user.organization_uuid,
                user_id=user.id if kind == "user" else None,
                agent_id=agent_id,
                started_by_user_id=user.id if kind == "agent_with_user" else None,
                status=status,
                created_at=created,
                updated_at=updated,
                product_surface=None if "surface_null" in features else "cowork_remote",
                claude_project_id=project_id,
                message_ids=tuple(message_ids),
            )
        )

    def remote_turn(
        self, session_id: str, owner: _Owner, at: dt.datetime, features: set[str]
    ) -> list[str]:
        prompt = _Builder()
        body, marks = self.compose_prompt(owner, force="env_paste" in features)
        prompt.text(body, marks)
        sender = owner.user.id if owner.user is not None else None
        ids = [
            self.emit(
                prompt,
                SessionMessage(
                    id=self.ids.tagged("csev_"),
                    session_id=session_id,
                    role="user",
                    created_at=at,
                    content=tuple(prompt.blocks),
                    sent_by_user_id=sender,
                ),
                owner,
                is_input=True,
            )
        ]
        kinds = [k for f, k in (("long_result", "long"), ("env_paste", "env")) if f in features]
        kinds += [self.rng.choice(("test", "code", "grep")) for _ in range(self.rng.randint(0, 2))]
        # commit times may tie or invert (§5.9): this reply was committed before its prompt
        reply_at = at - dt.timedelta(milliseconds=250) if "inverted_commit" in features else at
        ids += self.tool_loop(session_id, at, reply_at, "", kinds, owner, features, remote=True)
        if "content_unavailable" in features:
            ids.append(
                self.emit(
                    _Builder(),
                    SessionMessage(
                        id=self.ids.tagged("csev_"),
                        session_id=session_id,
                        role="user",
                        created_at=self.messages[ids[-1]].created_at + dt.timedelta(seconds=30),
                        content=(),
                        content_unavailable=True,
                        sent_by_user_id=sender,
                    ),
                    _Owner(None, ""),
                    is_input=False,
                )
            )
        return ids

    def run(self) -> GeneratedSessions:
        self.local_sessions()
        self.remote_sessions()
        return GeneratedSessions(self.local, self.remote, self.messages, self.planted, self.decoys)


def generate_sessions(
    config: SimConfig, users: list[User], projects: list[Project], planter_cls: type[_Planter]
) -> GeneratedSessions:
    """Sessions for ``config`` over the generated directory; same config, same result."""
    return _SessionGenerator(config, users, projects, planter_cls).run()
