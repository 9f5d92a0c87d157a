"""Extract one key × data interval into the raw lake: the orchestration of the families.

The interval rule lives in `sync.plan`; each resource family in its own module. Each table
of the interval is written only after all of its pages arrived, so an API failure leaves
that table's previous partition intact, is recorded in the ledger, and propagates. A family
the key has no scope for is skipped and reported, not failed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from claude_compliance.api import ComplianceAPIError, ComplianceClient, PermissionDeniedError
from claude_compliance.lake.fs import LakeDir
from claude_compliance.lake.interval import Interval
from claude_compliance.lake.schemas import RAW
from claude_compliance.lake.writer import write_interval
from claude_compliance.sync import activities as activity_feed
from claude_compliance.sync import chats as chat_family
from claude_compliance.sync import directory
from claude_compliance.sync import projects as project_family
from claude_compliance.sync import sessions as session_family
from claude_compliance.sync.context import (
    ExtractContext,
    Progress,
    Rows,
    SyncOptions,
    TableReport,
    Tracker,
)
from claude_compliance.sync.reconcile import reconcile

log = logging.getLogger(__name__)

__all__ = ["SyncOptions", "TableReport", "extract_interval"]


def extract_interval(
    client: ComplianceClient,
    lake_dir: LakeDir,
    key_id: str,
    interval: Interval,
    *,
    options: SyncOptions | None = None,
    progress: Progress | None = None,
) -> list[TableReport]:
    """Sync every resource of one interval; returns the ledger lines."""
    ctx = ExtractContext.create(
        client, lake_dir, key_id, interval, options or SyncOptions(), progress
    )
    reports: list[TableReport] = []
    try:
        orgs = _family(ctx, reports, ("organizations",), lambda: directory.organizations(ctx))
        org_ids = [row["organization_uuid"] for row in orgs or []]
        _family(ctx, reports, ("users",), lambda: directory.users(ctx, org_ids))
        _family(ctx, reports, ("roles",), lambda: directory.roles(ctx, org_ids))
        groups = _family(ctx, reports, ("groups",), lambda: directory.groups(ctx)) or []
        group_ids = [row["group_id"] for row in groups]
        _family(ctx, reports, ("group_members",), lambda: directory.group_members(ctx, group_ids))
        _family(ctx, reports, ("org_settings",), lambda: directory.settings(ctx, org_ids))
        feed = _family(ctx, reports, ("activities",), lambda: activity_feed.activities(ctx)) or []
        _family(
            ctx,
            reports,
            ("chats", "chat_messages", "chat_files"),
            lambda: chat_family.chats(ctx),
        )
        named = project_family.projects_named_by(feed)
        _family(
            ctx,
            reports,
            ("projects", "project_attachments", "project_collaborators"),
            lambda: project_family.projects(ctx, named),
        )
        _family(
            ctx,
            reports,
            ("sessions", "session_messages"),
            lambda: session_family.sessions(ctx),
        )
        if feed:
            _family(ctx, reports, ("reconciliation",), lambda: reconcile(ctx, feed))
    finally:
        _write_ledger(ctx, reports)
    return reports


def _family(
    ctx: ExtractContext,
    reports: list[TableReport],
    tables: tuple[str, ...],
    work: Callable[[], tuple[list[TableReport], Rows]],
) -> Rows | None:
    """Run one resource family; a missing scope is reported and skipped, a failure raises."""
    try:
        family_reports, rows = work()
    except PermissionDeniedError as exc:
        log.warning("key %s has no scope for %s: skipped (%s)", ctx.key_id, tables, exc.message)
        for table in tables:
            tracker = Tracker(ctx, table)
            tracker.report.status = "skipped_no_scope"
            tracker.report.detail = exc.message
            tracker.write([])
            reports.append(tracker.report)
        return None
    except ComplianceAPIError as exc:
        # Nothing of this family was written: its previous partitions stay as they were.
        now = ctx.options.now()
        reports.extend(
            TableReport(table=t, status="failed", detail=str(exc), finished_at=now) for t in tables
        )
        raise
    reports.extend(family_reports)
    return rows


def _write_ledger(ctx: ExtractContext, reports: list[TableReport]) -> None:
    failed = any(r.status == "failed" for r in reports)
    write_interval(
        ctx.lake_dir,
        "raw",
        "sync_ledger",
        ctx.key_id,
        ctx.interval,
        [r.as_ledger_row(ctx.key_id, ctx.interval) for r in reports],
        RAW["sync_ledger"],
        manifest={"status": "failed" if failed else "ok"},
    )
