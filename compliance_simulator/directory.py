"""RBAC roles, groups, project collaborators and effective settings of the synthetic tenant.

Generated from their own random stream, so adding them leaves every other record unchanged.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .ids import IdFactory
from .model import SimData


@dataclass(frozen=True, slots=True)
class Permission:
    action: str
    resource_id: str
    resource_type: str


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    organization_uuid: str
    name: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    permissions: tuple[Permission, ...]


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name: str
    description: str
    source_type: str
    role_ids: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Collaborator:
    """A grant on a project: ``kind`` is user, group, organization or organization_role."""

    kind: str
    subject: str
    role: str
    granted_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Directory:
    roles: tuple[Role, ...]
    groups: tuple[Group, ...]
    collaborators: dict[str, tuple[Collaborator, ...]]
    """Per project id, sorted by ``granted_at``."""


_ROLES = (
    ("Workspace Admin", "Manages members, projects and settings.", ("manage", "read")),
    ("Member", "Uses chats and shared projects.", ("read", "write")),
    ("Auditor", "Reads audit data and exports.", ("read",)),
)
_GROUPS = (("Security Team", "scim"), ("Data Platform", "direct"), ("Legal Reviewers", "scim"))


def build_directory(data: SimData, seed: int) -> Directory:
    rng = random.Random(f"directory:{seed}")  # noqa: S311 - reproducible synthetic data
    ids = IdFactory(f"directory:{seed}")
    roles: list[Role] = []
    for org in data.orgs:
        for name, description, actions in _ROLES:
            created = org.created_at + dt.timedelta(days=rng.randint(1, 30))
            permissions = tuple(
                Permission(action=action, resource_id=org.uuid, resource_type=kind)
                for kind in ("organization", "project")
                for action in actions
            )
            roles.append(
                Role(
                    id=ids.tagged("rbac_role_"),
                    organization_uuid=org.uuid,
                    name=name,
                    description=description,
                    created_at=created,
                    updated_at=created + dt.timedelta(days=rng.randint(0, 60)),
                    permissions=permissions,
                )
            )
    groups: list[Group] = []
    for name, source in _GROUPS:
        created = min(o.created_at for o in data.orgs) + dt.timedelta(days=rng.randint(40, 90))
        members = sorted(rng.sample([u.id for u in data.users], k=max(1, len(data.users) // 3)))
        groups.append(
            Group(
                id=ids.tagged("rbac_group_"),
                name=name,
                description=f"{name} (synced)",
                source_type=source,
                role_ids=(rng.choice(roles).id,),
                created_at=created,
                updated_at=created,
                member_ids=tuple(members),
            )
        )
    collaborators: dict[str, tuple[Collaborator, ...]] = {}
    for project in data.projects:
        grants = [Collaborator("user", project.user_id, "owner", project.created_at)]
        later = project.created_at + dt.timedelta(minutes=rng.randint(5, 300))
        if rng.random() < 0.5:
            grants.append(Collaborator("group", rng.choice(groups).id, "editor", later))
        if not project.is_private:
            grants.append(
                Collaborator(
                    "organization",
                    project.organization_uuid,
                    "viewer",
                    later + dt.timedelta(seconds=1),
                )
            )
        else:
            grants.append(
                Collaborator(
                    "organization_role", "admin", "viewer", later + dt.timedelta(seconds=1)
                )
            )
        collaborators[project.id] = tuple(grants)
    return Directory(roles=tuple(roles), groups=tuple(groups), collaborators=collaborators)
