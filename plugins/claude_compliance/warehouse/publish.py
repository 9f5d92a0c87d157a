"""Publish the built warehouse: copy `build.duckdb` and rename it over `compliance.duckdb`.

Readers (dashboard, reports, the duckdb CLI, BI tools) open the published copy, so they never
meet dbt's writer lock; a reader holding the old file keeps its open inode until it closes.

A publish killed mid-copy leaves a warehouse-sized temp file; the next publish removes it.
It may: publishes run under the home's writer lock (`pipeline.publish`), so no temp can
belong to a publish still running.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from claude_compliance.filemodes import published_file_mode
from claude_compliance.settings import Settings


def publish(settings: Settings) -> Path:
    source = settings.build_db_path
    if not source.exists():
        raise FileNotFoundError(f"nothing to publish: {source} does not exist (run dbt build)")
    target = settings.published_db_path
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):
        leftover.unlink(missing_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        shutil.copyfile(source, tmp)
        # Owner-only, or group-readable when CLAUDE_COMPLIANCE_WAREHOUSE_GROUP_READ says so.
        os.chmod(tmp, published_file_mode(settings.warehouse_group_readable))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
