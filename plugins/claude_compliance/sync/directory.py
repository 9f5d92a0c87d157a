"""Directory snapshots: organizations, users, roles, groups and members, effective settings.

Taken at sync time into the interval's partition. The families are independent: a key
without the scope for one (e.g. groups) still snapshots the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from claude_compliance.api.pagination import PageTokenPaginator
from claude_compliance.sync import records
from claude_compliance.sync.context import ExtractContext, Rows, TableReport, Tracker


def organizations(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "organizations")
    rows: Rows = []
    pages = ctx.client.paginate(
        "/v1/compliance/organizations", PageTokenPaginator(), {"limit": 1000}
    )
    for page in pages:
        tracker.page(page)
        rows.extend(records.organization_row(r, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def users(ctx: ExtractContext, org_ids: list[str]) -> tuple[list[TableReport], Rows]:
    return _per_parent(
        ctx, "users", org_ids, "/v1/compliance/organizations/{}/users", records.user_row
    )


def roles(ctx: ExtractContext, org_ids: list[str]) -> tuple[list[TableReport], Rows]:
    return _per_parent(
        ctx, "roles", org_ids, "/v1/compliance/organizations/{}/roles", records.role_row
    )


def groups(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "groups")
    rows: Rows = []
    for page in ctx.client.paginate("/v1/compliance/groups", PageTokenPaginator(), {"limit": 1000}):
        tracker.page(page)
        rows.extend(records.group_row(r, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def group_members(ctx: ExtractContext, group_ids: list[str]) -> tuple[list[TableReport], Rows]:
    return _per_parent(
        ctx, "group_members", group_ids, "/v1/compliance/groups/{}/members", records.member_row
    )


def settings(ctx: ExtractContext, org_ids: list[str]) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "org_settings")
    rows: Rows = []
    for org_id in org_ids:
        page = ctx.client.get_json(f"/v1/compliance/organizations/{org_id}/settings")
        tracker.call(page.attempts, page.request_id)
        rows.append(records.settings_row(page.body, org_id, ctx.key_id, ctx.synced_at))
    tracker.write(rows)
    return [tracker.report], rows


def _per_parent(
    ctx: ExtractContext,
    table: str,
    parent_ids: list[str],
    path: str,
    to_row: Callable[[Mapping[str, Any], str, str, datetime], dict[str, Any]],
) -> tuple[list[TableReport], Rows]:
    """Walk one page-token listing per parent (an organization, a group) into one table."""
    tracker = Tracker(ctx, table)
    rows: Rows = []
    for parent_id in parent_ids:
        pages = ctx.client.paginate(path.format(parent_id), PageTokenPaginator(), {"limit": 1000})
        for page in pages:
            tracker.page(page)
            rows.extend(to_row(r, parent_id, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows
