"""Directory snapshots: organizations, users, roles, groups and members, effective settings.

Taken at sync time into the interval's partition. The families are independent: a key
without the scope for one (e.g. groups) still snapshots the others.
"""

from __future__ import annotations

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
    tracker = Tracker(ctx, "users")
    rows: Rows = []
    for org_id in org_ids:
        pages = ctx.client.paginate(
            f"/v1/compliance/organizations/{org_id}/users", PageTokenPaginator(), {"limit": 1000}
        )
        for page in pages:
            tracker.page(page)
            rows.extend(records.user_row(r, org_id, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def roles(ctx: ExtractContext, org_ids: list[str]) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "roles")
    rows: Rows = []
    for org_id in org_ids:
        pages = ctx.client.paginate(
            f"/v1/compliance/organizations/{org_id}/roles", PageTokenPaginator(), {"limit": 1000}
        )
        for page in pages:
            tracker.page(page)
            rows.extend(records.role_row(r, org_id, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def groups(ctx: ExtractContext) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "groups")
    rows: Rows = []
    for page in ctx.client.paginate("/v1/compliance/groups", PageTokenPaginator(), {"limit": 1000}):
        tracker.page(page)
        rows.extend(records.group_row(r, ctx.key_id, ctx.synced_at) for r in page.items)
    tracker.write(rows)
    return [tracker.report], rows


def group_members(ctx: ExtractContext, group_ids: list[str]) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "group_members")
    rows: Rows = []
    for group_id in group_ids:
        pages = ctx.client.paginate(
            f"/v1/compliance/groups/{group_id}/members", PageTokenPaginator(), {"limit": 1000}
        )
        for page in pages:
            tracker.page(page)
            rows.extend(
                records.member_row(r, group_id, ctx.key_id, ctx.synced_at) for r in page.items
            )
    tracker.write(rows)
    return [tracker.report], rows


def settings(ctx: ExtractContext, org_ids: list[str]) -> tuple[list[TableReport], Rows]:
    tracker = Tracker(ctx, "org_settings")
    rows: Rows = []
    for org_id in org_ids:
        page = ctx.client.get_json(f"/v1/compliance/organizations/{org_id}/settings")
        tracker.call(page.attempts, page.request_id)
        rows.append(records.settings_row(page.body, org_id, ctx.key_id, ctx.synced_at))
    tracker.write(rows)
    return [tracker.report], rows
