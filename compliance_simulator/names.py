"""Names that carry sensitive values: chat and project names are user input too (claude.ai
derives a chat's name from its first message), so some hold a planted value.

Runs after everything else is generated, from its own random stream: only the names it
chooses change, every other record stays as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable

from . import sensitive
from .config import SimConfig
from .model import SimData
from .truth import Planted

# A few short shapes a person types into a title, each around one value (category, maker).
_TITLES: tuple[tuple[str, str, Callable[[random.Random], str], str], ...] = (
    ("Verify SSN ", "ssn", sensitive.ssn, " for onboarding"),
    ("Refund to card ", "credit_card", sensitive.credit_card, ""),
    ("Why does ", "api_key", sensitive.anthropic_key, " return 401?"),
    ("Follow up with ", "email", sensitive.email, " about the contract"),
    ("Call back ", "phone", sensitive.phone, " re: invoice"),
    ("Firewall rule for ", "ip_address", sensitive.ipv4, ""),
)


def _ts(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def plant_in_names(config: SimConfig, data: SimData) -> list[Planted]:
    """Rename a few chats and projects to names holding a sensitive value; returns the truth."""
    if config.plant_rate <= 0:
        return []
    rng = random.Random(f"{config.seed}-names")  # noqa: S311 - reproducible synthetic data
    planted: list[Planted] = []
    users = {u.id: u for u in data.users}
    live_chats = [c for c in data.chats if c.deleted_at is None and c.message_ids]
    chosen = set(rng.sample(range(len(live_chats)), k=min(len(live_chats), len(_TITLES))))
    renamed = {}
    for n, index in enumerate(sorted(chosen)):
        chat = live_chats[index]
        name, start, end, category, value = _title(rng, n)
        renamed[chat.id] = dataclasses.replace(chat, name=name)
        planted.append(
            Planted(
                category=category,
                value=value,
                source="chat_name",
                source_id=chat.id,
                chat_id=chat.id,
                project_id=chat.project_id,
                user_id=chat.user_id,
                organization_uuid=users[chat.user_id].organization_uuid,
                occurred_at=_ts(chat.updated_at),
                start=start,
                end=end,
            )
        )
    data.chats = [renamed.get(c.id, c) for c in data.chats]
    projects = [p for p in data.projects if p.deleted_at is None]
    for n, project in enumerate(rng.sample(projects, k=min(2, len(projects)))):
        name, start, end, category, value = _title(rng, n + len(chosen))
        data.projects = [
            dataclasses.replace(p, name=name) if p.id == project.id else p for p in data.projects
        ]
        planted.append(
            Planted(
                category=category,
                value=value,
                source="project_name",
                source_id=project.id,
                chat_id=None,
                project_id=project.id,
                user_id=project.user_id,
                organization_uuid=project.organization_uuid,
                occurred_at=_ts(project.updated_at),
                start=start,
                end=end,
            )
        )
    data.reindex()
    return planted


def _title(rng: random.Random, n: int) -> tuple[str, int, int, str, str]:
    before, category, make, after = _TITLES[n % len(_TITLES)]
    value = make(rng)
    return f"{before}{value}{after}", len(before), len(before) + len(value), category, value
