"""A truncated or corrupted lake file (issue 13, item 9d) is found before dbt, quarantined and
re-synced, or the build fails naming it, and the next build is not stuck on it."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from claude_compliance.settings import Settings
from tests.fixtures.simulator import ANCHOR


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("findings", "scanned_inputs", "chats")
        }


def _part(settings: Settings, zone: str, table: str, day: str) -> Path:
    files = sorted(settings.home.glob(f"lake/{zone}/{table}/key=*/dt={day}/part-*.parquet"))
    assert files, (zone, table, day)
    return files[0]


@pytest.mark.slow
def test_a_damaged_lake_file_is_quarantined_and_resynced_before_dbt(
    settings: Settings, sim, sim_server
) -> None:
    from claude_compliance.keys.commands import register_key
    from claude_compliance.pipeline import PipelineError, build, run_range

    settings = dataclasses.replace(settings, api_url=sim_server.url)
    key_id = str(register_key(settings, sim.keys.compliance, "integrity", "test")["key_id"])
    first, second = ANCHOR - timedelta(days=2), ANCHOR - timedelta(days=1)
    run_range(settings, first, ANCHOR, key_ids=[key_id])
    before = _counts(settings.published_db_path)

    # a truncated raw file and a corrupted (same size, other bytes) scan file of day one
    raw = _part(settings, "raw", "chat_messages", first.isoformat())
    raw.write_bytes(raw.read_bytes()[: raw.stat().st_size // 2])
    dlp = _part(settings, "dlp", "scanned_inputs", first.isoformat())
    data = bytearray(dlp.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dlp.write_bytes(bytes(data))

    lines: list[str] = []
    run_range(settings, second, ANCHOR, key_ids=[key_id], report=lines.append)  # day two only
    assert _counts(settings.published_db_path) == before  # day one re-synced
    quarantined = [line for line in lines if line.startswith("quarantined ")]
    assert len(quarantined) == 2 and any(str(raw) in q for q in quarantined), lines
    assert len(list(settings.home.glob("lake/_quarantine/*/raw/chat_messages/*/*/*.parquet"))) == 1

    # where nothing can re-sync raw data (the DAG's dbt_build task): fail naming the file
    raw.write_bytes(b"PAR1 not much of a parquet file")
    with pytest.raises(PipelineError) as failed:
        build(settings)
    assert str(raw) in str(failed.value) and "claude-compliance run --start" in str(failed.value)
    assert not raw.exists()  # quarantined: the next build is not stuck on it
    build(settings)
