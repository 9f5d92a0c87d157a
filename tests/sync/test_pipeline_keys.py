"""The extract stage records every failure on the key, and a key failure stays that key's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from claude_compliance import pipeline, runtime
from claude_compliance.settings import Settings
from compliance_simulator import Simulator
from tests.sync.test_extract import DAYS

SCOPES = ["read:compliance_activities", "read:compliance_user_data", "read:compliance_org_data"]


def test_a_key_that_no_longer_decrypts_fails_its_own_sync_only(
    settings: Settings, sim: Simulator
) -> None:
    store = runtime.key_store(settings)
    broken = store.add(sim.add_key(SCOPES), name="broken", scopes=[], organizations=[], actor="t")
    fine = store.add(sim.keys.compliance, name="fine", scopes=[], organizations=[], actor="t")
    with sa.create_engine(settings.state_db_url).begin() as conn:
        conn.execute(
            sa.text("update compliance_keys set ciphertext = 'gAAAAAtampered' where key_id = :k"),
            {"k": broken.key_id},
        )
    with pytest.raises(pipeline.PipelineError, match="tampered") as info:
        pipeline.extract(settings, broken.key_id, DAYS[0], transport=sim.transport())
    assert sim.keys.compliance not in str(info.value)
    assert store.get(broken.key_id).status == "sync_error"
    summary = pipeline.extract(settings, fine.key_id, DAYS[0], transport=sim.transport())
    assert summary.records > 0 and store.get(fine.key_id).status == "active"
